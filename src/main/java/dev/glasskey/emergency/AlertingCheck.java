package dev.glasskey.emergency;

import java.time.Instant;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.glasskey.alert.AlertReadiness;
import dev.glasskey.alert.ChannelStatus;

/**
 * DOMAIN rule 4, "alerting configured and a test alert delivered", and issue 5's "a channel that
 * keeps failing is itself reported". An emergency sign-in nobody hears about is half a control.
 */
@Component
class AlertingCheck implements ReadinessContributor {
    static final String ID = ReadinessCheck.ALERTING;
    static final String TITLE = "Alerting configured, a test alert delivered, no channel failing";

    private final AlertReadiness alerts;

    AlertingCheck(AlertReadiness alerts) {
        this.alerts = alerts;
    }

    @Override
    public List<ReadinessCheck> checks(Instant now) {
        return List.of(judge(alerts.channels()));
    }

    static ReadinessCheck judge(List<ChannelStatus> channels) {
        List<ChannelStatus> enabled = channels.stream().filter(ChannelStatus::enabled).toList();
        if (enabled.isEmpty()) {
            return ReadinessCheck.fail(ID, TITLE, "No alert channel is enabled: an emergency sign-in would go unnoticed.",
                    "Add a webhook, email or syslog channel (console: Alerts) and send a test alert.");
        }
        List<String> failing = enabled.stream().filter(ChannelStatus::failing)
                .map(c -> "'" + c.name() + "' (" + c.failureReason() + ")").toList();
        if (!failing.isEmpty()) {
            return ReadinessCheck.fail(ID, TITLE, "Failing: " + String.join(", ", failing) + ".",
                    "Fix the channel's destination or credentials; undelivered alerts are retried and delivered once it works.");
        }
        List<String> untested = enabled.stream().filter(c -> c.lastTestDeliveredAt() == null).map(c -> "'" + c.name() + "'").toList();
        if (untested.size() == enabled.size()) {
            return ReadinessCheck.warn(ID, TITLE, "No test alert has been delivered on any channel.",
                    "Send a test alert on each channel and confirm someone received it.");
        }
        String found = enabled.size() + " channel(s) enabled, none failing";
        if (!untested.isEmpty()) {
            return ReadinessCheck.warn(ID, TITLE, found + "; never tested: " + String.join(", ", untested) + ".",
                    "Send a test alert on each listed channel.");
        }
        return ReadinessCheck.pass(ID, TITLE, found + ", each delivered a test alert.");
    }
}
