package dev.glasskey.oidc;

import java.time.Clock;
import java.time.Instant;

import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

import dev.glasskey.system.Ids;

/**
 * Authorization codes: 256 random bits (RFC 6749 §10.10: codes must be unguessable), dated by
 * the one clock, living for the client's code lifetime (default 2 minutes).
 */
final class AuthorizationCodes implements OAuth2TokenGenerator<OAuth2AuthorizationCode> {
    private final Clock clock;

    AuthorizationCodes(Clock clock) {
        this.clock = clock;
    }

    @Override
    public OAuth2AuthorizationCode generate(OAuth2TokenContext context) {
        if (context.getTokenType() == null || !OAuth2ParameterNames.CODE.equals(context.getTokenType().getValue())) {
            return null;
        }
        Instant issuedAt = clock.instant();
        Instant expiresAt = issuedAt.plus(context.getRegisteredClient().getTokenSettings().getAuthorizationCodeTimeToLive());
        return new OAuth2AuthorizationCode(Ids.randomToken(32), issuedAt, expiresAt);
    }
}
