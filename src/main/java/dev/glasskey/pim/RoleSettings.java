package dev.glasskey.pim;

import java.time.Duration;
import java.util.Set;

/**
 * How a role is activated (issue 16 §3).
 *
 * @param maxDuration longest activation; default 1 h, at most {@link #LONGEST}
 * @param approvalRequired whether an activation waits for {@code approvalsNeeded} of {@code approvers}
 *        (never an emergency activation: issue 16 §5)
 * @param stepUp how recent the security-key sign-in of the activating session must be
 * @param requestTtl how long a request waits for its approvals before it expires
 * @param approvers account ids
 */
public record RoleSettings(String role, Duration maxDuration, boolean approvalRequired, int approvalsNeeded, Duration stepUp,
                           Duration requestTtl, Set<String> approvers) {
    public static final Duration LONGEST = Duration.ofHours(24);

    public RoleSettings {
        approvers = Set.copyOf(approvers);
    }
}
