package dev.glasskey.oidc;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.PushedAuthorizationRequest;
import com.nimbusds.oauth2.sdk.PushedAuthorizationResponse;
import com.nimbusds.oauth2.sdk.PushedAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.RelyingParty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pushed authorization requests (RFC 9126, issue 20 item 5), with the Nimbus SDK as the client:
 * a full code flow through PAR with PKCE; the {@code request_uri} used once, expiring, bound to
 * the client that pushed it; the PAR endpoint's refusals (client authentication, the same request
 * checks as the authorization endpoint) as JSON with nothing stored; every refusal audited.
 */
public interface OidcParContract extends OidcFixtures {

    default long storedAuthorizations() {
        return jdbc().sql("select count(*) from oauth2_authorization").query(Long.class).single();
    }

    default long storedFor(RelyingParty rp) {
        return jdbc().sql("select count(*) from oauth2_authorization a join oauth2_registered_client c on c.id = a.registered_client_id"
                + " where c.client_id = :id").param("id", rp.clientId.getValue()).query(Long.class).single();
    }

    default HTTPResponse push(RelyingParty rp, ClientAuthentication auth, AuthorizationRequest request) {
        try {
            return new PushedAuthorizationRequest(rp.metadata.getPushedAuthorizationRequestEndpointURI(), auth, request)
                    .toHTTPRequest().send();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    default PushedAuthorizationSuccessResponse pushed(RelyingParty rp, RelyingParty.Attempt attempt) {
        HTTPResponse http = push(rp, rp.auth(), attempt.request());
        try {
            PushedAuthorizationResponse response = PushedAuthorizationResponse.parse(http);
            assertThat(response.indicatesSuccess()).as(http.getBody()).isTrue();
            return response.toSuccessResponse();
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            throw new IllegalStateException(http.getStatusCode() + " " + http.getBody(), e);
        }
    }

    /** The authorization request that refers to a pushed one: client_id and request_uri only (RFC 9126 §4). */
    default String byReference(RelyingParty rp, ClientID clientId, URI requestUri) {
        return new AuthorizationRequest.Builder(requestUri, clientId).endpointURI(rp.metadata.getAuthorizationEndpointURI())
                .build().toURI().toString();
    }

    default void assertAnsweredHere(Client.Redirect r, String error) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.location()).isNull();
        assertThat(r.body()).contains("\"error\":\"" + error + "\"").doesNotContain("<html", "Whitelabel");
    }

    default void assertPushRefused(HTTPResponse r, int status, String error) {
        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(status);
        assertThat(r.getHeaderValue("Content-Type")).startsWith("application/json");
        try {
            assertThat(ErrorObject.parse(r).getCode()).as(r.getBody()).isEqualTo(error);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    default void aCodeFlowThroughParWithPkceSucceedsAndTheRequestUriIsUsedOnce() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, false);
        long stored = storedAuthorizations();
        RelyingParty.Attempt attempt = rp.attempt();
        PushedAuthorizationSuccessResponse pushed = pushed(rp, attempt);
        assertThat(pushed.getRequestURI().toString()).startsWith("urn:ietf:params:oauth:request_uri:");
        assertThat(pushed.getLifetime()).isBetween(1L, 600L);
        assertThat(storedAuthorizations()).isEqualTo(stored + 1);

        // Not signed in: to the sign-in page first, the reference kept for the way back.
        Client.Redirect toSignIn = client().navigate(byReference(rp, rp.clientId, pushed.getRequestURI()));
        assertThat(toSignIn.location()).as(toSignIn.toString()).contains("/sign-in?next=");

        long audit = auditHead();
        Client.Redirect r = p.browser().navigate(byReference(rp, rp.clientId, pushed.getRequestURI()));
        assertThat(r.status()).as(r.toString()).isEqualTo(302);
        assertThat(OidcConformanceContract.responseParams(r.location())).containsEntry("iss", baseUrl());
        OIDCTokens tokens = RelyingParty.success(attempt.exchange(attempt.code(r.location()))).getOIDCTokens();
        assertThat(attempt.validate(tokens.getIDToken()).getSubject().getValue()).isEqualTo(p.accountId());
        assertThat(auditCount(audit, "oidc.authorize", "success")).isEqualTo(1);
        // The pushed request is gone; the code's authorization stays.
        assertThat(storedAuthorizations()).isEqualTo(stored + 1);

        // RFC 9126 §7.3: used once.
        long before = storedAuthorizations();
        assertAnsweredHere(p.browser().navigate(byReference(rp, rp.clientId, pushed.getRequestURI())), "invalid_request_uri");
        assertThat(storedAuthorizations()).isEqualTo(before);
        assertThat(auditSince(audit)).filteredOn(e -> e.action().equals("oidc.refused")).extracting(AuditRow::reason)
                .contains("invalid_request_uri");
    }

    @Test
    default void anExpiredRequestUriIsRefusedAndForgotten() {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, false);
        long stored = storedAuthorizations();
        // The test clock stands still (set to the real time by realTime()); the reference's expiry is
        // set by Spring Authorization Server from the real time a moment later: step well past it.
        PushedAuthorizationSuccessResponse pushed = pushed(rp, rp.attempt());
        assertThat(pushed.getLifetime()).isBetween(1L, 600L);
        clock().advance(Duration.ofSeconds(pushed.getLifetime() + 60));
        assertAnsweredHere(p.browser().navigate(byReference(rp, rp.clientId, pushed.getRequestURI())), "invalid_request_uri");
        assertThat(storedAuthorizations()).isEqualTo(stored);

        // One pushed and never used is purged with the expired authorizations (the store would otherwise only grow).
        // (Counted for this client only: the purge also removes other tests' expired authorizations.)
        clock().reset();
        pushed(rp, rp.attempt());
        PushedAuthorizationSuccessResponse live = pushed(rp, rp.attempt());
        assertThat(storedFor(rp)).isEqualTo(2);
        bean(ClientStore.class).purgeExpired(java.time.Instant.now().plusSeconds(live.getLifetime() / 2));
        assertThat(storedFor(rp)).isEqualTo(2);
        bean(ClientStore.class).purgeExpired(java.time.Instant.now().plusSeconds(live.getLifetime() + 60));
        assertThat(storedFor(rp)).isZero();
    }

    @Test
    default void aRequestUriWorksOnlyForTheClientThatPushedIt() {
        Client admin = newAdmin().http();
        RelyingParty owner = confidentialClient(admin, "ES256");
        RelyingParty other = confidentialClient(admin, "ES256");
        Person p = person(admin, false);
        RelyingParty.Attempt attempt = owner.attempt();
        PushedAuthorizationSuccessResponse pushed = pushed(owner, attempt);
        long stored = storedAuthorizations();
        long audit = auditHead();
        assertAnsweredHere(p.browser().navigate(byReference(owner, other.clientId, pushed.getRequestURI())), "invalid_request_uri");
        assertAnsweredHere(p.browser().navigate(byReference(owner, new ClientID("nobody-registered"), pushed.getRequestURI())),
                "invalid_request_uri");
        // client_id is required with it (RFC 9126 §4).
        assertAnsweredHere(p.browser().navigate(owner.metadata.getAuthorizationEndpointURI() + "?request_uri="
                + java.net.URLEncoder.encode(pushed.getRequestURI().toString(), java.nio.charset.StandardCharsets.UTF_8)), "invalid_request");
        // Made up, malformed, or not from PAR at all.
        for (String made : List.of("urn:ietf:params:oauth:request_uri:abc", "urn:ietf:params:oauth:request_uri:abc___x",
                "urn:ietf:params:oauth:request_uri:abc___99999999999999", "urn:ietf:params:oauth:request_uri:___1")) {
            assertAnsweredHere(p.browser().navigate(byReference(owner, owner.clientId, URI.create(made))), "invalid_request_uri");
        }
        assertAnsweredHere(p.browser().navigate(byReference(owner, owner.clientId, URI.create("https://rp.example/request.jwt"))),
                "request_uri_not_supported");
        assertThat(storedAuthorizations()).isEqualTo(stored);
        assertThat(auditSince(audit)).filteredOn(e -> e.action().equals("oidc.refused")).hasSizeGreaterThanOrEqualTo(3);
        // The refusals did not use it up for its owner.
        Client.Redirect r = p.browser().navigate(byReference(owner, owner.clientId, pushed.getRequestURI()));
        assertThat(RelyingParty.success(attempt.exchange(attempt.code(r.location()))).getOIDCTokens().getIDToken()).isNotNull();
    }

    @Test
    default void aClientThatMustPushHasItsPlainRequestsRefused() {
        Client admin = newAdmin().http();
        RelyingParty rp = RelyingParty.register(admin, baseUrl(), Map.of("name", "PAR only " + System.nanoTime(),
                "redirectUris", List.of("https://rp.example/callback/" + System.nanoTime()),
                "grantTypes", List.of("authorization_code"), "requirePushedAuthorizationRequests", true));
        assertThat(admin.get("/api/clients/" + rp.clientId.getValue()).json().path("requirePushedAuthorizationRequests").asBoolean())
                .isTrue();
        Person p = person(admin, false);
        long stored = storedAuthorizations();
        long audit = auditHead();
        for (Client browser : List.of(p.browser(), client())) {
            RelyingParty.Attempt plain = rp.attempt();
            Client.Redirect r = browser.navigate(plain.uri().toString());
            assertThat(r.status()).as(r.toString()).isEqualTo(302);
            assertThat(plain.error(r.location()).getCode()).isEqualTo("invalid_request");
            assertThat(OidcConformanceContract.responseParams(r.location())).containsEntry("iss", baseUrl());
        }
        assertThat(storedAuthorizations()).isEqualTo(stored);
        assertThat(auditCount(audit, "oidc.authorize", "success")).isZero();
        assertThat(auditSince(audit)).filteredOn(e -> e.action().equals("oidc.refused")).extracting(AuditRow::reason)
                .containsOnly("invalid_request").hasSize(2);
        // Pushed, it works.
        RelyingParty.Attempt attempt = rp.attempt();
        Client.Redirect r = p.browser().navigate(byReference(rp, rp.clientId, pushed(rp, attempt).getRequestURI()));
        assertThat(RelyingParty.success(attempt.exchange(attempt.code(r.location()))).getOIDCTokens().getIDToken()).isNotNull();
        // Clients that cannot push are not registered with it; other clients are not bound by it.
        Client.Response publicOne = admin.post("/api/clients", Map.of("name", "Native", "type", "public",
                "redirectUris", List.of("http://127.0.0.1/cb"), "grantTypes", List.of("authorization_code"),
                "requirePushedAuthorizationRequests", true));
        assertThat(publicOne.status()).as(publicOne.toString()).isEqualTo(400);
        RelyingParty free = confidentialClient(admin, "ES256");
        assertThat(admin.get("/api/clients/" + free.clientId.getValue()).json().path("requirePushedAuthorizationRequests").asBoolean())
                .isFalse();
        RelyingParty.Attempt plain = free.attempt();
        plain.code(p.browser().navigate(plain.uri().toString()).location());
    }

    @Test
    default void parWithBadClientAuthenticationIsInvalidClient() {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        long stored = storedAuthorizations();
        long audit = auditHead();
        AuthenticationRequest request = rp.attempt().request();
        HTTPResponse wrongSecret = push(rp, new ClientSecretBasic(rp.clientId, new Secret("not-the-secret-at-all-0123456789")), request);
        assertPushRefused(wrongSecret, 401, "invalid_client");
        assertThat(wrongSecret.getHeaderValue("WWW-Authenticate")).startsWith("Basic");
        assertPushRefused(push(rp, new ClientSecretBasic(new ClientID("nobody-registered"), new Secret("x".repeat(32))), request),
                401, "invalid_client");
        // No client authentication at all.
        HTTPResponse none = OidcConformanceContract.form(rp.metadata.getPushedAuthorizationRequestEndpointURI(), null,
                "response_type", "code", "client_id", rp.clientId.getValue(), "redirect_uri", rp.callback.toString(), "scope", "openid");
        assertThat(none.getStatusCode()).as(none.getBody()).isEqualTo(401);
        assertThat(none.getBody()).contains("invalid_client");
        assertThat(storedAuthorizations()).isEqualTo(stored);
        assertThat(auditSince(audit)).filteredOn(e -> e.action().equals("oidc.refused")).extracting(AuditRow::reason)
                .contains("invalid_client");
    }

    @Test
    default void pushedRequestsPassTheSameChecksAsPlainOnesAndRefusalsStoreNothing() {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        long stored = storedAuthorizations();
        long audit = auditHead();
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString((rp.clientId.getValue() + ":" + rp.secret.getValue())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String challenge = com.nimbusds.oauth2.sdk.pkce.CodeChallenge.compute(com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod.S256,
                new com.nimbusds.oauth2.sdk.pkce.CodeVerifier()).getValue();
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("redirect_uri=https://evil.example/cb", "invalid_request");
        cases.put("redirect_uri=" + rp.callback + "/more", "invalid_request");
        cases.put("response_type=token", "unsupported_response_type");
        cases.put("response_type=code id_token", "unsupported_response_type");
        cases.put("prompt=consent", "invalid_request");
        cases.put("response_mode=fragment", "invalid_request");
        cases.put("request=eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.", "request_not_supported");
        cases.put("request_uri=urn:ietf:params:oauth:request_uri:abc___1", "invalid_request");
        cases.put("scope=openid admin", "invalid_scope");
        cases.put("max_age=-1", "invalid_request");
        for (var c : cases.entrySet()) {
            Map<String, String> params = new java.util.LinkedHashMap<>(Map.of("response_type", "code", "client_id", rp.clientId.getValue(),
                    "redirect_uri", rp.callback.toString(), "scope", "openid", "state", "s1", "code_challenge", challenge,
                    "code_challenge_method", "S256"));
            int eq = c.getKey().indexOf('=');
            params.put(c.getKey().substring(0, eq), c.getKey().substring(eq + 1));
            List<String> nameValues = new java.util.ArrayList<>();
            params.forEach((k, v) -> {
                nameValues.add(k);
                nameValues.add(v);
            });
            HTTPResponse r = OidcConformanceContract.form(rp.metadata.getPushedAuthorizationRequestEndpointURI(), basic,
                    nameValues.toArray(String[]::new));
            assertThat(r.getStatusCode()).as(c.getKey() + ": " + r.getBody()).isEqualTo(400);
            assertThat(r.getHeaderValue("Location")).as(c.getKey()).isNull();
            assertThat(r.getBody()).as(c.getKey()).contains("\"error\":\"" + c.getValue() + "\"").doesNotContain("<html");
        }
        assertThat(storedAuthorizations()).isEqualTo(stored);
        assertThat(auditSince(audit)).filteredOn(e -> e.action().equals("oidc.refused")).hasSizeGreaterThanOrEqualTo(cases.size());
    }
}
