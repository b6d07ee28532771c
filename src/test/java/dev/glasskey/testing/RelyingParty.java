package dev.glasskey.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Token;
import com.nimbusds.openid.connect.sdk.AuthenticationErrorResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.LogoutRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.Prompt;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.ACR;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * A relying party built on an independent OpenID Connect implementation, the Nimbus OAuth 2.0 /
 * OpenID Connect SDK: discovery, authorization requests with PKCE (S256), code exchange, ID-token
 * validation against the published JWK Set, refresh, UserInfo, revocation, introspection and
 * RP-initiated logout. Registered through Glasskey's admin API.
 */
public final class RelyingParty {
    public final OIDCProviderMetadata metadata;
    public final ClientID clientId;
    public final Secret secret;
    public final URI callback;
    public final String algorithm;

    public RelyingParty(OIDCProviderMetadata metadata, String clientId, String secret, URI callback, String algorithm) {
        this.metadata = metadata;
        this.clientId = new ClientID(clientId);
        this.secret = secret == null ? null : new Secret(secret);
        this.callback = callback;
        this.algorithm = algorithm;
    }

    public static OIDCProviderMetadata discover(String issuer) {
        try {
            // Discovery 1.0 §4: the SDK checks that the issuer in the document equals the one asked for.
            return OIDCProviderMetadata.resolve(new Issuer(issuer));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Registers a client through the API as the given administrator. */
    public static RelyingParty register(Client admin, String issuer, Map<String, Object> registration) {
        Client.Response r = admin.post("/api/clients", registration);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        var json = r.json();
        String secret = json.path("clientSecret").isNull() || json.path("clientSecret").isMissingNode() ? null : json.path("clientSecret").asString();
        List<String> redirects = json.path("client").path("redirectUris").valueStream().map(n -> n.asString()).toList();
        return new RelyingParty(discover(issuer), json.path("client").path("clientId").asString(), secret,
                redirects.isEmpty() ? null : URI.create(redirects.get(0)), json.path("client").path("idTokenSignedResponseAlg").asString());
    }

    /** One authorization attempt: its request and the secrets the relying party keeps. */
    public final class Attempt {
        public final State state = new State();
        public final Nonce nonce = new Nonce();
        public final CodeVerifier verifier = new CodeVerifier();
        AuthenticationRequest.Builder builder;

        Attempt() {
            builder = new AuthenticationRequest.Builder(new ResponseType("code"), new Scope("openid", "profile"), clientId, callback)
                    .endpointURI(metadata.getAuthorizationEndpointURI())
                    .state(state).nonce(nonce)
                    .codeChallenge(verifier, CodeChallengeMethod.S256);
        }

        public Attempt prompt(String prompt) {
            try {
                builder.prompt(Prompt.parse(prompt));
            } catch (com.nimbusds.oauth2.sdk.ParseException e) {
                throw new IllegalArgumentException(e);
            }
            return this;
        }

        public Attempt scope(String... scopes) {
            builder = new AuthenticationRequest.Builder(builder.build()).scope(new Scope(scopes));
            return this;
        }

        public Attempt maxAge(int seconds) {
            builder.maxAge(seconds);
            return this;
        }

        public Attempt acr(String... values) {
            builder.acrValues(java.util.Arrays.stream(values).map(ACR::new).toList());
            return this;
        }

        public Attempt withoutPkce() {
            builder.codeChallenge((CodeVerifier) null, null);
            return this;
        }

        public Attempt redirectUri(URI uri) {
            builder.redirectionURI(uri);
            return this;
        }

        /** The request itself, for pushing it (RFC 9126) instead of sending it through the browser. */
        public AuthenticationRequest request() {
            return builder.build();
        }

        public URI uri() {
            return builder.build().toURI();
        }

        /** Parses the redirect back to the relying party; checks state (RFC 6749 §10.12). */
        public AuthenticationResponse response(String location) {
            try {
                AuthenticationResponse response = AuthenticationResponseParser.parse(URI.create(location));
                assertThat(response.getState()).isEqualTo(state);
                return response;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        public AuthorizationCode code(String location) {
            AuthenticationResponse response = response(location);
            assertThat(response.indicatesSuccess()).as(() -> response instanceof AuthenticationErrorResponse err
                    ? err.getErrorObject().toJSONObject().toString() : location).isTrue();
            return response.toSuccessResponse().getAuthorizationCode();
        }

        public ErrorObject error(String location) {
            AuthenticationResponse response = response(location);
            assertThat(response.indicatesSuccess()).as(location).isFalse();
            return response.toErrorResponse().getErrorObject();
        }

        public TokenResponse exchange(AuthorizationCode code) {
            return token(new AuthorizationCodeGrant(code, callback, verifier));
        }

        public TokenResponse exchange(AuthorizationCode code, CodeVerifier otherVerifier) {
            return token(new AuthorizationCodeGrant(code, callback, otherVerifier));
        }

        /** OpenID Connect Core 1.0 §3.1.3.7 validation, signature against the JWK Set; returns the claims. */
        public IDTokenClaimsSet validate(JWT idToken) throws Exception {
            return validator().validate(idToken, nonce);
        }
    }

    public Attempt attempt() {
        return new Attempt();
    }

    public IDTokenValidator validator() throws Exception {
        return new IDTokenValidator(metadata.getIssuer(), clientId, JWSAlgorithm.parse(algorithm), metadata.getJWKSetURI().toURL());
    }

    public ClientAuthentication auth() {
        return new ClientSecretBasic(clientId, secret);
    }

    public TokenResponse token(AuthorizationGrant grant) {
        try {
            TokenRequest request = secret == null
                    ? new TokenRequest(metadata.getTokenEndpointURI(), clientId, grant)
                    : new TokenRequest(metadata.getTokenEndpointURI(), auth(), grant, null);
            return OIDCTokenResponseParser.parse(request.toHTTPRequest().send());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public TokenResponse token(AuthorizationGrant grant, ClientAuthentication auth) {
        try {
            return OIDCTokenResponseParser.parse(new TokenRequest(metadata.getTokenEndpointURI(), auth, grant, null).toHTTPRequest().send());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public TokenResponse refresh(RefreshToken refreshToken) {
        return token(new RefreshTokenGrant(refreshToken));
    }

    public TokenResponse clientCredentials() {
        return token(new ClientCredentialsGrant());
    }

    public static OIDCTokenResponse success(TokenResponse response) {
        assertThat(response.indicatesSuccess()).as(() -> ((TokenErrorResponse) response).getErrorObject().toJSONObject().toString()).isTrue();
        return (OIDCTokenResponse) response.toSuccessResponse();
    }

    public static ErrorObject error(TokenResponse response) {
        assertThat(response.indicatesSuccess()).isFalse();
        return ((TokenErrorResponse) response).getErrorObject();
    }

    public UserInfoResponse userInfo(AccessToken token) {
        try {
            return UserInfoResponse.parse(new UserInfoRequest(metadata.getUserInfoEndpointURI(), (BearerAccessToken) token).toHTTPRequest().send());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public HTTPResponse revoke(Token token) {
        try {
            return new TokenRevocationRequest(metadata.getRevocationEndpointURI(), auth(), token).toHTTPRequest().send();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean active(Token token) {
        return introspect(token).isActive();
    }

    public TokenIntrospectionSuccessResponse introspect(Token token) {
        try {
            TokenIntrospectionResponse response = TokenIntrospectionResponse.parse(
                    new TokenIntrospectionRequest(metadata.getIntrospectionEndpointURI(), auth(), token).toHTTPRequest().send());
            assertThat(response.indicatesSuccess()).isTrue();
            return (TokenIntrospectionSuccessResponse) response;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public URI logout(JWT idToken, URI postLogoutRedirect, State state) {
        return new LogoutRequest(metadata.getEndSessionEndpointURI(), idToken, postLogoutRedirect, state).toURI();
    }

    public static URL url(URI uri) {
        try {
            return uri.toURL();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
