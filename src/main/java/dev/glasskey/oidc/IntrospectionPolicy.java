package dev.glasskey.oidc;

import java.time.Clock;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

import dev.glasskey.session.SessionCheck;
import dev.glasskey.system.Times;

/**
 * Token introspection (RFC 7662) as Spring Authorization Server answers it, seeing only what the
 * caller may see. A token is answered {@code active: false}, with no claims, when
 * <ul>
 * <li>it was issued to another client and the caller is not a resource server registered to
 * introspect any client's tokens (RFC 7662 §4: the endpoint must not be an oracle for token
 * scanning; {@link OidcClient#introspectAnyToken()}); or
 * <li>the sign-in it was issued on no longer stands ({@link SessionCheck}: account disabled,
 * credential revoked, key lost, role removed, signed out everywhere, past its lifetime).
 * </ul>
 * Spring's provider does the rest (finding the token, its expiry and revocation, the claims),
 * against a view of the authorizations that hides the ones this caller may not see.
 */
final class IntrospectionPolicy implements AuthenticationProvider {
    private final OAuth2AuthorizationService authorizations;
    private final RegisteredClientRepository clients;
    private final SessionCheck sessionCheck;
    private final Clock clock;

    IntrospectionPolicy(OAuth2AuthorizationService authorizations, RegisteredClientRepository clients, SessionCheck sessionCheck,
                        Clock clock) {
        this.authorizations = authorizations;
        this.clients = clients;
        this.sessionCheck = sessionCheck;
        this.clock = clock;
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        RegisteredClient caller = authentication.getPrincipal() instanceof OAuth2ClientAuthenticationToken client
                ? client.getRegisteredClient() : null;
        return new OAuth2TokenIntrospectionAuthenticationProvider(clients, new Visible(caller)).authenticate(authentication);
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return OAuth2TokenIntrospectionAuthenticationToken.class.isAssignableFrom(authentication);
    }

    /** The authorizations as one caller may see them; read-only. */
    private final class Visible implements OAuth2AuthorizationService {
        private final RegisteredClient caller;

        Visible(RegisteredClient caller) {
            this.caller = caller;
        }

        @Override
        public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
            OAuth2Authorization authorization = authorizations.findByToken(token, tokenType);
            return authorization != null && visible(authorization) ? authorization : null;
        }

        private boolean visible(OAuth2Authorization authorization) {
            if (caller == null || (!caller.getId().equals(authorization.getRegisteredClientId())
                    && !OidcClient.introspectsAnyToken(caller))) {
                return false;
            }
            SignInFacts facts = SignInFacts.from(authorization.getAttribute(java.security.Principal.class.getName()));
            return facts == null || sessionCheck.check(facts.basis(), Times.now(clock)).isEmpty();
        }

        @Override
        public OAuth2Authorization findById(String id) {
            throw new UnsupportedOperationException("introspection looks tokens up by value");
        }

        @Override
        public void save(OAuth2Authorization authorization) {
            throw new UnsupportedOperationException("introspection changes nothing");
        }

        @Override
        public void remove(OAuth2Authorization authorization) {
            throw new UnsupportedOperationException("introspection changes nothing");
        }
    }
}
