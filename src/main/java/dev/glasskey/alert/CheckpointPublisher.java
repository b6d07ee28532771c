package dev.glasskey.alert;

import java.time.Clock;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.glasskey.audit.AuditCheckpoint;
import dev.glasskey.audit.CheckpointListener;
import dev.glasskey.audit.ExternalCheckpoints;
import dev.glasskey.system.Ids;
import dev.glasskey.system.Times;

/**
 * Publishes every signed audit checkpoint to the channels that receive checkpoints, through the
 * alerts' outbox: one alert row (marked checkpoint, its fields as the event) and one delivery per
 * channel, inside the transaction that stores the checkpoint, so the copy is queued exactly when
 * the checkpoint exists and is retried like any alert. The copy lands where the database writer
 * cannot reach, and {@code glasskey audit verify --checkpoints} checks the chain against it.
 */
@Component
class CheckpointPublisher implements CheckpointListener {
    /** The {@code rules} column of a checkpoint's outbox row (no rule made it). */
    static final String RULES = "checkpoint";

    private final AlertStore store;
    private final Clock clock;

    CheckpointPublisher(AlertStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void onCheckpoint(AuditCheckpoint checkpoint) {
        List<String> channels = store.checkpointChannels();
        if (channels.isEmpty()) {
            return;
        }
        var now = Times.now(clock);
        String alertId = Ids.uuid();
        store.insertAlert(alertId, checkpoint.seq(), RULES, Severity.INFO, summary(checkpoint),
                AlertStore.JSON.writeValueAsString(ExternalCheckpoints.fields(checkpoint)), false, true, now);
        for (String channel : channels) {
            store.insertDelivery(Ids.uuid(), alertId, channel, Severity.INFO, now);
        }
    }

    static String summary(AuditCheckpoint c) {
        return "Glasskey audit checkpoint: entry " + c.seq() + ", hash " + c.headHash() + ", signed " + c.signedAt() + " with key " + c.keyId();
    }
}
