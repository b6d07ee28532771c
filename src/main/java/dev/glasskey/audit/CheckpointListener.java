package dev.glasskey.audit;

/**
 * Hears of each signed checkpoint inside the transaction that stores it, so what it writes
 * (the alert outbox's copies for channels that receive checkpoints) commits or rolls back with
 * the checkpoint. The hook by which {@code alert} publishes checkpoints without {@code audit}
 * knowing it.
 */
public interface CheckpointListener {
    void onCheckpoint(AuditCheckpoint checkpoint);
}
