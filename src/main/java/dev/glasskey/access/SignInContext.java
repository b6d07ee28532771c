package dev.glasskey.access;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * The facts one Conditional Access decision is taken on (issue 17 §2), gathered by the caller —
 * sign-in, OpenID Connect authorization, token refresh, PIM activation, what-if, the lockout
 * guard's emergency scenario — so that the evaluator itself does no I/O.
 *
 * @param accountId      the account asking
 * @param emergency      whether it is an emergency account
 * @param rolesHeld      roles held through active assignments (issue 16 §2)
 * @param rolesActive    roles active through a PIM activation in force (issue 16 §3)
 * @param resource       the console and API, or an OpenID Connect client
 * @param clientAddress  the real client address (behind a trusted proxy, the forwarded one);
 *                       {@code null} means an address in no named location (the emergency scenario,
 *                       or a what-if without an address)
 * @param deviceCompliant the request presented a client certificate chaining to a device CA
 * @param amr            the sign-in's authentication method references (RFC 8176), e.g.
 *                       {@code ["hwk","user","mfa"]}
 * @param acr            the sign-in's authentication context class ({@code mfa}, {@code phr}, {@code phrh})
 * @param attestedModel  the key model (AAGUID) when its attestation verified to a pinned root, else {@code null}
 * @param authTime       when the person authenticated
 * @param now            the time of the decision (from the one clock)
 */
public record SignInContext(String accountId, boolean emergency, Set<String> rolesHeld, Set<String> rolesActive,
                            Resource resource, InetAddress clientAddress, boolean deviceCompliant,
                            Set<String> amr, String acr, UUID attestedModel, Instant authTime, Instant now) {
    public SignInContext {
        java.util.Objects.requireNonNull(accountId, "accountId");
        java.util.Objects.requireNonNull(resource, "resource");
        java.util.Objects.requireNonNull(authTime, "authTime");
        java.util.Objects.requireNonNull(now, "now");
        rolesHeld = Set.copyOf(rolesHeld);
        rolesActive = Set.copyOf(rolesActive);
        amr = Set.copyOf(amr);
    }

    /** Holds the role, or has it active through PIM. */
    boolean hasRole(String role) {
        return rolesHeld.contains(role) || rolesActive.contains(role);
    }
}
