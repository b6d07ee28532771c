package dev.glasskey.pim;

import java.time.Instant;

/**
 * An assignment of a role to an account (issue 16 §2).
 *
 * @param id null for a permanent active assignment, which is the account's held role ({@code account_role})
 * @param kind {@link #ELIGIBLE} (may activate) or {@link #ACTIVE} (holds the role)
 * @param endsAt null: permanent
 * @param emergencyActivatable an eligible assignment its emergency account activates without any approver
 * @param source {@link #ASSIGNMENT} (made by an administrator), {@link #ACTIVATION} (by its holder),
 *        {@link #EMERGENCY} (an emergency activation), {@link #HELD} (a held role)
 * @param reason why it was assigned, or the activation's justification
 * @param endedAt when it was removed or deactivated before its end, null otherwise
 */
public record Assignment(String id, String accountId, String role, String kind, Instant startsAt, Instant endsAt,
                         boolean emergencyActivatable, String source, String reason, String ticket, String requestId,
                         String assignedBy, Instant assignedAt, Instant endedAt, String endedBy) {
    public static final String ELIGIBLE = "eligible";
    public static final String ACTIVE = "active";
    public static final String ASSIGNMENT = "assignment";
    public static final String ACTIVATION = "activation";
    public static final String EMERGENCY = "emergency";
    public static final String HELD = "held";

    /** In force at {@code now}: started, not ended early, not past its end. */
    public boolean liveAt(Instant now) {
        return endedAt == null && !startsAt.isAfter(now) && (endsAt == null || now.isBefore(endsAt));
    }

    public boolean permanent() {
        return endsAt == null;
    }

    public boolean eligible() {
        return ELIGIBLE.equals(kind);
    }
}
