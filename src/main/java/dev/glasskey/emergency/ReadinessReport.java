package dev.glasskey.emergency;

import java.time.Instant;
import java.util.List;

/**
 * The readiness of the emergency set-up: the worst status of its checks, and each check.
 *
 * @param usableAccounts how many emergency accounts are usable now
 * @param minimum        the lockout guard's minimum
 */
public record ReadinessReport(ReadinessCheck.Status status, Instant computedAt, int usableAccounts, int minimum,
                              List<ReadinessCheck> checks) {

    public ReadinessReport {
        checks = List.copyOf(checks);
    }

    static ReadinessReport of(Instant at, int usable, int minimum, List<ReadinessCheck> checks) {
        ReadinessCheck.Status worst = ReadinessCheck.Status.PASS;
        for (ReadinessCheck c : checks) {
            worst = worst.worst(c.status());
        }
        return new ReadinessReport(worst, at, usable, minimum, checks);
    }

    /** One line per check that is not passing, for audit details and the command line. */
    public String summary() {
        StringBuilder s = new StringBuilder(status.value());
        for (ReadinessCheck c : checks) {
            if (c.status() != ReadinessCheck.Status.PASS) {
                s.append("; ").append(c.id()).append(' ').append(c.status().value());
            }
        }
        return s.toString();
    }
}
