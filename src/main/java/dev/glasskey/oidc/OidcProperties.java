package dev.glasskey.oidc;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code glasskey.oidc.*} settings, with their defaults (README configuration reference).
 *
 * @param authorizationCodeTtl  lifetime of an authorization code (RFC 6749 §4.1.2 recommends at most 10 minutes)
 * @param accessTokenTtl        lifetime of an access token
 * @param idTokenTtl            lifetime of an ID token
 * @param refreshTokenTtl       lifetime of a refresh token (confidential clients only)
 * @param retiredKeyRetention   how long a superseded signing key stays in the JWK Set; must exceed the
 *                              longest token lifetime so every token it signed still verifies
 * @param keyRefresh            how often a node re-reads the signing keys (rotations made by another node or the CLI)
 * @param backchannelLogoutInterval how often the back-channel logout job looks for ended sessions that relying
 *                              parties with a {@code backchannel_logout_uri} received tokens in ({@link BackchannelLogouts})
 */
@ConfigurationProperties(prefix = "glasskey.oidc")
public record OidcProperties(Duration authorizationCodeTtl, Duration accessTokenTtl, Duration idTokenTtl,
                             Duration refreshTokenTtl, Duration retiredKeyRetention, Duration keyRefresh,
                             Duration backchannelLogoutInterval) {
    public OidcProperties {
        if (authorizationCodeTtl == null) authorizationCodeTtl = Duration.ofMinutes(2);
        if (accessTokenTtl == null) accessTokenTtl = Duration.ofMinutes(10);
        if (idTokenTtl == null) idTokenTtl = Duration.ofMinutes(10);
        if (refreshTokenTtl == null) refreshTokenTtl = Duration.ofHours(8);
        if (retiredKeyRetention == null) retiredKeyRetention = Duration.ofHours(24);
        if (keyRefresh == null) keyRefresh = Duration.ofSeconds(60);
        if (backchannelLogoutInterval == null) backchannelLogoutInterval = Duration.ofSeconds(5);
        Duration longestSigned = accessTokenTtl.compareTo(idTokenTtl) > 0 ? accessTokenTtl : idTokenTtl;
        if (retiredKeyRetention.compareTo(longestSigned) <= 0) {
            throw new IllegalArgumentException("glasskey.oidc.retired-key-retention (" + retiredKeyRetention
                    + ") must exceed the longest signed token lifetime (" + longestSigned + ")");
        }
    }

    /** The longest lifetime of a signed token (access or ID token). */
    public Duration longestSignedTokenTtl() {
        return accessTokenTtl.compareTo(idTokenTtl) > 0 ? accessTokenTtl : idTokenTtl;
    }
}
