package dev.glasskey.oidc;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationToken;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import dev.glasskey.session.SessionService;

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) with Glasskey's {@code sid}: Spring
 * Authorization Server's provider checks the ID token's {@code sid} against a hash of the session's
 * cookie value, its own notion of the session; Glasskey's tokens carry the session's own id
 * ({@link SessionService#sid}), so the provider runs without the session id and the same check —
 * an ID token of another session of the same account does not sign this browser out, §2 "the OP
 * SHOULD ... confirm" being out of reach of a redirect — is made here against that id.
 */
final class RpInitiatedLogout implements AuthenticationProvider {
    private final AuthenticationProvider delegate;

    RpInitiatedLogout(AuthenticationProvider delegate) {
        this.delegate = delegate;
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        OidcLogoutAuthenticationToken request = (OidcLogoutAuthenticationToken) authentication;
        OidcLogoutAuthenticationToken withoutSessionId = new OidcLogoutAuthenticationToken(request.getIdTokenHint(),
                (Authentication) request.getPrincipal(), null, request.getClientId(), request.getPostLogoutRedirectUri(), request.getState());
        OidcLogoutAuthenticationToken result = (OidcLogoutAuthenticationToken) delegate.authenticate(withoutSessionId);
        if (result.isPrincipalAuthenticated() && request.getSessionId() != null
                && RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            Object tokenSid = result.getIdToken().getClaim("sid");
            String sessionSid = SessionService.sid(attributes.getRequest().getSession(false));
            if (tokenSid != null && sessionSid != null && !sessionSid.equals(tokenSid)) {
                throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN,
                        "OpenID Connect 1.0 Logout Request Parameter: sid (the ID token is of another session)", null));
            }
        }
        return result;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return delegate.supports(authentication);
    }
}
