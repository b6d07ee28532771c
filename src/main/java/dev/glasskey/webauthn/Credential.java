package dev.glasskey.webauthn;

import java.time.Instant;

/**
 * One WebAuthn public-key credential: an (account, key) pair. Binary values are base64url.
 *
 * @param credentialId       the credential ID (WebAuthn L3 §4 "Credential ID")
 * @param publicKeyCose      the credential public key, COSE_Key encoded (L3 §6.5.1.1)
 * @param signatureCount     the last signature counter seen (L3 §6.1.1)
 * @param attestationTrusted the attestation chained to a root pinned for its model
 * @param backupEligible     the BE flag at registration: true means a synced passkey, not a device-bound key
 */
public record Credential(String id, String credentialId, String accountId, String keyId, String publicKeyCose,
                         long signatureCount, String aaguid, String attestationFormat, boolean attestationTrusted,
                         boolean backupEligible, String transports, Status status, String statusReason,
                         Instant createdAt, Instant lastUsedAt, Instant statusChangedAt) {

    /** ACTIVE works (while its key is active); SUSPECT after a counter regression; REVOKED for good. */
    public enum Status {
        ACTIVE, SUSPECT, REVOKED;

        public String value() { return name().toLowerCase(); }

        public static Status of(String value) { return valueOf(value.toUpperCase()); }
    }
}
