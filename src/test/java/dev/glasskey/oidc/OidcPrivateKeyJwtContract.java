package dev.glasskey.oidc;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.sun.net.httpserver.HttpServer;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.RelyingParty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code private_key_jwt} client authentication (RFC 7523; issue 20 item 3) with a key registered
 * by value and one published at a URL on 127.0.0.1: a good assertion works for the code flow,
 * client credentials, introspection and revocation; a wrong {@code aud}, an expired one, a replayed
 * {@code jti}, a missing {@code jti}, another key, another client's id, a far-future {@code exp} and
 * {@code alg: none} are each {@code invalid_client} (401) and audited; registrations that would
 * hand over a private or shared key are refused.
 */
public interface OidcPrivateKeyJwtContract extends OidcFixtures {

    static String tokenEndpoint(RelyingParty rp) {
        return rp.metadata.getTokenEndpointURI().toString();
    }

    /** An assertion with the given claims, signed by {@code key}, serialized. */
    static String signed(JWK key, JWTClaimsSet claims) {
        try {
            JWSAlgorithm alg = key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A well-formed assertion as the SDK's client authentication. */
    static PrivateKeyJWT assertion(JWK key, JWTClaimsSet claims) {
        try {
            return new PrivateKeyJWT(SignedJWT.parse(signed(key, claims)));
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client-credentials request authenticated by the assertion given as text (however malformed). */
    static com.nimbusds.oauth2.sdk.http.HTTPResponse withAssertion(RelyingParty rp, String assertion) {
        return OidcConformanceContract.form(rp.metadata.getTokenEndpointURI(), null, "grant_type", "client_credentials",
                "client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion", assertion);
    }

    static JWTClaimsSet.Builder claims(String clientId, String audience, Duration lifetime) {
        Date now = new Date();
        return new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(audience)
                .issueTime(now).expirationTime(new Date(now.getTime() + lifetime.toMillis())).jwtID("jti-" + System.nanoTime());
    }

    default RelyingParty keyClient(Client admin, Map<String, Object> keys) {
        Map<String, Object> registration = new java.util.HashMap<>(Map.of("name", "Key client " + System.nanoTime(),
                "redirectUris", List.of("https://rp.example/cb/" + System.nanoTime()),
                "grantTypes", List.of("authorization_code", "refresh_token", "client_credentials"),
                "tokenEndpointAuthMethod", "private_key_jwt"));
        registration.putAll(keys);
        RelyingParty rp = RelyingParty.register(admin, baseUrl(), registration);
        assertThat(rp.secret).as("no secret for a key client").isNull();
        return rp;
    }

    @Test
    default void aGoodAssertionAuthenticatesAndEveryBadOneIsInvalidClient() throws Exception {
        Client admin = newAdmin().http();
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        RelyingParty rp = keyClient(admin, Map.of("jwks", new JWKSet(key.toPublicJWK()).toJSONObject(true)));
        String id = rp.clientId.getValue();
        assertThat(admin.get("/api/clients/" + id).json().path("tokenEndpointAuthMethod").asString()).isEqualTo("private_key_jwt");

        // Good: the SDK's own assertion (aud = token endpoint), and one with aud = the issuer.
        TokenResponse ok = rp.token(new ClientCredentialsGrant(), new PrivateKeyJWT(rp.clientId, rp.metadata.getTokenEndpointURI(),
                JWSAlgorithm.ES256, key.toECPrivateKey(), "k1", null));
        assertThat(ok.indicatesSuccess()).as(() -> ok.toErrorResponse().getErrorObject().toString()).isTrue();
        String good = signed(key, claims(id, baseUrl(), Duration.ofMinutes(2)).build());
        assertThat(withAssertion(rp, good).getStatusCode()).isEqualTo(200);

        long audit = auditHead();
        ECKey other = new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("replayed jti", good);
        bad.put("wrong aud", signed(key, claims(id, "https://other.example/token", Duration.ofMinutes(2)).build()));
        bad.put("expired", signed(key, claims(id, tokenEndpoint(rp), Duration.ofMinutes(-5)).build()));
        bad.put("exp far ahead", signed(key, claims(id, tokenEndpoint(rp), Duration.ofHours(2)).build()));
        bad.put("no exp", signed(key, claims(id, tokenEndpoint(rp), Duration.ofMinutes(2)).expirationTime(null).build()));
        bad.put("no jti", signed(key, claims(id, tokenEndpoint(rp), Duration.ofMinutes(2)).jwtID(null).build()));
        bad.put("another key", signed(other, claims(id, tokenEndpoint(rp), Duration.ofMinutes(2)).build()));
        bad.put("sub of another client", signed(key, claims(id, tokenEndpoint(rp), Duration.ofMinutes(2)).subject("someone-else").build()));
        bad.put("alg none", new com.nimbusds.jwt.PlainJWT(claims(id, tokenEndpoint(rp), Duration.ofMinutes(2)).build()).serialize());
        bad.put("not a JWT", "not.a.jwt");
        for (Map.Entry<String, String> attempt : bad.entrySet()) {
            var r = withAssertion(rp, attempt.getValue());
            assertThat(r.getStatusCode()).as(attempt.getKey() + " " + r.getBody()).isEqualTo(401);
            assertThat(OidcConformanceContract.json(r).get("error")).as(attempt.getKey()).isEqualTo("invalid_client");
        }
        // A secret for a client that has none.
        assertThat(RelyingParty.error(rp.token(new ClientCredentialsGrant(), new ClientSecretBasic(rp.clientId, new Secret("guess"))))
                .getCode()).isEqualTo("invalid_client");
        assertThat(auditSince(audit)).filteredOn(e -> e.action().equals("oidc.refused") && "invalid_client".equals(e.reason()))
                .hasSizeGreaterThanOrEqualTo(bad.size() - 2);

        // The code flow, introspection and revocation with assertions too.
        Person p = person(admin, false);
        RelyingParty.Attempt attempt = rp.attempt();
        TokenResponse code = rp.token(new com.nimbusds.oauth2.sdk.AuthorizationCodeGrant(authorize(p, attempt), rp.callback, attempt.verifier),
                assertion(key, claims(id, tokenEndpoint(rp), Duration.ofMinutes(2)).build()));
        OIDCTokens tokens = RelyingParty.success(code).getOIDCTokens();
        assertThat(attempt.validate(tokens.getIDToken()).getSubject().getValue()).isEqualTo(p.accountId());
        var introspection = new com.nimbusds.oauth2.sdk.TokenIntrospectionRequest(rp.metadata.getIntrospectionEndpointURI(),
                assertion(key, claims(id, baseUrl(), Duration.ofMinutes(2)).build()), tokens.getAccessToken()).toHTTPRequest().send();
        assertThat(com.nimbusds.oauth2.sdk.TokenIntrospectionResponse.parse(introspection).toSuccessResponse().isActive()).isTrue();
        var revocation = new com.nimbusds.oauth2.sdk.TokenRevocationRequest(rp.metadata.getRevocationEndpointURI(),
                assertion(key, claims(id, baseUrl(), Duration.ofMinutes(2)).build()), tokens.getRefreshToken()).toHTTPRequest().send();
        assertThat(revocation.getStatusCode()).isEqualTo(200);
    }

    @Test
    default void keysPublishedAtAUrlAreFetchedFromIt() throws Exception {
        Client admin = newAdmin().http();
        RSAKey key = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        HttpServer jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] body = new JWKSet(key.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
        jwks.createContext("/jwks.json", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwks.start();
        try {
            String url = "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json";
            RelyingParty rp = keyClient(admin, Map.of("jwksUri", url));
            assertThat(admin.get("/api/clients/" + rp.clientId.getValue()).json().path("jwksUri").asString()).isEqualTo(url);
            String id = rp.clientId.getValue();
            assertThat(rp.token(new ClientCredentialsGrant(), assertion(key, claims(id, tokenEndpoint(rp), Duration.ofMinutes(2)).build()))
                    .indicatesSuccess()).isTrue();
            RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
            assertThat(RelyingParty.error(rp.token(new ClientCredentialsGrant(),
                    assertion(stranger, claims(id, tokenEndpoint(rp), Duration.ofMinutes(2)).build()))).getCode()).isEqualTo("invalid_client");
        } finally {
            jwks.stop(0);
        }
    }

    @Test
    default void registrationsThatWouldHandOverAPrivateOrSharedKeyAreRefused() throws Exception {
        Client admin = newAdmin().http();
        String state = storedState();
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        List<Map<String, Object>> refused = List.of(
                Map.of("jwks", new JWKSet(key).toJSONObject(false)),                                       // private part included
                Map.of("jwks", Map.of("keys", List.of(Map.of("kty", "oct", "k", "c2VjcmV0c2VjcmV0c2VjcmV0")))), // a shared secret
                Map.of("jwks", Map.of("keys", List.of())),                                                 // no key
                Map.of("jwks", Map.of("nokeys", 1)),                                                       // not a JWK Set
                Map.of(),                                                                                  // neither
                Map.of("jwks", new JWKSet(key.toPublicJWK()).toJSONObject(true), "jwksUri", "https://rp.example/jwks"), // both
                Map.of("jwksUri", "http://rp.example/jwks"),                                               // plain http, not loopback
                Map.of("jwksUri", "not a uri at all"));
        for (Map<String, Object> keys : refused) {
            Map<String, Object> registration = new java.util.HashMap<>(Map.of("name", "Bad " + System.nanoTime(),
                    "redirectUris", List.of("https://rp.example/cb"), "tokenEndpointAuthMethod", "private_key_jwt"));
            registration.putAll(keys);
            assertProblem(admin.post("/api/clients", registration), 400, "request.invalid");
        }
        assertProblem(admin.post("/api/clients", Map.of("name", "Bad", "redirectUris", List.of("https://rp.example/cb"),
                "tokenEndpointAuthMethod", "client_secret_jwt")), 400, "request.invalid");
        assertProblem(admin.post("/api/clients", Map.of("name", "Bad", "type", "public", "redirectUris", List.of("http://127.0.0.1/cb"),
                "tokenEndpointAuthMethod", "private_key_jwt", "jwksUri", "https://rp.example/jwks")), 400, "request.invalid");
        assertProblem(admin.post("/api/clients", Map.of("name", "Bad", "redirectUris", List.of("https://rp.example/cb"),
                "jwksUri", "https://rp.example/jwks")), 400, "request.invalid");
        assertThat(storedState()).isEqualTo(state);
        assertThat(URI.create(baseUrl())).isNotNull();
    }
}
