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
 */
public record OidcClient(String clientId, String name, String type, List<String> grantTypes, List<String> redirectUris,
                         List<String> postLogoutRedirectUris, List<String> scopes, String idTokenSignedResponseAlg,
                         boolean requirePkce, Instant createdAt) {

    /** What registering a client asks for. Null fields take their defaults. */
    public record Registration(String clientId, String name, String type, List<String> grantTypes, List<String> redirectUris,
                               List<String> postLogoutRedirectUris, List<String> scopes, String idTokenSignedResponseAlg,
                               Boolean requirePkce) {}

    /** A newly registered client with its secret, shown this once (null for a public client). */
    public record Created(OidcClient client, String clientSecret) {}

    static OidcClient of(RegisteredClient c) {
        boolean isPublic = c.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE);
        return new OidcClient(c.getClientId(), c.getClientName(), isPublic ? "public" : "confidential",
                sorted(c.getAuthorizationGrantTypes().stream().map(AuthorizationGrantType::getValue).toList()),
                sorted(c.getRedirectUris()), sorted(c.getPostLogoutRedirectUris()), sorted(c.getScopes()),
                String.valueOf(c.getTokenSettings().getIdTokenSignatureAlgorithm()), c.getClientSettings().isRequireProofKey(),
                c.getClientIdIssuedAt());
    }

    private static List<String> sorted(java.util.Collection<String> values) {
        return List.copyOf(new TreeSet<>(values));
    }

    static final Set<String> TYPES = Set.of("confidential", "public");
}
