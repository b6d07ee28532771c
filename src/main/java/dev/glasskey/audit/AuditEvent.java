package dev.glasskey.audit;

import dev.glasskey.system.Actor;

/**
 * What a feature asks the audit log to record.
 *
 * @param actor     who acted
 * @param action    dotted verb, e.g. {@code signin}, {@code account.disable}
 * @param target    what was acted on (account id, key id, credential id), or null
 * @param outcome   success or failure
 * @param reason    the error code for a failure, or null
 * @param emergency the action concerns an emergency account or key
 * @param flagged   needs a human's attention (bootstrap use, counter regression)
 * @param detail    short free text for people; never secrets
 */
public record AuditEvent(Actor actor, String action, String target, Outcome outcome, String reason,
                         boolean emergency, boolean flagged, String detail) {

    public enum Outcome { SUCCESS, FAILURE }

    public static AuditEvent success(Actor actor, String action, String target, boolean emergency, String detail) {
        return new AuditEvent(actor, action, target, Outcome.SUCCESS, null, emergency, false, detail);
    }

    public static AuditEvent failure(Actor actor, String action, String target, String reason, boolean emergency, String detail) {
        return new AuditEvent(actor, action, target, Outcome.FAILURE, reason, emergency, false, detail);
    }

    public AuditEvent flag() {
        return new AuditEvent(actor, action, target, outcome, reason, emergency, true, detail);
    }
}
