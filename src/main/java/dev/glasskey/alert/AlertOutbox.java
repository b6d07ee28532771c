package dev.glasskey.alert;

import java.time.Instant;

import org.springframework.stereotype.Component;

import dev.glasskey.system.Ids;

/**
 * Queues one alert in the caller's transaction: the alert row and one outbox row per enabled
 * channel whose minimum severity it reaches, each carrying the alert's delivery priority. The
 * one way an alert enters the outbox, for an audit entry and for a coalescing summary alike.
 */
@Component
class AlertOutbox {
    private final AlertStore store;

    AlertOutbox(AlertStore store) {
        this.store = store;
    }

    /** Returns the new alert's id. */
    String enqueue(Long auditSeq, String rules, Severity severity, String summary, String eventJson, Instant now) {
        String alertId = Ids.uuid();
        store.insertAlert(alertId, auditSeq, rules, severity, summary, eventJson, false, now);
        for (AlertChannel channel : store.enabledChannels()) {
            if (severity.compareTo(channel.minSeverity()) >= 0) {
                store.insertDelivery(Ids.uuid(), alertId, channel.id(), severity, now);
            }
        }
        return alertId;
    }
}
