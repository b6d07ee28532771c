package dev.glasskey.audit;

import dev.glasskey.system.Actor;

/**
 * What a feature asks the audit log to record.
 *
 * @param actor      who acted
 * @param action     dotted verb, e.g. {@code signin}, {@code account.disable}
 * @param target     what was acted on (account id, key id, credential id), or null
 * @param outcome    success or failure
 * @param reason     the error code for a failure, or null
 * @param emergency  the action concerns an emergency account or key
 * @param flagged    needs a human's attention (bootstrap use, counter regression)
 * @param detail     short free text for people; never secrets
 * @param aggregated a refusal that is counted rather than written on its own: the refusals of one
 *                   window with the same actor, action and client address become one entry
 *                   ({@link RefusalTally}). Anonymous refusals that name nothing real are
 *                   aggregated; so are refusals of a request's shape ({@link #refusal}). A refusal
 *                   that concerns a real account, key or credential, an emergency or a flagged one
 *                   is never aggregated: it stays an entry of its own, and can alert.
 */
public record AuditEvent(Actor actor, String action, String target, Outcome outcome, String reason,
                         boolean emergency, boolean flagged, String detail, boolean aggregated) {

    public enum Outcome { SUCCESS, FAILURE }

    /** The action of a refused request that no service recorded (its shape, method, path, access, rate). */
    public static final String REQUEST_REFUSED = "request.refused";

    public static AuditEvent success(Actor actor, String action, String target, boolean emergency, String detail) {
        return new AuditEvent(actor, action, target, Outcome.SUCCESS, null, emergency, false, detail, false);
    }

    /** A refusal; aggregated when it is anonymous and names no target (see {@link #aggregated}). */
    public static AuditEvent failure(Actor actor, String action, String target, String reason, boolean emergency, String detail) {
        boolean anonymous = actor.id().equals(Actor.ANONYMOUS.id()) && target == null && !emergency;
        return new AuditEvent(actor, action, target, Outcome.FAILURE, reason, emergency, false, detail, anonymous);
    }

    /**
     * A request refused for its shape or access before any service judged it — 404, 405, 413, 415,
     * 429, {@code auth.*}, {@code request.*} — by whoever sent it: always aggregated.
     */
    public static AuditEvent refusal(Actor actor, String reason, String detail) {
        return new AuditEvent(actor, REQUEST_REFUSED, null, Outcome.FAILURE, reason, false, false, detail, true);
    }

    /** Flagged for a human's attention: an entry of its own. */
    public AuditEvent flag() {
        return new AuditEvent(actor, action, target, outcome, reason, emergency, true, detail, false);
    }
}
