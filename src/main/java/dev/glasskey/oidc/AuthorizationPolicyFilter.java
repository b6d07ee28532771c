package dev.glasskey.oidc;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.session.SessionService;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Ids;
import dev.glasskey.system.Times;
import dev.glasskey.system.Untrusted;
import dev.glasskey.webauthn.GlasskeyAuthentication;
import dev.glasskey.webauthn.SignedIn;

/**
 * Re-checks policy on every authorization request, including single sign-on reuse of an
 * existing session (LESSONS: Keycloak skipped deny rules when a session existed). Runs after
 * Spring Authorization Server has validated the request (client, exact redirect URI, scopes,
 * PKCE) and the browser is known to be signed in, and before the code is issued:
 * <ol>
 *   <li>the account is re-read: disabled or gone → {@code access_denied} (RFC 6749 §4.1.2.1);</li>
 *   <li>{@code prompt=login}, {@code max_age}, {@code acr_values} against the sign-in
 *       ({@link AuthenticationPolicy}): when the sign-in is too old or too weak, the browser is
 *       sent to a fresh security-key sign-in and back to the same request; when that cannot help,
 *       the relying party gets {@code unmet_authentication_requirements} or, with
 *       {@code prompt=none}, {@code login_required};</li>
 *   <li>the request continues with the sign-in handed over as a {@link SignInFacts} principal,
 *       carrying the chosen {@code acr}.</li>
 * </ol>
 */
final class AuthorizationPolicyFilter extends OncePerRequestFilter {
    /** Session attribute: request key → when this request sent the browser to sign in again. */
    static final String FRESH_SIGN_IN = AuthorizationPolicyFilter.class.getName() + ".freshSignIn";
    private static final int MAX_PENDING = 16;

    private final RequestMatcher authorizationEndpoint;
    private final AccountService accounts;
    private final OidcAudit audit;
    private final Clock clock;
    private final org.springframework.transaction.support.TransactionTemplate tx;
    private final String issuer;
    private final org.springframework.beans.factory.ObjectProvider<AuthorizationAccess> access;

    AuthorizationPolicyFilter(RequestMatcher authorizationEndpoint, AccountService accounts, OidcAudit audit, Clock clock,
                              org.springframework.transaction.support.TransactionTemplate tx, String issuer,
                              org.springframework.beans.factory.ObjectProvider<AuthorizationAccess> access) {
        this.access = access;
        this.authorizationEndpoint = authorizationEndpoint;
        this.accounts = accounts;
        this.audit = audit;
        this.clock = clock;
        this.tx = tx;
        this.issuer = issuer;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!authorizationEndpoint.matches(request)
                || !(SecurityContextHolder.getContext().getAuthentication() instanceof GlasskeyAuthentication session)) {
            chain.doFilter(request, response);
            return;
        }
        String attribute = OAuth2AuthorizationCodeRequestAuthenticationToken.class.getName();
        OAuth2AuthorizationCodeRequestAuthenticationToken validated =
                (OAuth2AuthorizationCodeRequestAuthenticationToken) request.getAttribute(attribute);
        if (validated == null) {
            // Only requests by reference (request_uri) skip validation, and AuthorizationRequestChecks
            // refuses those before this point or resolves a pushed one (PushedRequests) into a plain,
            // validated request. Should one arrive unresolved, refuse rather than skip the policy.
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            response.setContentType("application/json");
            response.getOutputStream().write("{\"error\":\"request_uri_not_supported\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        SignedIn signedIn = session.signedIn();
        String clientId = validated.getClientId();
        Account account;
        try {
            account = accounts.get(signedIn.accountId());
        } catch (GlasskeyException e) {
            account = null;
        }
        if (account == null || !account.enabled()) {
            refuse(request, response, validated, signedIn, account, "access_denied",
                    account == null ? "The account no longer exists." : "The account is disabled.");
            return;
        }
        Map<String, Object> params = validated.getAdditionalParameters();
        AuthenticationPolicy.Requirements requirements;
        try {
            requirements = AuthenticationPolicy.Requirements.parse(str(params.get("prompt")), str(params.get("max_age")),
                    str(params.get("acr_values")));
        } catch (IllegalArgumentException e) {
            refuse(request, response, validated, signedIn, account, "invalid_request", Untrusted.reason(e) + ".");
            return;
        }
        Instant now = Times.now(clock);
        String key = requestKey(request);
        boolean fresh = freshSignInDone(request.getSession(false), key, signedIn.authTime());
        AuthenticationPolicy.Decision decision = AuthenticationPolicy.decide(requirements, signedIn, now, fresh);
        if (decision instanceof AuthenticationPolicy.Decision.FreshSignIn) {
            rememberFreshSignIn(request.getSession(true), key, now);
            response.sendRedirect(signInUrl(request));
        } else if (decision instanceof AuthenticationPolicy.Decision.Refuse r) {
            refuse(request, response, validated, signedIn, account, r.error(), r.description());
        } else {
            // Conditional Access for this client (issue 17 §2), on single sign-on reuse as on a fresh sign-in.
            AuthorizationAccess judge = access.getIfAvailable();
            AuthorizationAccess.Verdict verdict = judge == null ? AuthorizationAccess.Verdict.ALLOWED
                    : judge.atAuthorization(signedIn, clientId, SessionService.sid(request.getSession(false)), request, fresh);
            if (verdict.outcome() == AuthorizationAccess.Outcome.FRESH_SIGN_IN && requirements.prompt().contains("none")) {
                // Core 1.0 §3.1.2.6: no page may be shown; the relying party learns a sign-in is needed.
                refuse(request, response, validated, signedIn, account, "login_required",
                        "Conditional Access needs a fresh sign-in for this client, but prompt=none was given.");
                return;
            }
            if (verdict.outcome() == AuthorizationAccess.Outcome.FRESH_SIGN_IN) {
                rememberFreshSignIn(request.getSession(true), key, now);
                response.sendRedirect(signInUrl(request));
                return;
            }
            if (verdict.outcome() == AuthorizationAccess.Outcome.DENY) {
                // OpenID Connect Core 1.0 §3.1.2.6 / RFC 6749 §4.1.2.1: the person may not use this client.
                refuse(request, response, validated, signedIn, account, "access_denied", verdict.description());
                return;
            }
            String acr = ((AuthenticationPolicy.Decision.Grant) decision).acr();
            forget(request.getSession(false), key);
            Authentication principal = SignInFacts.of(signedIn, acr, SessionService.sid(request.getSession(false))).toPrincipal();
            // Hand the sign-in over, for this request only (the session keeps GlasskeyAuthentication).
            request.setAttribute(attribute, new OAuth2AuthorizationCodeRequestAuthenticationToken(
                    validated.getAuthorizationUri(), clientId, principal, validated.getRedirectUri(),
                    validated.getState(), validated.getScopes(), validated.getAdditionalParameters()));
            SecurityContext original = SecurityContextHolder.getContext();
            SecurityContextHolder.setContext(new SecurityContextImpl(principal));
            try {
                chain.doFilter(request, response);
            } finally {
                SecurityContextHolder.setContext(original);
            }
        }
    }

    /** The relying party gets the error at its (already validated) redirect URI, with its state. */
    private void refuse(HttpServletRequest request, HttpServletResponse response, OAuth2AuthorizationCodeRequestAuthenticationToken validated,
                        SignedIn signedIn, Account account, String error, String description) throws IOException {
        tx.executeWithoutResult(s -> audit.refused(OidcAudit.client(validated.getClientId()), signedIn.accountId(), error,
                account != null && account.emergency(), "authorization request refused: " + description, false));
        response.sendRedirect(AuthorizationResponses.error(validated.getRedirectUri(), error, description, validated.getState(), issuer, null));
    }

    /** The sign-in page, told to come back to this very authorization request afterwards. */
    static String signInUrl(HttpServletRequest request) {
        String back = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        return request.getContextPath() + "/sign-in?next=" + URLEncoder.encode(back, StandardCharsets.UTF_8);
    }

    private static String requestKey(HttpServletRequest request) {
        return Ids.sha256Hex(request.getRequestURI() + "?" + request.getQueryString()).substring(0, 32);
    }

    private static boolean freshSignInDone(HttpSession session, String key, Instant authTime) {
        if (session == null || !(session.getAttribute(FRESH_SIGN_IN) instanceof Map<?, ?> pending)) {
            return false;
        }
        Object askedAt = pending.get(key);
        return askedAt instanceof Instant at && !authTime.isBefore(at);
    }

    @SuppressWarnings("unchecked")
    private static synchronized void rememberFreshSignIn(HttpSession session, String key, Instant now) {
        Map<String, Instant> pending = session.getAttribute(FRESH_SIGN_IN) instanceof Map<?, ?> m
                ? new LinkedHashMap<>((Map<String, Instant>) m) : new LinkedHashMap<>();
        pending.remove(key);
        pending.put(key, now);
        while (pending.size() > MAX_PENDING) {
            pending.remove(pending.keySet().iterator().next());
        }
        session.setAttribute(FRESH_SIGN_IN, pending);
    }

    @SuppressWarnings("unchecked")
    private static synchronized void forget(HttpSession session, String key) {
        if (session != null && session.getAttribute(FRESH_SIGN_IN) instanceof Map<?, ?> m && m.containsKey(key)) {
            Map<String, Instant> pending = new LinkedHashMap<>((Map<String, Instant>) m);
            pending.remove(key);
            session.setAttribute(FRESH_SIGN_IN, pending);
        }
    }

    private static String str(Object value) {
        return value == null ? null : value.toString();
    }
}
