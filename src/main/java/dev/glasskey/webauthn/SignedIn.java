package dev.glasskey.webauthn;

import java.io.Serializable;
import java.time.Instant;
import java.util.Set;

/**
 * The outcome of a verified sign-in: who, with which credential on which key, and what was
 * proven (user verification is always required; attestation may or may not be trusted).
 *
 * @param securityVersion the account's security version at the sign-in: a session or token made
 *        from this sign-in is over once the account's number has moved on
 */
public record SignedIn(String accountId, String displayName, boolean emergency, Set<String> roles,
                       String credentialId, String keyId, String aaguid, boolean attestationTrusted,
                       boolean userVerified, Instant authTime, long securityVersion) implements Serializable {
    private static final long serialVersionUID = 2L;

    public SignedIn {
        roles = Set.copyOf(roles);
    }
}
