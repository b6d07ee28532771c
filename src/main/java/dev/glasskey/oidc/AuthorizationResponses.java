package dev.glasskey.oidc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * The one place that builds the redirect back to a relying party, for a code and for an error,
 * so that every authorization response carries the same members:
 * <ul>
 *   <li>{@code iss}, the issuer (RFC 9207 §2: on success and on error responses, so a client
 *       talking to several servers can tell which one answered — mix-up attacks);</li>
 *   <li>{@code state} exactly as sent (RFC 6749 §4.1.2, §4.1.2.1);</li>
 *   <li>in the query, Glasskey's only response mode; except an error for a request that asked
 *       for a token or ID token in the front channel, which goes in the fragment, the default
 *       response mode of those response types (OAuth 2.0 Multiple Response Type Encoding
 *       Practices §2.1, §5), where such a relying party looks for it.</li>
 * </ul>
 */
final class AuthorizationResponses {
    static final String ISS = "iss";

    private AuthorizationResponses() {}

    static String code(String redirectUri, String code, String state, String issuer) {
        MultiValueMap<String, String> params = new LinkedMultiValueMap<>();
        params.add(OAuth2ParameterNames.CODE, code);
        return redirect(redirectUri, params, state, issuer, false);
    }

    /**
     * @param responseType the request's {@code response_type} as sent (may be null): decides query or fragment
     */
    static String error(String redirectUri, String error, String description, String state, String issuer, String responseType) {
        MultiValueMap<String, String> params = new LinkedMultiValueMap<>();
        params.add(OAuth2ParameterNames.ERROR, error);
        if (description != null) {
            params.add(OAuth2ParameterNames.ERROR_DESCRIPTION, description);
        }
        return redirect(redirectUri, params, state, issuer, frontChannelTokens(responseType));
    }

    /** Whether a response type asks for tokens in the front channel ({@code token}, {@code id_token} or a hybrid). */
    static boolean frontChannelTokens(String responseType) {
        if (responseType == null) {
            return false;
        }
        List<String> words = Arrays.asList(responseType.strip().split("\\s+"));
        return words.contains("token") || words.contains("id_token");
    }

    private static String redirect(String redirectUri, MultiValueMap<String, String> params, String state, String issuer,
                                   boolean fragment) {
        if (state != null && !state.isEmpty()) {
            params.add(OAuth2ParameterNames.STATE, state);
        }
        params.add(ISS, issuer);
        UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(redirectUri);
        if (fragment) {
            StringBuilder f = new StringBuilder();
            params.forEach((name, values) -> values.forEach(v -> f.append(f.isEmpty() ? "" : "&").append(name).append('=')
                    .append(UriUtils.encode(v, StandardCharsets.UTF_8))));
            uri.fragment(f.toString());
        } else {
            params.forEach((name, values) -> values.forEach(v -> uri.queryParam(name, UriUtils.encode(v, StandardCharsets.UTF_8))));
        }
        // build(true): every component is encoded above (the registered URI is stored encoded).
        return uri.build(true).toUriString();
    }
}
