package dev.glasskey.oidc;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Ids;
import dev.glasskey.system.Notes;
import dev.glasskey.system.Times;
import dev.glasskey.system.Untrusted;

/**
 * Registering and removing relying parties (REST API and CLI). Rules: exact redirect URIs,
 * https except on loopback addresses (RFC 8252 §7.3) — no wildcards, no fragments (RFC 6749
 * §3.1.2); PKCE (RFC 7636, S256) always for public clients and by default for confidential ones;
 * client credentials for confidential clients only; refresh tokens for public clients too when
 * registered with the grant (native apps, rotated and reuse-detected: {@link PublicClients});
 * a public client's loopback IP redirect URI matches any port (RFC 8252 §7.3,
 * {@link AuthorizationRequestChecks#redirectAllowed}); secrets generated here,
 * shown once, stored hashed ({@link ClientSecrets}).
 */
@Service
public class ClientService {
    /** RFC 6749 §3.3 scope-token. */
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,100}");

    private final RegisteredClientRepository repository;
    private final ClientStore store;
    private final OidcProperties properties;
    private final Audit audit;
    private final Clock clock;
    private final ClientSecrets secrets = new ClientSecrets();

    /** Lazily: {@link ClientRoles} reads clients through the same repository. */
    private final org.springframework.beans.factory.ObjectProvider<ClientRoles> roles;

    ClientService(RegisteredClientRepository repository, ClientStore store, OidcProperties properties, Audit audit, Clock clock,
                  org.springframework.beans.factory.ObjectProvider<ClientRoles> roles) {
        this.roles = roles;
        this.repository = repository;
        this.store = store;
        this.properties = properties;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public OidcClient.Created register(Actor actor, OidcClient.Registration r) {
        String name = required(r.name(), "name");
        if (name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
            throw invalid("name must be at most 200 printable characters.");
        }
        String type = r.type() == null ? "confidential" : r.type().strip().toLowerCase();
        if (!OidcClient.TYPES.contains(type)) {
            throw invalid("type must be 'confidential' or 'public'.");
        }
        boolean isPublic = type.equals("public");
        String clientId = r.clientId() == null || r.clientId().isBlank() ? "gk-" + Ids.randomToken(12) : r.clientId().strip();
        if (!OidcClient.couldBeRegistered(clientId)) {
            throw invalid("clientId must be 3 to 100 characters of A-Z a-z 0-9 . _ ~ -.");
        }
        if (repository.findByClientId(clientId) != null) {
            throw new GlasskeyException(ErrorCode.CLIENT_ID_TAKEN, "A client with id '" + clientId + "' exists.");
        }
        Set<AuthorizationGrantType> grants = grants(r.grantTypes(), isPublic);
        boolean codeFlow = grants.contains(AuthorizationGrantType.AUTHORIZATION_CODE);
        List<String> redirectUris = uris(r.redirectUris(), "redirectUris");
        if (codeFlow && redirectUris.isEmpty()) {
            throw invalid("redirectUris: at least one is needed for the authorization code flow.");
        }
        List<String> logoutUris = uris(r.postLogoutRedirectUris(), "postLogoutRedirectUris");
        List<String> scopes = r.scopes() == null || r.scopes().isEmpty()
                ? (codeFlow ? List.of(OidcScopes.OPENID, OidcScopes.PROFILE, OidcScopes.EMAIL) : List.of()) : r.scopes();
        for (String scope : scopes) {
            if (scope == null || !SCOPE.matcher(scope).matches()) {
                throw invalid("scope '" + scope + "' is not a valid scope token (RFC 6749 §3.3).");
            }
        }
        SignatureAlgorithm alg;
        String requestedAlg = r.idTokenSignedResponseAlg() == null ? "ES256" : r.idTokenSignedResponseAlg().strip().toUpperCase();
        if (!SigningKeys.ALGORITHMS.contains(requestedAlg)) {
            throw invalid("idTokenSignedResponseAlg must be one of " + SigningKeys.ALGORITHMS + ".");
        }
        alg = SignatureAlgorithm.from(requestedAlg);
        boolean pkce = isPublic || r.requirePkce() == null || r.requirePkce();
        String groupsClaim = r.groupsClaim() == null || r.groupsClaim().isBlank() ? OidcClient.DEFAULT_GROUPS_CLAIM : r.groupsClaim().strip();
        if (!OidcClient.CLAIM_NAME.matcher(groupsClaim).matches() || OidcClient.RESERVED_CLAIMS.contains(groupsClaim)) {
            throw invalid("groupsClaim must be 1 to 64 characters of A-Z a-z 0-9 _ . : - starting with a letter, and not a claim"
                    + " Glasskey sets itself (" + new java.util.TreeSet<>(OidcClient.RESERVED_CLAIMS) + ").");
        }
        String authMethod = r.tokenEndpointAuthMethod() == null || r.tokenEndpointAuthMethod().isBlank()
                ? (isPublic ? "none" : "client_secret_basic") : r.tokenEndpointAuthMethod().strip();
        if (isPublic ? !authMethod.equals("none") : !CONFIDENTIAL_AUTH_METHODS.contains(authMethod)) {
            throw invalid("tokenEndpointAuthMethod must be " + (isPublic ? "none for a public client."
                    : "one of " + CONFIDENTIAL_AUTH_METHODS + " for a confidential client."));
        }
        boolean keyJwt = authMethod.equals("private_key_jwt");
        String jwks = keyJwt ? publicJwks(r.jwks()) : null;
        String jwksUri;
        try {
            jwksUri = keyJwt && r.jwksUri() != null ? uris(List.of(r.jwksUri()), "jwksUri").get(0) : null;
        } catch (GlasskeyException e) {
            throw invalid(e.detail());
        }
        if (keyJwt && (jwks == null) == (jwksUri == null)) {
            throw invalid("private_key_jwt needs the client's public keys: jwks (a JWK Set) or jwksUri, exactly one of them.");
        }
        if (!keyJwt && (r.jwks() != null || r.jwksUri() != null)) {
            throw invalid("jwks and jwksUri are for tokenEndpointAuthMethod private_key_jwt only.");
        }

        if (Boolean.TRUE.equals(r.requirePushedAuthorizationRequests()) && (isPublic || !codeFlow)) {
            // Pushing needs client authentication at /oauth2/par (RFC 9126 §2), and a code flow to push.
            throw invalid("requirePushedAuthorizationRequests is for confidential clients with the authorization_code grant.");
        }
        // Back-Channel Logout 1.0 §2.2: an absolute URI without fragment; https, or http on a loopback address (as redirect URIs).
        String backchannelUri = r.backchannelLogoutUri() == null || r.backchannelLogoutUri().isBlank() ? null
                : uris(List.of(r.backchannelLogoutUri()), "backchannelLogoutUri", ErrorCode.CLIENT_BACKCHANNEL_LOGOUT_URI_INVALID).get(0);
        if (Boolean.TRUE.equals(r.backchannelLogoutSessionRequired()) && backchannelUri == null) {
            throw invalid("backchannelLogoutSessionRequired needs a backchannelLogoutUri.");
        }
        Instant now = Times.now(clock);
        String secret = isPublic || keyJwt ? null : ClientSecrets.generate();
        ClientSettings.Builder clientSettings = ClientSettings.builder().requireProofKey(pkce).requireAuthorizationConsent(false)
                .setting(OidcClient.INTROSPECT_ANY_TOKEN, Boolean.TRUE.equals(r.introspectAnyToken()))
                .setting(OidcClient.GROUPS_CLAIM, groupsClaim)
                .setting(OidcClient.REQUIRE_PAR, Boolean.TRUE.equals(r.requirePushedAuthorizationRequests()));
        if (jwks != null) {
            clientSettings.setting(ClientAssertions.JWKS, jwks);
        }
        if (jwksUri != null) {
            clientSettings.jwkSetUrl(jwksUri);
        }
        if (backchannelUri != null) {
            clientSettings.setting(OidcClient.BACKCHANNEL_LOGOUT_URI, backchannelUri)
                    .setting(OidcClient.BACKCHANNEL_LOGOUT_SESSION_REQUIRED, Boolean.TRUE.equals(r.backchannelLogoutSessionRequired()));
        }
        RegisteredClient.Builder builder = RegisteredClient.withId(Ids.uuid())
                .clientId(clientId)
                .clientIdIssuedAt(now)
                .clientName(name)
                .authorizationGrantTypes(set -> set.addAll(grants))
                .redirectUris(set -> set.addAll(redirectUris))
                .postLogoutRedirectUris(set -> set.addAll(logoutUris))
                .scopes(set -> set.addAll(scopes))
                .clientSettings(clientSettings.build())
                .tokenSettings(TokenSettings.builder()
                        .authorizationCodeTimeToLive(properties.authorizationCodeTtl())
                        .accessTokenTimeToLive(properties.accessTokenTtl())
                        .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
                        .refreshTokenTimeToLive(properties.refreshTokenTtl())
                        // Refresh token rotation (OAuth 2.0 Security BCP, RFC 9700 §4.14.2): each refresh issues a new one.
                        .reuseRefreshTokens(false)
                        .idTokenSignatureAlgorithm(alg)
                        .build());
        if (isPublic) {
            builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
        } else if (keyJwt) {
            builder.clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT);
        } else {
            builder.clientSecret(secrets.encode(secret))
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST);
        }
        RegisteredClient client = builder.build();
        repository.save(client);
        OidcClient view = OidcClient.of(client);
        audit.record(AuditEvent.success(actor, "oidc.client.add", clientId, false, type + " client '" + name + "', grants "
                + view.grantTypes() + ", redirect URIs " + view.redirectUris() + ", " + requestedAlg + ", authenticates with " + authMethod
                + (jwksUri != null ? " (keys at " + jwksUri + ")" : "") + ", groups claim '" + groupsClaim + "'"
                + (view.introspectAnyToken() ? ", may introspect any client's tokens" : "")
                + (view.requirePushedAuthorizationRequests() ? ", pushed authorization requests required" : "")
                + (backchannelUri != null ? ", back-channel logout to " + backchannelUri : "")));
        return new OidcClient.Created(view, secret);
    }

    @Transactional(readOnly = true)
    public List<OidcClient> list() {
        List<OidcClient> out = new ArrayList<>();
        for (String clientId : store.clientIds()) {
            RegisteredClient c = repository.findByClientId(clientId);
            if (c != null) {
                out.add(OidcClient.of(c));
            }
        }
        return out;
    }

    @Transactional(readOnly = true)
    public OidcClient get(String clientId) {
        return OidcClient.of(find(clientId));
    }

    /**
     * Removes the client and revokes everything issued to it; {@code note} (optional, required by the
     * console's confirmation) goes into the audit entry with the number of live tokens revoked.
     */
    @Transactional
    public void remove(Actor actor, String clientId, String note) {
        String why = Notes.optional(note);
        RegisteredClient client = find(clientId);
        OidcClient.LiveTokens live = store.liveTokens(client.getId(), Times.now(clock));
        // Its application roles and their assignments go first (issue 16 §1), in this transaction.
        roles.getObject().removeAll(actor, clientId);
        store.delete(client.getId());
        if (repository instanceof CachingClientRepository caching) {
            caching.evictAll();
        }
        audit.record(AuditEvent.success(actor, "oidc.client.remove", clientId, false,
                "client '" + client.getClientName() + "' removed; its tokens are revoked (" + live.describe() + ")" + Notes.suffix(why)));
    }

    /** What removing the client would revoke now (the console's confirmation says it). */
    @Transactional(readOnly = true)
    public OidcClient.LiveTokens liveTokens(String clientId) {
        return store.liveTokens(find(clientId).getId(), Times.now(clock));
    }

    private RegisteredClient find(String clientId) {
        RegisteredClient client = clientId == null ? null : repository.findByClientId(clientId);
        if (client == null) {
            throw new GlasskeyException(ErrorCode.CLIENT_NOT_FOUND, "No client with id '" + clientId + "'.");
        }
        return client;
    }

    private static Set<AuthorizationGrantType> grants(List<String> requested, boolean isPublic) {
        List<String> values = requested == null || requested.isEmpty()
                ? (isPublic ? List.of("authorization_code") : List.of("authorization_code", "refresh_token")) : requested;
        Set<AuthorizationGrantType> grants = new LinkedHashSet<>();
        for (String value : values) {
            AuthorizationGrantType grant = switch (String.valueOf(value)) {
                case "authorization_code" -> AuthorizationGrantType.AUTHORIZATION_CODE;
                case "refresh_token" -> AuthorizationGrantType.REFRESH_TOKEN;
                case "client_credentials" -> AuthorizationGrantType.CLIENT_CREDENTIALS;
                default -> throw invalid("grant type '" + value + "' is not supported; use authorization_code, refresh_token, client_credentials.");
            };
            if (isPublic && grant == AuthorizationGrantType.CLIENT_CREDENTIALS) {
                // A public client cannot authenticate, so it has no credentials of its own to grant on.
                throw invalid("a public client may use authorization_code and refresh_token, not client_credentials.");
            }
            grants.add(grant);
        }
        if (grants.contains(AuthorizationGrantType.REFRESH_TOKEN) && !grants.contains(AuthorizationGrantType.AUTHORIZATION_CODE)) {
            throw invalid("refresh_token needs authorization_code.");
        }
        return grants;
    }

    /** Absolute, no fragment; https, or http on a loopback address; no wildcards (exact matching). */
    static List<String> uris(List<String> values, String field) {
        return uris(values, field, ErrorCode.CLIENT_REDIRECT_URI_INVALID);
    }

    /** As {@link #uris(List, String)}, refused with {@code refusal}. */
    static List<String> uris(List<String> values, String field, ErrorCode refusal) {
        if (values == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String value : values) {
            String v = value == null ? "" : value.strip();
            URI uri;
            try {
                uri = new URI(v);
            } catch (URISyntaxException e) {
                throw new GlasskeyException(refusal, field + ": '" + Untrusted.shown(v) + "' is not a URI.");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
            String host = uri.getHost() == null ? "" : uri.getHost();
            boolean loopback = host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("localhost");
            if (!uri.isAbsolute() || uri.getFragment() != null || v.contains("*") || v.length() > 500
                    || host.isEmpty() || !(scheme.equals("https") || (scheme.equals("http") && loopback))) {
                throw new GlasskeyException(refusal, field + ": '" + Untrusted.shown(v)
                        + "' must be an absolute https URI (http only on a loopback address), without fragment or wildcard.");
            }
            out.add(v);
        }
        return out;
    }

    /** How a confidential client may authenticate (Discovery advertises the same; no client_secret_jwt: secrets are stored hashed). */
    static final List<String> CONFIDENTIAL_AUTH_METHODS = List.of("client_secret_basic", "client_secret_post", "private_key_jwt");

    /**
     * A JWK Set registered by value for private_key_jwt: one to ten asymmetric public signature
     * keys. A private or symmetric key is refused (the client must never hand over its secret).
     */
    private static String publicJwks(java.util.Map<String, Object> value) {
        if (value == null) {
            return null;
        }
        com.nimbusds.jose.jwk.JWKSet set;
        try {
            set = com.nimbusds.jose.jwk.JWKSet.parse(value);
        } catch (java.text.ParseException | RuntimeException e) {
            throw invalid("jwks is not a JWK Set (RFC 7517 §5): " + dev.glasskey.system.Untrusted.reason(e));
        }
        if (set.getKeys().isEmpty() || set.getKeys().size() > 10) {
            throw invalid("jwks must hold 1 to 10 keys.");
        }
        for (com.nimbusds.jose.jwk.JWK key : set.getKeys()) {
            if (key.isPrivate() || !(key instanceof com.nimbusds.jose.jwk.AsymmetricJWK)) {
                throw invalid("jwks must hold public keys only (EC or RSA): never register a private or shared key.");
            }
        }
        String json = set.toString(true);
        if (json.length() > 8000) {
            throw invalid("jwks is too large (at most 8000 characters as JSON).");
        }
        return json;
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw invalid(field + " is required.");
        }
        return value.strip();
    }

    private static GlasskeyException invalid(String detail) {
        return new GlasskeyException(ErrorCode.REQUEST_INVALID, detail);
    }
}
