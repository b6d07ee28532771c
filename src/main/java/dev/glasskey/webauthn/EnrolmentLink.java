package dev.glasskey.webauthn;

import java.time.Instant;

/** A freshly issued enrolment link. The token appears only here, never in storage. */
public record EnrolmentLink(String url, String token, String accountId, String keyId, String purpose, Instant expiresAt)
        implements java.io.Serializable {
}
