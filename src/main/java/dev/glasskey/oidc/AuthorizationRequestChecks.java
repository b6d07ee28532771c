package dev.glasskey.oidc;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.Objects;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AuthorizationCodeRequestAuthenticationConverter;
import org.springframework.security.web.authentication.AuthenticationConverter;

import dev.glasskey.system.Untrusted;

/**
 * What Glasskey checks in an authorization request before anything else happens (before the
 * sign-in page, before the policy), and where a refusal goes. RFC 6749 §4.1.2.1: an error is
 * sent back to the relying party only once its client id and redirect URI are known to be
 * valid; otherwise it is answered here (400 JSON), never redirected to an unchecked URI.
 *
 * <p>Two hooks of Spring Authorization Server's authorization endpoint:
 * <ul>
 *   <li>{@link #converter}: wraps the stock request converter. It refuses what the converter
 *       would refuse without naming a redirect URI — a {@code response_type} other than
 *       {@code code} ({@code unsupported_response_type}), {@code request_uri}
 *       ({@code request_uri_not_supported}: Glasskey takes no request by reference, OpenID
 *       Connect Core 1.0 §6.2), a missing or repeated parameter — and sends the refusal to the
 *       client's redirect URI when that URI is registered for it;</li>
 *   <li>{@link #validate}: the request validator, with the client known: the redirect URI
 *       ({@link #redirectAllowed}), scopes, and the OpenID Connect parameters Glasskey does not
 *       silently ignore: {@code request} ({@code request_not_supported}, Core §6.1),
 *       {@code response_mode} other than {@code query}, {@code prompt} values it does not
 *       implement, a malformed {@code max_age} ({@code invalid_request}).</li>
 * </ul>
 */
final class AuthorizationRequestChecks {
    private AuthorizationRequestChecks() {}

    /**
     * Whether {@code requested} may be redirected to for {@code client}: one of its registered URIs
     * character for character (RFC 9700 §4.1.3, exact matching), or — for a public (native) client
     * only — a registered {@code http} loopback IP URI with any port (RFC 8252 §7.3: the port is
     * chosen by the operating system when the app listens; §8.3: IP literals, not {@code localhost}).
     */
    static boolean redirectAllowed(RegisteredClient client, String requested) {
        if (requested == null || requested.isEmpty()) {
            return false;
        }
        if (client.getRedirectUris().contains(requested)) {
            return true;
        }
        if (!client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)) {
            return false;
        }
        URI asked = loopback(requested);
        if (asked == null) {
            return false;
        }
        for (String registered : client.getRedirectUris()) {
            URI r = loopback(registered);
            if (r != null && r.getHost().equals(asked.getHost()) && Objects.equals(r.getRawPath(), asked.getRawPath())
                    && Objects.equals(r.getRawQuery(), asked.getRawQuery())) {
                return true;
            }
        }
        return false;
    }

    /** An {@code http} URI on 127.0.0.1 or [::1] without user info or fragment, or null. */
    private static URI loopback(String value) {
        try {
            URI uri = new URI(value);
            String host = uri.getHost();
            if (!"http".equals(uri.getScheme()) || host == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null
                    || !(host.equals("127.0.0.1") || host.equals("[::1]"))) {
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** The request validator (client known): see the class comment. */
    static void validate(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        RegisteredClient client = context.getRegisteredClient();
        String requested = request.getRedirectUri();
        if (!redirectAllowed(client, requested)) {
            throw refusal(OAuth2ErrorCodes.INVALID_REQUEST,
                    requested == null ? "redirect_uri is required." : "redirect_uri is not registered for this client.", request, false);
        }
        OAuth2AuthorizationCodeRequestAuthenticationValidator.DEFAULT_SCOPE_VALIDATOR.accept(context);
        Map<String, Object> params = request.getAdditionalParameters();
        if (params.get("request") != null) {
            throw refusal("request_not_supported", "Request objects (the request parameter) are not supported.", request, true);
        }
        Object mode = params.get("response_mode");
        if (mode != null && !"query".equals(mode)) {
            throw refusal(OAuth2ErrorCodes.INVALID_REQUEST, "response_mode " + (mode instanceof String s ? "'" + Untrusted.shown(s) + "'"
                    : "given twice") + " is not supported; Glasskey answers in the query (response_mode=query).", request, true);
        }
        try {
            AuthenticationPolicy.Requirements.parse(single(params, "prompt"), single(params, "max_age"), single(params, "acr_values"));
        } catch (IllegalArgumentException e) {
            throw refusal(OAuth2ErrorCodes.INVALID_REQUEST, Untrusted.reason(e) + ".", request, true);
        }
    }

    private static String single(Map<String, Object> params, String name) {
        Object value = params.get(name);
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException(name + " is given more than once");
        }
        return (String) value;
    }

    private static OAuth2AuthorizationCodeRequestAuthenticationException refusal(String code, String description,
            OAuth2AuthorizationCodeRequestAuthenticationToken request, boolean redirect) {
        OAuth2AuthorizationCodeRequestAuthenticationToken to = new OAuth2AuthorizationCodeRequestAuthenticationToken(
                request.getAuthorizationUri(), request.getClientId(), (Authentication) request.getPrincipal(),
                redirect ? request.getRedirectUri() : null, request.getState(), request.getScopes(), request.getAdditionalParameters());
        return new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(code, description, null), to);
    }

    /**
     * Wraps the stock authorization request converter (and leaves any other converter, such as the
     * consent form's, as it is): see the class comment.
     */
    static AuthenticationConverter converter(AuthenticationConverter delegate, RegisteredClientRepository clients) {
        if (!(delegate instanceof OAuth2AuthorizationCodeRequestAuthenticationConverter)) {
            return delegate;
        }
        return request -> {
            if (!"GET".equals(request.getMethod()) && request.getParameter(OAuth2ParameterNames.RESPONSE_TYPE) == null) {
                return null; // not an authorization request (the stock converter's own rule)
            }
            String[] requestUri = request.getParameterValues(OAuth2ParameterNames.REQUEST_URI);
            if (requestUri != null) {
                throw refusal(request, clients, "request_uri_not_supported",
                        "Requests by reference (request_uri) are not supported; send the parameters themselves.");
            }
            String[] responseType = request.getParameterValues(OAuth2ParameterNames.RESPONSE_TYPE);
            if (responseType != null && responseType.length == 1 && !responseType[0].isEmpty() && !"code".equals(responseType[0])) {
                // RFC 6749 §4.1.2.1 unsupported_response_type: token, id_token and the hybrid types are not offered (OAuth 2.1, RFC 9700 §2.1.2).
                throw refusal(request, clients, OAuth2ErrorCodes.UNSUPPORTED_RESPONSE_TYPE,
                        "response_type '" + Untrusted.shown(responseType[0]) + "' is not supported; use response_type=code.");
            }
            try {
                return delegate.convert(request);
            } catch (OAuth2AuthorizationCodeRequestAuthenticationException e) {
                if (e.getAuthorizationCodeRequestAuthentication() != null) {
                    throw e;
                }
                throw refusal(request, clients, e.getError().getErrorCode(), e.getError().getDescription());
            }
        };
    }

    /**
     * A refusal from the request itself: redirected (with state) when the client id and the
     * redirect URI are each given once and the URI may be redirected to for that client.
     */
    private static OAuth2AuthorizationCodeRequestAuthenticationException refusal(HttpServletRequest request, RegisteredClientRepository clients,
                                                                                 String code, String description) {
        String clientId = once(request, OAuth2ParameterNames.CLIENT_ID);
        String redirectUri = once(request, OAuth2ParameterNames.REDIRECT_URI);
        RegisteredClient client = clientId == null ? null : clients.findByClientId(clientId);
        OAuth2AuthorizationCodeRequestAuthenticationToken to = null;
        if (client != null && redirectAllowed(client, redirectUri)) {
            String state = once(request, OAuth2ParameterNames.STATE);
            to = new OAuth2AuthorizationCodeRequestAuthenticationToken(request.getRequestURL().toString(), clientId,
                    ANONYMOUS, redirectUri, state, null, Map.of());
        }
        return new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(code, description, null), to);
    }

    private static final Authentication ANONYMOUS = new org.springframework.security.authentication.AnonymousAuthenticationToken(
            "anonymous", "anonymousUser", org.springframework.security.core.authority.AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS"));

    private static String once(HttpServletRequest request, String name) {
        String[] values = request.getParameterValues(name);
        return values != null && values.length == 1 && !values[0].isEmpty() ? values[0] : null;
    }
}
