package dev.glasskey.oidc;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the discovery documents promise — exactly what works, no more (a relying party that
 * believes a promise and gets a refusal has no way to recover): OpenID Connect Discovery 1.0 §3
 * ({@code /.well-known/openid-configuration}) and RFC 8414 §2
 * ({@code /.well-known/oauth-authorization-server}). Spring Authorization Server advertises
 * everything it can be configured to do; Glasskey configures less, so both documents are
 * rewritten here. {@code DiscoveryContract} checks each member against behaviour.
 */
final class Discovery {
    /**
     * Client authentication at the token endpoint: secrets (stored hashed, so no
     * {@code client_secret_jwt}), keys ({@link ClientAssertions}) and public clients.
     */
    static final List<String> TOKEN_AUTH_METHODS = List.of("client_secret_basic", "client_secret_post", "private_key_jwt", "none");
    /** Revocation and introspection need a confidential client. */
    static final List<String> CLIENT_AUTH_METHODS = List.of("client_secret_basic", "client_secret_post", "private_key_jwt");
    static final List<String> ASSERTION_ALGORITHMS = ClientAssertions.ALGORITHMS.stream().map(a -> a.getName()).toList();
    static final List<String> GRANT_TYPES = List.of("authorization_code", "refresh_token", "client_credentials");
    static final List<String> SCOPES = ScopeClaims.SCOPES;
    static final List<String> CLAIMS = Stream.concat(Stream.of("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce",
            "acr", "amr", "azp", "sid"), Stream.concat(ScopeClaims.CLAIMS.stream(), Stream.of("roles", OidcClient.DEFAULT_GROUPS_CLAIM,
            "emergency"))).toList();

    private Discovery() {}

    /** RFC 8414 §2 members, shared by both documents. */
    static void oauthMetadata(Map<String, Object> m) {
        m.put("token_endpoint_auth_methods_supported", TOKEN_AUTH_METHODS);
        m.put("revocation_endpoint_auth_methods_supported", CLIENT_AUTH_METHODS);
        m.put("introspection_endpoint_auth_methods_supported", CLIENT_AUTH_METHODS);
        m.put("token_endpoint_auth_signing_alg_values_supported", ASSERTION_ALGORITHMS);
        m.put("revocation_endpoint_auth_signing_alg_values_supported", ASSERTION_ALGORITHMS);
        m.put("introspection_endpoint_auth_signing_alg_values_supported", ASSERTION_ALGORITHMS);
        m.put("grant_types_supported", GRANT_TYPES);
        m.put("response_types_supported", List.of("code"));
        m.put("response_modes_supported", List.of("query"));
        m.put("scopes_supported", SCOPES);
        m.put("code_challenge_methods_supported", List.of("S256"));
        // RFC 9207 §3: every authorization response carries iss (AuthorizationResponses).
        m.put("authorization_response_iss_parameter_supported", true);
        // Not offered: DPoP (RFC 9449 §5.1), certificate-bound tokens (RFC 8705 §3.3), devices (RFC 8628 §4).
        // PAR is (RFC 9126 §5: pushed_authorization_request_endpoint, set by Spring Authorization Server), never required of every client.
        m.remove("dpop_signing_alg_values_supported");
        m.remove("tls_client_certificate_bound_access_tokens");
        m.remove("device_authorization_endpoint");
        m.put("require_pushed_authorization_requests", false);
    }

    /** Discovery 1.0 §3: the RFC 8414 members and the OpenID ones. */
    static void providerConfiguration(Map<String, Object> m) {
        oauthMetadata(m);
        m.put("acr_values_supported", AuthenticationPolicy.SUPPORTED_ACR);
        m.put("claims_supported", CLAIMS);
        m.put("prompt_values_supported", AuthenticationPolicy.SUPPORTED_PROMPT);
        // Said explicitly: request_uri_parameter_supported defaults to true when absent (Discovery 1.0 §3). It is about
        // request objects fetched by reference (Core §6.2), which Glasskey does not fetch; the request_uri that the
        // PAR endpoint issues works, and is advertised by pushed_authorization_request_endpoint (RFC 9126 §5).
        m.put("request_parameter_supported", false);
        m.put("request_uri_parameter_supported", false);
        m.put("claims_parameter_supported", false);
        // Back-Channel Logout 1.0 §2.1: logout tokens to a registered backchannel_logout_uri, always with sid (BackchannelLogouts).
        m.put("backchannel_logout_supported", true);
        m.put("backchannel_logout_session_supported", true);
    }
}
