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
 */
public record Enrolment(String tokenHash, String accountId, String keyId, String purpose, String createdBy,
                        Instant createdAt, Instant expiresAt, Instant usedAt) {

    public static final String ADMIN = "admin";
    public static final String FIRST_ADMIN = "first-admin";
    public static final String BOOTSTRAP = "bootstrap";
    public static final String SETUP = "setup";
}
