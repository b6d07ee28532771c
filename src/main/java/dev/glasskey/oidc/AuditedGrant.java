package dev.glasskey.oidc;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2RefreshTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenRevocationAuthenticationToken;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import dev.glasskey.system.Metrics;

/**
 * Runs one of Spring Authorization Server's grant providers (code exchange, refresh, client
 * credentials, revocation) in one transaction with its audit entry: the stored tokens and the
 * entry that records them commit together, or neither does. A refusal keeps what the provider
 * deliberately stored before refusing (a reused code revokes the tokens issued for it, RFC 6749
 * §4.1.2) and is audited by the endpoint's error handler.
 */
final class AuditedGrant implements AuthenticationProvider {
    /** Request attribute set when a refused code exchange was a second use of a code. */
    static final String CODE_REUSED = AuditedGrant.class.getName() + ".codeReused";
    /** Request attribute set when a refused refresh presented a refresh token rotated away before. */
    static final String REFRESH_REUSED = AuditedGrant.class.getName() + ".refreshReused";

    private final AuthenticationProvider delegate;
    private final TransactionTemplate tx;
    private final OidcAudit audit;
    private final OAuth2AuthorizationService authorizations;
    private final IssuedTokens issued;
    private final Metrics metrics;
    private final org.springframework.beans.factory.ObjectProvider<AuthorizationAccess> access;

    AuditedGrant(AuthenticationProvider delegate, TransactionTemplate tx, OidcAudit audit, OAuth2AuthorizationService authorizations,
                 IssuedTokens issued, Metrics metrics, org.springframework.beans.factory.ObjectProvider<AuthorizationAccess> access) {
        this.access = access;
        this.metrics = metrics;
        this.delegate = delegate;
        this.tx = tx;
        this.audit = audit;
        this.authorizations = authorizations;
        this.issued = issued;
    }

    private record Outcome(Authentication result, OAuth2AuthenticationException refusal) {}

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        Outcome outcome = tx.execute(status -> {
            try {
                if (authentication instanceof OAuth2RefreshTokenAuthenticationToken refresh) {
                    judgeRefresh(refresh);
                }
                Authentication result = delegate.authenticate(authentication);
                record(authentication, result);
                return new Outcome(result, null);
            } catch (OAuth2AuthenticationException e) {
                if (authentication instanceof OAuth2AuthorizationCodeAuthenticationToken code
                        && OAuth2ErrorCodes.INVALID_GRANT.equals(e.getError().getErrorCode())) {
                    noteReuse(code.getCode());
                }
                if (authentication instanceof OAuth2RefreshTokenAuthenticationToken refresh
                        && OAuth2ErrorCodes.INVALID_GRANT.equals(e.getError().getErrorCode())) {
                    revokeFamilyIfReused(refresh.getRefreshToken());
                }
                return new Outcome(null, e);
            }
        });
        if (outcome.refusal() != null) {
            throw outcome.refusal(); // counted, with the refusals of client authentication, by the token endpoint's error handler
        }
        String grant = grantOf(authentication);
        if (grant != null) {
            metrics.tokenGrant(grant, true, null); // once committed
        }
        return outcome.result();
    }

    /**
     * Conditional Access at a refresh (issue 17 §2: network and device conditions, on the request's
     * address and client certificate), before the provider rotates anything: refused, the grant is
     * {@code invalid_grant} (RFC 6749 §5.2) and the stored tokens stay as they were; the decision is
     * recorded in this grant's transaction, which commits with the refusal. Judged only for the
     * current, active refresh token of an authorization of the authenticated client; anything else
     * the provider refuses as before.
     */
    private void judgeRefresh(OAuth2RefreshTokenAuthenticationToken refresh) {
        AuthorizationAccess judge = access.getIfAvailable();
        if (judge == null || !(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs)
                || !(refresh.getPrincipal() instanceof org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken client)
                || client.getRegisteredClient() == null) {
            return;
        }
        OAuth2Authorization authorization = authorizations.findByToken(refresh.getRefreshToken(), OAuth2TokenType.REFRESH_TOKEN);
        if (authorization == null || !authorization.getRegisteredClientId().equals(client.getRegisteredClient().getId())
                || authorization.getRefreshToken() == null || !authorization.getRefreshToken().isActive()) {
            return;
        }
        SignInFacts facts = SignInFacts.from(authorization.getAttribute(java.security.Principal.class.getName()));
        if (facts == null) {
            return;
        }
        AuthorizationAccess.Verdict verdict = judge.atRefresh(facts, client.getRegisteredClient().getClientId(), attrs.getRequest());
        if (verdict.outcome() != AuthorizationAccess.Outcome.ALLOW) {
            throw new OAuth2AuthenticationException(new org.springframework.security.oauth2.core.OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
                    "Conditional Access refuses this refresh: " + verdict.description(), null));
        }
    }

    /** The grant types Glasskey serves: a metric's tag takes one of these, "other" or "none", never the client's text. */
    private static final java.util.Set<String> GRANTS = java.util.Set.of("authorization_code", "refresh_token", "client_credentials");

    /** The {@code grant_type} a client sent, as a bounded tag value. */
    static String grantParameter(String grantType) {
        return grantType == null ? Metrics.NONE : GRANTS.contains(grantType) ? grantType : "other";
    }

    /** The grant type (RFC 6749 §4) a token request asks for; null for what is not a grant (revocation). */
    static String grantOf(Authentication request) {
        if (request instanceof OAuth2RefreshTokenAuthenticationToken) {
            return "refresh_token";
        }
        if (request instanceof OAuth2AuthorizationCodeAuthenticationToken) {
            return "authorization_code";
        }
        if (request instanceof OAuth2ClientCredentialsAuthenticationToken) {
            return "client_credentials";
        }
        return null;
    }

    private void record(Authentication request, Authentication result) {
        if (result instanceof OAuth2AccessTokenAuthenticationToken issued) {
            String value = issued.getAccessToken().getTokenValue();
            Map<String, Object> signed = this.issued.claims(value);
            Map<String, Object> claims = signed != null ? signed : OidcAudit.claimsOf(value);
            String subject = String.valueOf(claims.getOrDefault("sub", issued.getRegisteredClient().getClientId()));
            boolean emergency = Boolean.TRUE.equals(claims.get("emergency"));
            boolean refresh = request instanceof OAuth2RefreshTokenAuthenticationToken;
            String grant = grantOf(request);
            audit.success(OidcAudit.client(issued.getRegisteredClient()), refresh ? OidcAudit.REFRESH : OidcAudit.TOKEN,
                    subject, emergency, "grant " + grant + ", scopes " + issued.getAccessToken().getScopes()
                            + (claims.containsKey("acr") ? ", acr " + claims.get("acr") : "")
                            + (issued.getRefreshToken() != null ? ", refresh token issued" : "")
                            + (emergency ? ", EMERGENCY ACCOUNT" : ""));
        } else if (result instanceof OAuth2TokenRevocationAuthenticationToken revoked) {
            audit.success(OidcAudit.client(String.valueOf(revoked.getPrincipal() instanceof Authentication a ? a.getName() : null)),
                    OidcAudit.REVOKE, null, false, "token revoked");
        }
    }

    /** RFC 6749 §4.1.2: a second use of a code is refused and revokes the tokens issued for it. */
    private void noteReuse(String code) {
        OAuth2Authorization authorization = authorizations.findByToken(code, new OAuth2TokenType(OAuth2ParameterNames.CODE));
        if (authorization == null) {
            return;
        }
        OAuth2Authorization.Token<OAuth2AuthorizationCode> token = authorization.getToken(OAuth2AuthorizationCode.class);
        if (token != null && token.isInvalidated() && RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs) {
            HttpServletRequest request = attrs.getRequest();
            request.setAttribute(CODE_REUSED, authorization.getPrincipalName());
        }
    }

    /**
     * RFC 9700 §4.14.2: a refresh token that was rotated away and is presented again means one
     * of its two holders is not the client; the authorization server cannot tell which, so it
     * revokes the whole family — the current refresh token and the access and ID tokens issued
     * with it. The family is named by the token itself ({@link RefreshTokens}).
     */
    private void revokeFamilyIfReused(String presented) {
        String family = RefreshTokens.family(presented);
        OAuth2Authorization authorization = family == null ? null : authorizations.findById(family);
        OAuth2Authorization.Token<OAuth2RefreshToken> current = authorization == null ? null : authorization.getRefreshToken();
        if (current == null || current.getToken().getTokenValue().equals(presented)) {
            return; // not a rotated-away token of a family we know (unknown, or the current one expired or revoked)
        }
        if (!current.isInvalidated()) {
            OAuth2Authorization.Builder revoked = OAuth2Authorization.from(authorization);
            for (OAuth2Authorization.Token<?> token : new OAuth2Authorization.Token<?>[] {current, authorization.getAccessToken(),
                    authorization.getToken(OidcIdToken.class)}) {
                if (token != null) {
                    revoked.token(token.getToken(), metadata -> metadata.put(OAuth2Authorization.Token.INVALIDATED_METADATA_NAME, true));
                }
            }
            authorizations.save(revoked.build());
        }
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs) {
            attrs.getRequest().setAttribute(REFRESH_REUSED, authorization.getPrincipalName());
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return delegate.supports(authentication);
    }
}
