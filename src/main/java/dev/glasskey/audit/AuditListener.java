package dev.glasskey.audit;

/**
 * Hears every audit entry inside the transaction that wrote it, so whatever a listener
 * stores (an alert in the outbox) commits or rolls back with the action itself.
 */
public interface AuditListener {
    void onRecorded(AuditEntry entry);
}
