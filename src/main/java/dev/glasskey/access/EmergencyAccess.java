package dev.glasskey.access;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What the lockout guard needs to know of one emergency account for the emergency scenario
 * (issue 17 §5): its roles held, the roles it may activate on its own (issue 16 §5: emergency
 * activation, no approver), and the security keys it can sign in with today. The caller
 * ({@code emergency}'s one definition of usable) passes the accounts that are usable apart from
 * policies.
 *
 * @param keys the attested model (AAGUID) of each working security key, or {@code null} for a key
 *             whose attestation did not verify to a pinned root
 */
public record EmergencyAccess(String accountId, String name, Set<String> rolesHeld, Set<String> rolesActivatable,
                              List<UUID> keys) {
    public EmergencyAccess {
        rolesHeld = Set.copyOf(rolesHeld);
        rolesActivatable = Set.copyOf(rolesActivatable);
        keys = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(keys)); // null entries allowed
    }
}
