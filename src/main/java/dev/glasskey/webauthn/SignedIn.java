package dev.glasskey.webauthn;

import java.io.Serializable;
import java.time.Instant;
import java.util.Set;

/**
 * The outcome of a verified sign-in: who, with which credential on which key, and what was
 * proven (user verification is always required; attestation may or may not be trusted).
 */
public record SignedIn(String accountId, String displayName, boolean emergency, Set<String> roles,
                       String credentialId, String keyId, String aaguid, boolean attestationTrusted,
                       boolean userVerified, Instant authTime) implements Serializable {
    public SignedIn {
        roles = Set.copyOf(roles);
    }
}
