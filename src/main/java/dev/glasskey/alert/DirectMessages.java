package dev.glasskey.alert;

import java.time.Clock;

import org.springframework.stereotype.Component;

import dev.glasskey.system.Ids;
import dev.glasskey.system.Times;

/**
 * Messages that must reach a receiver durably but are not alerts (an OpenID Connect logout token
 * for a relying party, issue 20), queued in the caller's transaction into the alerts' outbox and
 * delivered by the same machinery ({@link AlertDelivery}): leased per row, retried with back-off,
 * the row id as idempotency key, counted in the outbox gauges. Not a second outbox: one alert row
 * whose {@code rules} names the kind and whose event is the payload, and one delivery row that goes
 * to no alert channel; the {@link DirectRecipient} of that kind sends it. They never reach an
 * alert channel, nor the alert API's delivery lists.
 */
@Component
public class DirectMessages {
    private final AlertStore store;
    private final Clock clock;

    DirectMessages(AlertStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * Queues one message in the caller's transaction (it commits or rolls back with it); returns its
     * delivery id, the idempotency key every attempt carries.
     *
     * @param summary one line for people (logs, the outbox row)
     */
    public String enqueue(String kind, String summary, String payloadJson) {
        var now = Times.now(clock);
        String alertId = Ids.uuid();
        String deliveryId = Ids.uuid();
        // Sent behind critical alerts, ahead of informational ones and checkpoints.
        store.insertAlert(alertId, null, kind, Severity.WARNING, summary, payloadJson, false, now);
        store.insertDelivery(deliveryId, alertId, null, Severity.WARNING, now);
        return deliveryId;
    }
}
