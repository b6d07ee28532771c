package dev.glasskey.oidc;

import java.time.Instant;

import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.token.OAuth2RefreshTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

import dev.glasskey.session.SessionCheck;

/**
 * Refresh tokens: Spring Authorization Server's (96 random bytes, none for public clients),
 * with two Glasskey rules.
 * <ul>
 * <li>A refresh token never outlives the session policy of the sign-in it came from
 * ({@code glasskey.session.max-age}, {@code emergency-max-age}): its expiry is the earlier of
 * the refresh token lifetime and the sign-in's end.
 * <li>Its value names its family: {@code <authorization id>.<random>}. A refresh token rotated
 * away (RFC 9700 §4.14.2) and presented again is no longer stored, but its family still is, so
 * the reuse is recognised and the whole family revoked ({@link AuditedGrant}) without keeping
 * every rotated-away token. Only a holder of one of the family's tokens can name the family:
 * the authorization id appears nowhere else.
 * </ul>
 */
final class RefreshTokens implements OAuth2TokenGenerator<OAuth2RefreshToken> {
    private static final char SEPARATOR = '.';

    private final OAuth2RefreshTokenGenerator generator;
    private final SessionCheck sessionCheck;

    RefreshTokens(OAuth2RefreshTokenGenerator generator, SessionCheck sessionCheck) {
        this.generator = generator;
        this.sessionCheck = sessionCheck;
    }

    @Override
    public OAuth2RefreshToken generate(OAuth2TokenContext context) {
        OAuth2RefreshToken token = generator.generate(context);
        OAuth2Authorization authorization = context.getAuthorization();
        if (token == null || authorization == null) {
            return token;
        }
        Instant expiresAt = token.getExpiresAt();
        SignInFacts facts = SignInFacts.from(context.getPrincipal());
        if (facts != null) {
            Instant sessionEnd = sessionCheck.expiresAt(facts.basis());
            if (expiresAt == null || sessionEnd.isBefore(expiresAt)) {
                expiresAt = sessionEnd;
            }
        }
        return new OAuth2RefreshToken(authorization.getId() + SEPARATOR + token.getTokenValue(), token.getIssuedAt(), expiresAt);
    }

    /** The authorization a refresh token value names, or null for a value of another form. */
    static String family(String refreshToken) {
        int dot = refreshToken == null ? -1 : refreshToken.indexOf(SEPARATOR);
        return dot <= 0 || dot > 100 ? null : refreshToken.substring(0, dot);
    }
}
