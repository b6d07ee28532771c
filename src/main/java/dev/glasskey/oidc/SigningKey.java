package dev.glasskey.oidc;

import java.time.Instant;

import com.nimbusds.jose.jwk.JWK;

/**
 * One token signing key. It signs from {@code activatesAt} until a newer key of its algorithm
 * is active, and is published in the JWK Set until {@code unpublishAt} (null: indefinitely).
 */
public record SigningKey(String kid, String algorithm, JWK jwk, Instant createdAt, Instant activatesAt,
                         Instant supersededAt, Instant unpublishAt) {

    public boolean publishedAt(Instant now) {
        return unpublishAt == null || now.isBefore(unpublishAt);
    }

    public boolean activeAt(Instant now) {
        return !now.isBefore(activatesAt) && (supersededAt == null || now.isBefore(supersededAt));
    }

    /** What may be shown: everything but the private key. */
    public record View(String kid, String algorithm, String state, Instant createdAt, Instant activatesAt,
                       Instant supersededAt, Instant unpublishAt) {}

    public View view(Instant now) {
        String state = activeAt(now) ? "active" : now.isBefore(activatesAt) ? "next" : publishedAt(now) ? "retired" : "unpublished";
        return new View(kid, algorithm, state, createdAt, activatesAt, supersededAt, unpublishAt);
    }
}
