package dev.glasskey.oidc;

import java.time.Clock;
import java.time.Instant;
import java.util.Base64;

import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

import dev.glasskey.session.SessionCheck;

/**
 * Refresh tokens: 96 random bytes as Spring Authorization Server makes them, with three Glasskey rules.
 * <ul>
 * <li>Public clients registered with the refresh grant get them too (native apps, RFC 8252; the
 * stock generator never issues one to a public client): they are rotated on every use and a
 * reused one revokes its family, as for every client ({@link PublicClients}).
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

    private final StringKeyGenerator values = new Base64StringKeyGenerator(Base64.getUrlEncoder().withoutPadding(), 96);
    private final Clock clock;
    private final SessionCheck sessionCheck;

    RefreshTokens(Clock clock, SessionCheck sessionCheck) {
        this.clock = clock;
        this.sessionCheck = sessionCheck;
    }

    @Override
    public OAuth2RefreshToken generate(OAuth2TokenContext context) {
        OAuth2Authorization authorization = context.getAuthorization();
        if (!OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())) {
            return null;
        }
        Instant issuedAt = clock.instant();
        Instant expiresAt = issuedAt.plus(context.getRegisteredClient().getTokenSettings().getRefreshTokenTimeToLive());
        SignInFacts facts = SignInFacts.from(context.getPrincipal());
        if (facts != null) {
            Instant sessionEnd = sessionCheck.expiresAt(facts.basis());
            if (expiresAt == null || sessionEnd.isBefore(expiresAt)) {
                expiresAt = sessionEnd;
            }
        }
        String value = values.generateKey();
        return new OAuth2RefreshToken(authorization == null ? value : authorization.getId() + SEPARATOR + value, issuedAt, expiresAt);
    }

    /** The authorization a refresh token value names, or null for a value of another form. */
    static String family(String refreshToken) {
        int dot = refreshToken == null ? -1 : refreshToken.indexOf(SEPARATOR);
        return dot <= 0 || dot > 100 ? null : refreshToken.substring(0, dot);
    }
}
