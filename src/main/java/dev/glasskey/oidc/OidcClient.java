package dev.glasskey.oidc;

import java.time.Instant;
import java.util.List;
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
 */
public record OidcClient(String clientId, String name, String type, List<String> grantTypes, List<String> redirectUris,
                         List<String> postLogoutRedirectUris, List<String> scopes, String idTokenSignedResponseAlg,
                         boolean requirePkce, boolean introspectAnyToken, Instant createdAt) {

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

    /** What registering a client asks for. Null fields take their defaults. */
    public record Registration(String clientId, String name, String type, List<String> grantTypes, List<String> redirectUris,
                               List<String> postLogoutRedirectUris, List<String> scopes, String idTokenSignedResponseAlg,
                               Boolean requirePkce, Boolean introspectAnyToken) {}

    static boolean introspectsAnyToken(RegisteredClient c) {
        return Boolean.TRUE.equals(c.getClientSettings().getSetting(INTROSPECT_ANY_TOKEN));
    }

    /** A newly registered client with its secret, shown this once (null for a public client). */
    public record Created(OidcClient client, String clientSecret) {}

    static OidcClient of(RegisteredClient c) {
        boolean isPublic = c.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE);
        return new OidcClient(c.getClientId(), c.getClientName(), isPublic ? "public" : "confidential",
                sorted(c.getAuthorizationGrantTypes().stream().map(AuthorizationGrantType::getValue).toList()),
                sorted(c.getRedirectUris()), sorted(c.getPostLogoutRedirectUris()), sorted(c.getScopes()),
                String.valueOf(c.getTokenSettings().getIdTokenSignatureAlgorithm()), c.getClientSettings().isRequireProofKey(),
                introspectsAnyToken(c), c.getClientIdIssuedAt());
    }

    private static List<String> sorted(java.util.Collection<String> values) {
        return List.copyOf(new TreeSet<>(values));
    }

    static final Set<String> TYPES = Set.of("confidential", "public");
}
