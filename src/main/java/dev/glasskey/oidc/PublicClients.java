package dev.glasskey.oidc;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Token requests of public clients (native apps such as kubelogin, RFC 8252), which identify
 * themselves with {@code client_id} alone ({@code token_endpoint_auth_method=none}).
 *
 * <p>Spring Authorization Server recognises such a request only when it carries a
 * {@code code_verifier}; without one nothing authenticates the client and the endpoint answers
 * an empty 401. {@link #converter} also recognises
 * <ul>
 *   <li>a code exchange without {@code code_verifier}: the stock public-client provider then
 *       refuses it as RFC 7636 §4.6 says, {@code invalid_grant} (400, JSON);</li>
 *   <li>a refresh ({@code grant_type=refresh_token}): {@link #refreshProvider} accepts the client
 *       when it is registered as public with the refresh grant. The refresh token is the
 *       credential here; it is rotated on every use and a reused one revokes its family
 *       (RFC 9700 §4.14.2, {@link AuditedGrant}), which is what makes refresh tokens for public
 *       clients acceptable (RFC 9700 §2.2.2, OAuth 2.1 §4.3.1).</li>
 * </ul>
 * A request with any client credential (Authorization header, {@code client_secret},
 * {@code client_assertion}) is left to the other converters.
 */
final class PublicClients {
    private PublicClients() {}

    static AuthenticationConverter converter(String tokenEndpoint) {
        return request -> {
            if (!"POST".equals(request.getMethod()) || !(request.getContextPath() + tokenEndpoint).equals(request.getRequestURI())
                    || request.getHeader("Authorization") != null || present(request, OAuth2ParameterNames.CLIENT_SECRET)
                    || present(request, OAuth2ParameterNames.CLIENT_ASSERTION) || present(request, OAuth2ParameterNames.CLIENT_ASSERTION_TYPE)) {
                return null;
            }
            String grant = once(request, OAuth2ParameterNames.GRANT_TYPE);
            String clientId = once(request, OAuth2ParameterNames.CLIENT_ID);
            boolean codeWithoutVerifier = AuthorizationGrantType.AUTHORIZATION_CODE.getValue().equals(grant)
                    && once(request, PkceParameterNames.CODE_VERIFIER) == null;
            if (clientId == null || !(codeWithoutVerifier || AuthorizationGrantType.REFRESH_TOKEN.getValue().equals(grant))) {
                return null;
            }
            Map<String, Object> parameters = new LinkedHashMap<>();
            for (Map.Entry<String, String[]> p : request.getParameterMap().entrySet()) {
                if (p.getValue().length != 1) {
                    // RFC 6749 §3.2: request parameters must not be included more than once.
                    throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST,
                            "A parameter is given more than once.", null));
                }
                if (!p.getKey().equals(OAuth2ParameterNames.CLIENT_ID)) {
                    parameters.put(p.getKey(), p.getValue()[0]);
                }
            }
            return new OAuth2ClientAuthenticationToken(clientId, ClientAuthenticationMethod.NONE, null, parameters);
        };
    }

    /** Authenticates a public client's refresh request (see the class comment); any other request is not its business. */
    static AuthenticationProvider refreshProvider(RegisteredClientRepository clients) {
        return new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                OAuth2ClientAuthenticationToken request = (OAuth2ClientAuthenticationToken) authentication;
                if (!ClientAuthenticationMethod.NONE.equals(request.getClientAuthenticationMethod())
                        || !AuthorizationGrantType.REFRESH_TOKEN.getValue().equals(request.getAdditionalParameters().get(OAuth2ParameterNames.GRANT_TYPE))) {
                    return null;
                }
                RegisteredClient client = clients.findByClientId(String.valueOf(request.getPrincipal()));
                if (client == null || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)) {
                    // RFC 6749 §5.2: a client that is not public must authenticate.
                    throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
                            client == null ? "Unknown client." : "This client must authenticate.", null));
                }
                return new OAuth2ClientAuthenticationToken(client, ClientAuthenticationMethod.NONE, null);
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
            }
        };
    }

    private static boolean present(HttpServletRequest request, String name) {
        return request.getParameter(name) != null;
    }

    private static String once(HttpServletRequest request, String name) {
        String[] values = request.getParameterValues(name);
        return values != null && values.length == 1 && !values[0].isEmpty() ? values[0] : null;
    }
}
