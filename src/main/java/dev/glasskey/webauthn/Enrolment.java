package dev.glasskey.webauthn;

import java.time.Instant;

/**
 * A single-use, expiring permission to register a credential for an account on an inventory
 * key. Only the SHA-256 of the link's token is stored.
 *
 * @param keyId   the inventory key the credential will be tied to; null for the first
 *                administrator, whose key is added to the inventory from its attestation
 * @param purpose {@code admin}, {@code first-admin}, {@code bootstrap}, or {@code setup}: a person's setup
 *                link (issue 15), for a password and an authenticator app, never for a key ceremony
 * @param revokedAt when an administrator revoked the link (its {@code expiresAt} is then the same moment); null otherwise
 * @param revokedBy who revoked it (the actor's label, as {@code createdBy}); null when not revoked
 */
public record Enrolment(String tokenHash, String accountId, String keyId, String purpose, String createdBy,
                        Instant createdAt, Instant expiresAt, Instant usedAt, Instant revokedAt, String revokedBy) {

    /** The states a link is listed in: {@link #state}. */
    public static final java.util.List<String> STATES = java.util.List.of("pending", "used", "expired", "revoked");

    /** {@code used}, {@code revoked}, {@code expired} (ran out unused), or {@code pending} at {@code now}. */
    public String state(Instant now) {
        return usedAt != null ? "used" : revokedAt != null ? "revoked" : now.isBefore(expiresAt) ? "pending" : "expired";
    }

    public static final String ADMIN = "admin";
    public static final String FIRST_ADMIN = "first-admin";
    public static final String BOOTSTRAP = "bootstrap";
    public static final String SETUP = "setup";
}
