package dev.glasskey.emergency;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code glasskey.emergency.*}: the lockout guard's minimum and the drill schedule.
 *
 * @param minimumUsableAccounts the lockout guard refuses any change that would leave fewer usable
 *                              emergency accounts than this (DOMAIN rule 3; default 2)
 * @param drillInterval         every (emergency account, key) pair must be drilled this often (default 90 days)
 * @param drillWarning          pairs coming due within this period are reported in advance (default 14 days)
 * @param drillLinkTtl          how long a started drill stays open (default 7 days)
 * @param monitorInterval       how often readiness is recomputed in the background (time alone can make
 *                              drills overdue); zero or negative turns the background monitor off
 * @param scheduledDrills       whether the monitor opens a drill by itself when pairs come due
 */
@ConfigurationProperties(prefix = "glasskey.emergency")
public record EmergencyProperties(
        int minimumUsableAccounts,
        Duration drillInterval,
        Duration drillWarning,
        Duration drillLinkTtl,
        Duration monitorInterval,
        Boolean scheduledDrills) {

    public EmergencyProperties {
        if (minimumUsableAccounts <= 0) minimumUsableAccounts = 2;
        if (drillInterval == null) drillInterval = Duration.ofDays(90);
        if (drillWarning == null) drillWarning = Duration.ofDays(14);
        if (drillLinkTtl == null) drillLinkTtl = Duration.ofDays(7);
        if (monitorInterval == null) monitorInterval = Duration.ofMinutes(5);
        if (scheduledDrills == null) scheduledDrills = Boolean.TRUE;
    }
}
