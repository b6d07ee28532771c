package dev.glasskey.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.system.Times;

/**
 * Channel health for the readiness check: a channel is failing when its last
 * {@code glasskey.alerts.failing-after} attempts all failed, or when an alert has waited on it
 * longer than {@code glasskey.alerts.failing-age}.
 */
@Component
public class AlertReadiness {
    private final AlertStore store;
    private final AlertProperties properties;
    private final Clock clock;

    AlertReadiness(AlertStore store, AlertProperties properties, Clock clock) {
        this.store = store;
        this.properties = properties;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public List<ChannelStatus> channels() {
        Map<String, AlertStore.Backlog> backlog = store.backlog();
        Instant now = Times.now(clock);
        return store.channels().stream().map(c -> status(c, backlog.get(c.id()), now)).toList();
    }

    ChannelStatus status(AlertChannel c, AlertStore.Backlog backlog, Instant now) {
        String reason = null;
        if (c.enabled() && c.consecutiveFailures() >= properties.failingAfter()) {
            reason = c.consecutiveFailures() + " consecutive delivery failures, last: " + c.lastFailure();
        } else if (c.enabled() && backlog != null && backlog.oldest() != null
                && backlog.oldest().plus(properties.failingAge()).isBefore(now)) {
            reason = backlog.pending() + " alert(s) undelivered, the oldest for "
                    + Duration.between(backlog.oldest(), now).toMinutes() + " min";
        }
        return new ChannelStatus(c.id(), c.name(), c.type().value(), c.enabled(), c.lastTestDeliveredAt(), c.lastDeliveredAt(),
                reason != null, reason);
    }
}
