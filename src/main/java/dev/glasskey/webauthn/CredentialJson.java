package dev.glasskey.webauthn;

/** A credential in API responses. Never includes the public key. */
record CredentialJson(String id, String credentialId, String accountId, String keyId, String keyLabel, String status,
                      String statusReason, boolean usable, long signatureCount, String aaguid, String attestationFormat,
                      boolean attestationTrusted, String createdAt, String lastUsedAt) {

    static CredentialJson of(Credential c, String keyLabel, boolean usable) {
        return new CredentialJson(c.id(), c.credentialId(), c.accountId(), c.keyId(), keyLabel, c.status().value(),
                c.statusReason(), usable, c.signatureCount(), c.aaguid(), c.attestationFormat(), c.attestationTrusted(),
                c.createdAt().toString(), c.lastUsedAt() == null ? null : c.lastUsedAt().toString());
    }

    static CredentialJson of(CredentialService.CredentialView v) {
        return of(v.credential(), v.keyLabel(), v.usable());
    }
}
