package dev.glasskey.alert;

import java.time.Instant;

/**
 * One alert as a channel sends it.
 *
 * @param idempotencyKey the outbox row's id: the same on every retry of this (alert, channel), so receivers can dedup
 * @param eventJson      the audit entry as JSON (for a test alert, a description of the test)
 * @param text           one human-readable line (Slack/Teams-compatible {@code text})
 * @param checkpoint     this is a signed audit checkpoint, not an alert: {@code eventJson} holds its fields
 *                       ({@link dev.glasskey.audit.ExternalCheckpoints#fields})
 */
public record AlertMessage(String idempotencyKey, String alertId, Long auditSeq, String rules, Severity severity,
                           String summary, String text, String eventJson, boolean test, Instant createdAt, boolean checkpoint) {
}
