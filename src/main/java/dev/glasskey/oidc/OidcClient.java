package dev.glasskey.oidc;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * A relying party as the API and CLI show it.
 *
 * @param type {@code confidential} (authenticates with its secret) or {@code public} (cannot keep a secret: PKCE only)
 * @param introspectAnyToken a resource server that may introspect tokens issued to other clients
 *        (RFC 7662 §4); any other client learns only about its own tokens
 * @param tokenEndpointAuthMethod how it authenticates at the token endpoint: {@code client_secret_basic}
 *        (or post, with its secret), {@code private_key_jwt} (RFC 7523, with a key registered by value or
 *        at {@code jwksUri}) or {@code none} (public)
 * @param groupsClaim the name of the claim that carries the account's roles as groups in this client's
 *        ID tokens, access tokens and UserInfo (what Kubernetes {@code --oidc-groups-claim}, Vault
 *        {@code groups_claim} or Grafana {@code groups_attribute_path} read); default {@code groups}
 * @param requirePushedAuthorizationRequests RFC 9126 §6 {@code require_pushed_authorization_requests}: this
 *        client's authorization requests are taken only by reference to one it pushed to {@code /oauth2/par};
 *        a plain one is refused with {@code invalid_request}. Default false
 * @param backchannelLogoutUri OpenID Connect Back-Channel Logout 1.0 §2.2 {@code backchannel_logout_uri}: where a
 *        logout token is POSTed when a Glasskey session this client received tokens in ends; null for none
 * @param backchannelLogoutSessionRequired §2.2 {@code backchannel_logout_session_required}: the client needs
 *        {@code sid} in logout tokens (Glasskey always sends it); default false
 */
public record OidcClient(String clientId, String name, String type, List<String> grantTypes, List<String> redirectUris,
                         List<String> postLogoutRedirectUris, List<String> scopes, String idTokenSignedResponseAlg,
                         boolean requirePkce, boolean introspectAnyToken, String groupsClaim, String tokenEndpointAuthMethod,
                         String jwksUri, boolean requirePushedAuthorizationRequests, String backchannelLogoutUri,
                         boolean backchannelLogoutSessionRequired, Instant createdAt) {

    /** What a client id is made of (ClientService registers no other; the column is 100 characters wide). */
    static final java.util.regex.Pattern CLIENT_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._~-]{3,100}");

    /**
     * Whether {@code clientId} could name a registered client. Anything else is not looked up at
     * all: it names nobody, and a NUL or a 60 KB id from a caller never reaches the database.
     */
    static boolean couldBeRegistered(String clientId) {
        return clientId != null && CLIENT_ID.matcher(clientId).matches();
    }

    /** Client setting (stored with Spring Authorization Server's client settings) behind {@link #introspectAnyToken}. */
    static final String INTROSPECT_ANY_TOKEN = "settings.client.glasskey.introspect-any-token";
    /** Client setting behind {@link #groupsClaim}; absent on clients registered before it existed: {@link #DEFAULT_GROUPS_CLAIM}. */
    static final String GROUPS_CLAIM = "settings.client.glasskey.groups-claim";
    static final String DEFAULT_GROUPS_CLAIM = "groups";
    /** Client setting behind {@link #requirePushedAuthorizationRequests}; absent on clients registered before it existed: false. */
    static final String REQUIRE_PAR = "settings.client.glasskey.require-pushed-authorization-requests";
    /** Client settings behind {@link #backchannelLogoutUri} and {@link #backchannelLogoutSessionRequired}; absent: none, false. */
    static final String BACKCHANNEL_LOGOUT_URI = "settings.client.glasskey.backchannel-logout-uri";
    static final String BACKCHANNEL_LOGOUT_SESSION_REQUIRED = "settings.client.glasskey.backchannel-logout-session-required";
    /** What a groups claim may be called: a plain JSON member name, not one of the claims Glasskey already sets. */
    static final java.util.regex.Pattern CLAIM_NAME = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_.:-]{0,63}");
    static final Set<String> RESERVED_CLAIMS = Set.of("iss", "sub", "aud", "exp", "iat", "nbf", "jti", "auth_time", "nonce", "acr", "amr",
            "azp", "sid", "at_hash", "c_hash", "client_id", "scope", "cnf", "emergency", "roles", "name", "email", "email_verified",
            "preferred_username");

    /** What registering a client asks for. Null fields take their defaults. */
    public record Registration(String clientId, String name, String type, List<String> grantTypes, List<String> redirectUris,
                               List<String> postLogoutRedirectUris, List<String> scopes, String idTokenSignedResponseAlg,
                               Boolean requirePkce, Boolean introspectAnyToken, String groupsClaim, String tokenEndpointAuthMethod,
                               Map<String, Object> jwks, String jwksUri, Boolean requirePushedAuthorizationRequests,
                               String backchannelLogoutUri, Boolean backchannelLogoutSessionRequired) {
        /** The JSON body of {@code POST /api/clients} binds to every component (the shorter constructor is for callers in code). */
        @com.fasterxml.jackson.annotation.JsonCreator
        public Registration {
        }

        /** With the defaults for everything after {@code introspectAnyToken}. */
        public Registration(String clientId, String name, String type, List<String> grantTypes, List<String> redirectUris,
                            List<String> postLogoutRedirectUris, List<String> scopes, String idTokenSignedResponseAlg,
                            Boolean requirePkce, Boolean introspectAnyToken) {
            this(clientId, name, type, grantTypes, redirectUris, postLogoutRedirectUris, scopes, idTokenSignedResponseAlg, requirePkce,
                    introspectAnyToken, null, null, null, null, null, null, null);
        }
    }

    static boolean introspectsAnyToken(RegisteredClient c) {
        return Boolean.TRUE.equals(c.getClientSettings().getSetting(INTROSPECT_ANY_TOKEN));
    }

    static boolean requiresPushedRequests(RegisteredClient c) {
        return Boolean.TRUE.equals(c.getClientSettings().getSetting(REQUIRE_PAR));
    }

    /** Where this client takes logout tokens (Back-Channel Logout 1.0 §2.2), or null. */
    static String backchannelLogoutUri(RegisteredClient c) {
        return c.getClientSettings().getSetting(BACKCHANNEL_LOGOUT_URI) instanceof String uri ? uri : null;
    }

    static String groupsClaim(RegisteredClient c) {
        return c.getClientSettings().getSetting(GROUPS_CLAIM) instanceof String name ? name : DEFAULT_GROUPS_CLAIM;
    }

    /**
     * The tokens issued to a client that still work at {@code now}: unexpired and not revoked
     * (Spring Authorization Server marks a revoked token in its metadata, RFC 7009 §2.2).
     *
     * @param refreshTokens live refresh tokens (each a signed-in session of the relying party)
     * @param accessTokens  live access tokens, client-credentials ones included
     */
    public record LiveTokens(long refreshTokens, long accessTokens) {
        /** "3 refresh tokens, 1 access token". */
        public String describe() {
            return refreshTokens + (refreshTokens == 1 ? " refresh token, " : " refresh tokens, ")
                    + accessTokens + (accessTokens == 1 ? " access token" : " access tokens");
        }
    }

    /** A newly registered client with its secret, shown this once (null for a public client). */
    public record Created(OidcClient client, String clientSecret) {}

    static OidcClient of(RegisteredClient c) {
        boolean isPublic = c.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE);
        return new OidcClient(c.getClientId(), c.getClientName(), isPublic ? "public" : "confidential",
                sorted(c.getAuthorizationGrantTypes().stream().map(AuthorizationGrantType::getValue).toList()),
                sorted(c.getRedirectUris()), sorted(c.getPostLogoutRedirectUris()), sorted(c.getScopes()),
                String.valueOf(c.getTokenSettings().getIdTokenSignatureAlgorithm()), c.getClientSettings().isRequireProofKey(),
                introspectsAnyToken(c), groupsClaim(c), authMethod(c), c.getClientSettings().getJwkSetUrl(), requiresPushedRequests(c), backchannelLogoutUri(c),
                Boolean.TRUE.equals(c.getClientSettings().getSetting(BACKCHANNEL_LOGOUT_SESSION_REQUIRED)), c.getClientIdIssuedAt());
    }

    static String authMethod(RegisteredClient c) {
        Set<ClientAuthenticationMethod> methods = c.getClientAuthenticationMethods();
        return methods.contains(ClientAuthenticationMethod.NONE) ? "none"
                : methods.contains(ClientAuthenticationMethod.PRIVATE_KEY_JWT) ? "private_key_jwt" : "client_secret_basic";
    }

    private static List<String> sorted(java.util.Collection<String> values) {
        return List.copyOf(new TreeSet<>(values));
    }

    static final Set<String> TYPES = Set.of("confidential", "public");
}
