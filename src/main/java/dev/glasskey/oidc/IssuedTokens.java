package dev.glasskey.oidc;

import java.util.Map;

import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * The token generator, remembering for the current transaction the claims of each JWT it signs,
 * so that the grant's audit entry ({@link AuditedGrant}) describes the access token from the
 * claims it was signed with instead of parsing the token it has just encoded (a base64 and JSON
 * parse of about a kilobyte, ~3 % of a refresh). Outside a transaction, or for a token it did not
 * sign in this one, {@link #claims} answers null and the caller parses.
 */
final class IssuedTokens implements OAuth2TokenGenerator<OAuth2Token> {
    private final OAuth2TokenGenerator<? extends OAuth2Token> delegate;
    private final TransactionMemo<String, Map<String, Object>> signed = new TransactionMemo<>();

    IssuedTokens(OAuth2TokenGenerator<? extends OAuth2Token> delegate) {
        this.delegate = delegate;
    }

    @Override
    public OAuth2Token generate(OAuth2TokenContext context) {
        OAuth2Token token = delegate.generate(context);
        if (token instanceof Jwt jwt) {
            signed.put(jwt.getTokenValue(), jwt.getClaims());
        }
        return token;
    }

    /** The claims of a JWT signed in the current transaction, or null. */
    Map<String, Object> claims(String tokenValue) {
        return signed.get(tokenValue);
    }
}
