package dev.glasskey.oidc;

import java.time.Clock;
import java.time.Instant;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

import dev.glasskey.system.Times;

/**
 * Pushed authorization requests (RFC 9126) at the authorization endpoint. Spring Authorization
 * Server's PAR endpoint validates the pushed request with {@link AuthorizationRequestChecks} and
 * stores it as an authorization holding the request, found by the state its
 * {@code urn:ietf:params:oauth:request_uri:<random>___<expiry millis>} reference names (all of it after the prefix). Here that
 * reference is resolved into the request it stands for, which then goes through exactly the
 * checks and the policy a plain request goes through (the stock resolution happens after
 * Glasskey's pre-sign-in validation and would skip it).
 *
 * <ul>
 *   <li>RFC 9126 §4: {@code client_id} must be given and be the client that pushed the request;</li>
 *   <li>§2.2/§7.3: the reference expires ({@link Clock}, the one clock) and is used once: it is
 *       removed when the code is issued ({@link #used});</li>
 *   <li>anything else, unknown, used or of another client is {@code invalid_request_uri}
 *       (RFC 9101 §7); a reference that PAR did not issue (a URL) stays
 *       {@code request_uri_not_supported}: Glasskey fetches nothing.</li>
 * </ul>
 */
final class PushedRequests {
    static final String PREFIX = "urn:ietf:params:oauth:request_uri:";
    /** Request attribute: the state of the pushed request this authorization request resolved. */
    static final String RESOLVED = PushedRequests.class.getName() + ".state";
    private static final OAuth2TokenType STATE = new OAuth2TokenType(OAuth2ParameterNames.STATE);

    private final OAuth2AuthorizationService authorizations;
    private final RegisteredClientRepository clients;
    private final Clock clock;

    PushedRequests(OAuth2AuthorizationService authorizations, RegisteredClientRepository clients, Clock clock) {
        this.authorizations = authorizations;
        this.clients = clients;
        this.clock = clock;
    }

    /**
     * When the pushed request stored under {@code state} expires: Spring Authorization Server's
     * state is {@code <random>___<expiry in epoch millis>}. Null when it is not one.
     */
    static Instant expiry(String state) {
        int split = state.lastIndexOf("___");
        try {
            return split <= 0 ? null : Instant.ofEpochMilli(Long.parseLong(state.substring(split + 3)));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return null;
        }
    }

    /** The request a {@code request_uri} stands for, or the refusal. */
    OAuth2AuthorizationCodeRequestAuthenticationToken resolve(HttpServletRequest request, String[] requestUri) {
        if (requestUri.length != 1 || !requestUri[0].startsWith(PREFIX)) {
            throw AuthorizationRequestChecks.refusal(request, clients, "request_uri_not_supported",
                    "Requests by reference are supported only with a request_uri from the pushed authorization request endpoint (RFC 9126).");
        }
        String clientId = AuthorizationRequestChecks.once(request, OAuth2ParameterNames.CLIENT_ID);
        if (clientId == null) {
            throw AuthorizationRequestChecks.refusal(request, clients, OAuth2ErrorCodes.INVALID_REQUEST,
                    "client_id is required with request_uri (RFC 9126 §4).");
        }
        String rest = requestUri[0].substring(PREFIX.length());
        Instant expiresAt = expiry(rest);
        OAuth2Authorization pushed = expiresAt == null || !OidcClient.couldBeRegistered(clientId) || rest.length() > 200 ? null
                : authorizations.findByToken(rest, STATE);
        OAuth2AuthorizationRequest stored = pushed == null ? null : pushed.getAttribute(OAuth2AuthorizationRequest.class.getName());
        if (stored == null || pushed.getToken(org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode.class) != null || !clientId.equals(stored.getClientId())) {
            throw AuthorizationRequestChecks.refusal(request, clients, "invalid_request_uri",
                    "request_uri is unknown, was used already, or was pushed by another client.");
        }
        if (!Times.now(clock).isBefore(expiresAt)) {
            authorizations.remove(pushed);
            throw AuthorizationRequestChecks.refusal(request, clients, "invalid_request_uri", "request_uri has expired; push the request again.");
        }
        request.setAttribute(RESOLVED, rest);
        Authentication principal = SecurityContextHolder.getContext().getAuthentication();
        return new OAuth2AuthorizationCodeRequestAuthenticationToken(request.getRequestURL().toString(), clientId,
                principal != null ? principal : AuthorizationRequestChecks.ANONYMOUS, stored.getRedirectUri(), stored.getState(),
                stored.getScopes(), stored.getAdditionalParameters());
    }

    /**
     * RFC 9126 §6 {@code require_pushed_authorization_requests}, per client: a plain authorization
     * request from a client that must push its requests is {@code invalid_request} (redirected to
     * it when its redirect URI checks out, like every refusal of the request itself).
     */
    void requiredButPlain(HttpServletRequest request) {
        String clientId = AuthorizationRequestChecks.once(request, OAuth2ParameterNames.CLIENT_ID);
        var client = OidcClient.couldBeRegistered(clientId) ? clients.findByClientId(clientId) : null;
        if (client != null && OidcClient.requiresPushedRequests(client)) {
            throw AuthorizationRequestChecks.refusal(request, clients, OAuth2ErrorCodes.INVALID_REQUEST,
                    "This client must push its authorization requests to the pushed authorization request endpoint (RFC 9126) "
                            + "and send only client_id and request_uri here.");
        }
    }

    /** RFC 9126 §7.3: a pushed request is used once; the code was issued for it. */
    void used(HttpServletRequest request) {
        if (request.getAttribute(RESOLVED) instanceof String state) {
            OAuth2Authorization pushed = authorizations.findByToken(state, STATE);
            if (pushed != null && pushed.getToken(org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode.class) == null) {
                authorizations.remove(pushed);
            }
        }
    }
}
