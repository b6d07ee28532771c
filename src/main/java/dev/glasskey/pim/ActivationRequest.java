package dev.glasskey.pim;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A holder's request to activate an eligible role that needs approval.
 *
 * @param status {@code pending}, {@code approved}, {@code denied}, {@code cancelled}; a pending request
 *        past {@code expiresAt} is {@code expired} ({@link #statusAt}), whether or not that was written yet
 * @param approvedBy account ids of the approvers so far
 */
public record ActivationRequest(String id, String accountId, String role, Duration duration, String justification, String ticket,
                                String status, Instant createdAt, Instant expiresAt, Instant decidedAt, String decidedBy,
                                String decisionReason, String assignmentId, List<String> approvedBy) {
    public static final String PENDING = "pending";

    public ActivationRequest {
        approvedBy = List.copyOf(approvedBy);
    }

    public String statusAt(Instant now) {
        return PENDING.equals(status) && !now.isBefore(expiresAt) ? "expired" : status;
    }
}
