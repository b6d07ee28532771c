package dev.glasskey.audit;

import java.time.Instant;

/** One stored, chained audit log entry. */
public record AuditEntry(long seq, Instant at, String actor, String action, String target, String outcome,
                         String reason, boolean emergency, boolean flagged, String client, String detail,
                         String prevHash, String hash) {
}
