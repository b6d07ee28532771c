package dev.glasskey.oidc;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.nimbusds.common.contenttype.ContentType;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretJWT;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;

import net.minidev.json.JSONObject;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.RelyingParty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Protocol details that certified relying-party libraries check (issue 20, "conformance
 * defects"), each with several hostile or unusual requests: RFC 9207 {@code iss} on every
 * authorization response; errors redirected to the relying party (with {@code state}) exactly
 * when its redirect URI is registered, answered here as JSON otherwise, never as an HTML page;
 * token endpoint errors with their RFC 6749 §5.2 status, body and {@code WWW-Authenticate};
 * UserInfo refusals as RFC 6750 §3 has them; the discovery documents compared with what the
 * server does; the JWK Set's media type. Every refused authorization request leaves the stored
 * authorizations as they were.
 */
public interface OidcConformanceContract extends OidcFixtures {

    // --- helpers -------------------------------------------------------------------------------

    /** The members of a redirect's query, or of its fragment when it has one, decoded. */
    static Map<String, String> responseParams(String location) {
        URI uri = URI.create(location);
        String raw = uri.getRawFragment() != null ? uri.getRawFragment() : uri.getRawQuery();
        Map<String, String> out = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** A form POST to the token endpoint (or any), with an optional Authorization header. */
    static HTTPResponse form(URI endpoint, String authorization, String... nameValues) {
        try {
            HTTPRequest request = new HTTPRequest(HTTPRequest.Method.POST, endpoint);
            request.setEntityContentType(ContentType.APPLICATION_URLENCODED);
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < nameValues.length; i += 2) {
                body.append(body.isEmpty() ? "" : "&").append(URLEncoder.encode(nameValues[i], StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(nameValues[i + 1], StandardCharsets.UTF_8));
            }
            request.setBody(body.toString());
            if (authorization != null) {
                request.setAuthorization(authorization);
            }
            return request.send();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String basic(String clientId, String secret) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(secret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    }

    static JSONObject json(HTTPResponse response) {
        try {
            return response.getBodyAsJSONObject();
        } catch (Exception e) {
            throw new IllegalStateException(response.getStatusCode() + " " + response.getBody(), e);
        }
    }

    /** A raw GET with headers, answering status, headers and body (java.net.http, no redirects followed). */
    static HttpResponse<String> get(URI uri, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    default RelyingParty publicClient(Client admin, String redirectUri, List<String> grants) {
        return RelyingParty.register(admin, baseUrl(), Map.of("name", "Native " + System.nanoTime(), "type", "public",
                "redirectUris", List.of(redirectUri), "grantTypes", grants));
    }

    /** An authorization request for {@code rp} with the given parameters replacing or adding to a valid code request. */
    default String authorizationRequest(RelyingParty rp, String... nameValues) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", rp.clientId.getValue());
        params.put("redirect_uri", rp.callback.toString());
        params.put("scope", "openid profile");
        params.put("state", "st-" + System.nanoTime());
        params.put("code_challenge", new CodeChallengeHolder().challenge);
        params.put("code_challenge_method", "S256");
        for (int i = 0; i < nameValues.length; i += 2) {
            if (nameValues[i + 1] == null) {
                params.remove(nameValues[i]);
            } else {
                params.put(nameValues[i], nameValues[i + 1]);
            }
        }
        StringBuilder q = new StringBuilder();
        params.forEach((k, v) -> q.append(q.isEmpty() ? "?" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return rp.metadata.getAuthorizationEndpointURI() + q.toString();
    }

    /** A PKCE pair for hand-made requests. */
    final class CodeChallengeHolder {
        final CodeVerifier verifier = new CodeVerifier();
        final String challenge = CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue();
    }

    default long storedAuthorizations() {
        return jdbc().sql("select count(*) from oauth2_authorization").query(Long.class).single();
    }

    /** An error redirect to the registered callback: the error, the state sent, the issuer (RFC 9207). */
    default Map<String, String> assertRedirectedError(Client.Redirect r, RelyingParty rp, String state, String error, boolean fragment) {
        assertThat(r.status()).as(r.toString()).isEqualTo(302);
        assertThat(r.location()).startsWith(rp.callback.toString());
        URI location = URI.create(r.location());
        assertThat(location.getRawFragment() != null).as("error in the fragment: " + r.location()).isEqualTo(fragment);
        Map<String, String> params = responseParams(r.location());
        assertThat(params).containsEntry("error", error).containsEntry("state", state).containsEntry("iss", baseUrl());
        assertThat(params).doesNotContainKey("code");
        return params;
    }

    /** An error answered here: 400 JSON, no Location, no HTML. */
    default void assertAnsweredHere(Client.Redirect r, String error) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.location()).isNull();
        assertThat(r.body()).contains("\"error\":\"" + error + "\"").doesNotContain("<html", "Whitelabel");
    }

    // --- RFC 9207 -----------------------------------------------------------------------------

    @Test
    default void everyAuthorizationResponseCarriesTheIssuer() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, false);
        assertThat(RelyingParty.discover(baseUrl()).toJSONObject().get("authorization_response_iss_parameter_supported")).isEqualTo(true);

        // Success: the code, the state and the issuer; Nimbus reads iss as RFC 9207 defines it.
        RelyingParty.Attempt attempt = rp.attempt();
        Client.Redirect ok = p.browser().navigate(attempt.uri().toString());
        AuthenticationResponse success = AuthenticationResponseParser.parse(URI.create(ok.location()));
        assertThat(success.indicatesSuccess()).isTrue();
        assertThat(success.getIssuer()).isEqualTo(new Issuer(baseUrl()));
        assertThat(success.getState()).isEqualTo(attempt.state);
        assertThat(RelyingParty.success(attempt.exchange(success.toSuccessResponse().getAuthorizationCode()))).isNotNull();

        // Errors from each place that refuses: not signed in with prompt=none, the request checks, the policy, the converter.
        RelyingParty.Attempt none = rp.attempt().prompt("none");
        assertThat(AuthenticationResponseParser.parse(URI.create(client().navigate(none.uri().toString()).location())).getIssuer())
                .isEqualTo(new Issuer(baseUrl()));
        RelyingParty.Attempt unmet = rp.attempt().acr("urn:example:password");
        assertThat(responseParams(p.browser().navigate(unmet.uri().toString()).location()))
                .containsEntry("error", "unmet_authentication_requirements").containsEntry("iss", baseUrl());
        assertRedirectedError(client().navigate(authorizationRequest(rp, "state", "s1", "response_mode", "fragment")), rp, "s1",
                "invalid_request", false);
        assertRedirectedError(p.browser().navigate(authorizationRequest(rp, "state", "s2", "response_type", "token")), rp, "s2",
                "unsupported_response_type", true);
    }

    // --- authorization endpoint refusals --------------------------------------------------------

    @Test
    default void unsupportedResponseTypesAreRedirectedWithStateAndNothingIsStored() {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, false);
        long stored = storedAuthorizations();
        long audit = auditHead();
        // The implicit and hybrid types: errors in the fragment, their default response mode.
        for (String type : List.of("token", "id_token", "id_token token", "code id_token", "code token", "code id_token token")) {
            for (Client browser : List.of(p.browser(), client())) {
                String state = "t" + System.nanoTime();
                assertRedirectedError(browser.navigate(authorizationRequest(rp, "response_type", type, "state", state)), rp, state,
                        "unsupported_response_type", true);
            }
        }
        // Other unknown types: in the query; a missing or repeated response_type is invalid_request.
        assertRedirectedError(client().navigate(authorizationRequest(rp, "response_type", "device", "state", "u1")), rp, "u1",
                "unsupported_response_type", false);
        assertRedirectedError(client().navigate(authorizationRequest(rp, "response_type", null, "state", "u2")), rp, "u2",
                "invalid_request", false);
        assertRedirectedError(client().navigate(authorizationRequest(rp, "state", "u3") + "&response_type=code"), rp, "u3",
                "invalid_request", false);
        // Where the redirect URI is not known good, the answer stays here: unregistered URI, unknown client, no client.
        assertAnsweredHere(client().navigate(authorizationRequest(rp, "response_type", "token", "redirect_uri", "https://evil.example/cb")),
                "unsupported_response_type");
        assertAnsweredHere(client().navigate(authorizationRequest(rp, "response_type", "token", "client_id", "nobody-" + System.nanoTime())),
                "unsupported_response_type");
        assertAnsweredHere(client().navigate(authorizationRequest(rp, "response_type", "id_token", "client_id", null)),
                "unsupported_response_type");
        assertAnsweredHere(client().navigate(authorizationRequest(rp, "response_type", "token") + "&redirect_uri=" + URLEncoder.encode(
                rp.callback.toString(), StandardCharsets.UTF_8)), "unsupported_response_type");
        assertThat(storedAuthorizations()).isEqualTo(stored);
        assertThat(auditCount(audit, "oidc.authorize", "success")).isZero();
        assertThat(auditSince(audit)).filteredOn(e -> e.action().equals("oidc.refused")).extracting(AuditRow::reason)
                .contains("unsupported_response_type", "invalid_request");
    }

    @Test
    default void requestObjectsAndRequestsByReferenceAreRefusedWithoutAnHtmlPage() {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, false);
        long stored = storedAuthorizations();
        for (Client browser : List.of(p.browser(), client())) {
            assertRedirectedError(browser.navigate(authorizationRequest(rp, "state", "r1", "request_uri",
                    "urn:ietf:params:oauth:request_uri:abc")), rp, "r1", "invalid_request_uri", false);
            assertRedirectedError(browser.navigate(authorizationRequest(rp, "state", "r2", "request_uri",
                    "https://rp.example/request.jwt")), rp, "r2", "request_uri_not_supported", false);
            assertRedirectedError(browser.navigate(authorizationRequest(rp, "state", "r3", "request",
                    "eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.")), rp, "r3", "request_not_supported", false);
            // A request by reference alone (no redirect_uri): nothing known good to redirect to.
            assertAnsweredHere(browser.navigate(rp.metadata.getAuthorizationEndpointURI() + "?client_id=" + rp.clientId.getValue()
                    + "&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc"), "invalid_request_uri");
            // Only what the PAR endpoint issued is taken by reference (OidcParContract); a URL is never fetched.
            assertAnsweredHere(browser.navigate(rp.metadata.getAuthorizationEndpointURI() + "?client_id=" + rp.clientId.getValue()
                    + "&request_uri=https%3A%2F%2Frp.example%2Frequest.jwt"), "request_uri_not_supported");
        }
        assertThat(storedAuthorizations()).isEqualTo(stored);
    }

    @Test
    default void promptValuesAndResponseModesGlasskeyDoesNotImplementAreInvalidRequest() {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, false);
        long stored = storedAuthorizations();
        List<String[]> refused = List.of(
                new String[] {"prompt", "consent"}, new String[] {"prompt", "select_account"}, new String[] {"prompt", "create"},
                new String[] {"prompt", "banana"}, new String[] {"prompt", "none login"},
                new String[] {"max_age", "soon"}, new String[] {"max_age", "-1"}, new String[] {"max_age", "99999999999999999999"},
                new String[] {"response_mode", "fragment"}, new String[] {"response_mode", "form_post"},
                new String[] {"response_mode", "query.jwt"});
        for (String[] param : refused) {
            for (Client browser : List.of(p.browser(), client())) {
                String state = "p" + System.nanoTime();
                Map<String, String> error = assertRedirectedError(browser.navigate(authorizationRequest(rp, param[0], param[1], "state", state)),
                        rp, state, "invalid_request", false);
                assertThat(error.get("error_description")).as(String.join("=", param)).isNotBlank();
            }
        }
        assertThat(storedAuthorizations()).isEqualTo(stored);
        // What is implemented still works: prompt=login (fresh sign-in asked), response_mode=query.
        assertThat(p.browser().navigate(authorizationRequest(rp, "prompt", "login")).location()).contains("/sign-in?next=");
        assertThat(responseParams(p.browser().navigate(authorizationRequest(rp, "response_mode", "query")).location())).containsKey("code");
    }

    // --- token endpoint errors (RFC 6749 §5.2) ------------------------------------------------------

    @Test
    default void aPublicClientsCodeExchangeWithoutVerifierIsInvalidGrantJson() {
        Client admin = newAdmin().http();
        RelyingParty rp = publicClient(admin, "http://127.0.0.1:7/cb", List.of("authorization_code"));
        Person p = person(admin, false);
        URI token = rp.metadata.getTokenEndpointURI();
        for (int i = 0; i < 3; i++) {
            RelyingParty.Attempt attempt = rp.attempt();
            String code = authorize(p, attempt).getValue();
            String[] request = switch (i) {
                case 0 -> new String[] {"grant_type", "authorization_code", "code", code, "redirect_uri", rp.callback.toString(),
                        "client_id", rp.clientId.getValue()};
                case 1 -> new String[] {"grant_type", "authorization_code", "code", code, "redirect_uri", rp.callback.toString(),
                        "client_id", rp.clientId.getValue(), "code_verifier", ""};
                default -> new String[] {"grant_type", "authorization_code", "code", code, "client_id", rp.clientId.getValue()};
            };
            HTTPResponse r = form(token, null, request);
            assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(400);
            assertThat(r.getEntityContentType().matches(ContentType.APPLICATION_JSON)).as(r.getEntityContentType().toString()).isTrue();
            assertThat(json(r).get("error")).isEqualTo("invalid_grant");
        }
        // An unknown public client id: invalid_client, 401.
        HTTPResponse unknown = form(token, null, "grant_type", "authorization_code", "code", "x", "client_id", "nobody-" + System.nanoTime());
        assertThat(unknown.getStatusCode()).isEqualTo(401);
        assertThat(json(unknown).get("error")).isEqualTo("invalid_client");
    }

    @Test
    default void invalidClientIs401AndOverBasicCarriesTheChallenge() {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        URI token = rp.metadata.getTokenEndpointURI();
        long audit = auditHead();
        for (String authorization : List.of(basic(rp.clientId.getValue(), "wrong"), basic("nobody-" + System.nanoTime(), "x"),
                basic(rp.clientId.getValue(), ""), "Basic !!!not-base64!!!", "Basic " + java.util.Base64.getEncoder()
                        .encodeToString("no-colon".getBytes(StandardCharsets.UTF_8)))) {
            HTTPResponse r = form(token, authorization, "grant_type", "client_credentials");
            assertThat(r.getStatusCode()).as(authorization + " " + r.getBody()).isIn(400, 401);
            if (r.getStatusCode() == 401) {
                assertThat(json(r).get("error")).isEqualTo("invalid_client");
                assertThat(r.getHeaderValue("WWW-Authenticate")).as(authorization).startsWith("Basic realm=");
            } else {
                assertThat(json(r).get("error")).isEqualTo("invalid_request");
            }
        }
        // No credentials at all: invalid_client JSON with the challenge, not an empty 401.
        for (URI endpoint : List.of(token, rp.metadata.getRevocationEndpointURI(), rp.metadata.getIntrospectionEndpointURI())) {
            HTTPResponse none = form(endpoint, null, "grant_type", "client_credentials", "token", "x");
            assertThat(none.getStatusCode()).as(endpoint.toString()).isEqualTo(401);
            assertThat(json(none).get("error")).isEqualTo("invalid_client");
            assertThat(none.getHeaderValue("WWW-Authenticate")).startsWith("Basic realm=");
        }
        // client_secret_post with a wrong secret: 401 invalid_client (no header: the client did not use one).
        TokenResponse post = rp.token(new ClientCredentialsGrant(), new ClientSecretPost(rp.clientId, new com.nimbusds.oauth2.sdk.auth.Secret("wrong")));
        assertThat(RelyingParty.error(post).getCode()).isEqualTo("invalid_client");
        assertThat(RelyingParty.error(post).getHTTPStatusCode()).isEqualTo(401);
        assertThat(auditSince(audit)).filteredOn(e -> e.action().equals("oidc.refused")).extracting(AuditRow::reason)
                .contains("invalid_client");
    }

    @Test
    default void grantTypesGlasskeyDoesNotOfferAreUnsupportedGrantType() {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        String auth = basic(rp.clientId.getValue(), rp.secret.getValue());
        URI token = rp.metadata.getTokenEndpointURI();
        for (String grant : List.of("urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:token-exchange",
                "urn:ietf:params:oauth:grant-type:jwt-bearer", "urn:ietf:params:oauth:grant-type:saml2-bearer", "password", "implicit",
                "urn:example:bogus")) {
            HTTPResponse r = form(token, auth, "grant_type", grant, "device_code", "abc", "subject_token", "abc",
                    "subject_token_type", "urn:ietf:params:oauth:token-type:access_token", "username", "u", "password", "p", "assertion", "a");
            assertThat(r.getStatusCode()).as(grant + " " + r.getBody()).isEqualTo(400);
            assertThat(json(r).get("error")).as(grant).isEqualTo("unsupported_grant_type");
        }
        HTTPResponse missing = form(token, auth, "scope", "openid");
        assertThat(missing.getStatusCode()).isEqualTo(400);
        assertThat(json(missing).get("error")).isEqualTo("invalid_request");
    }

    // --- UserInfo (RFC 6750 §3) -----------------------------------------------------------------

    @Test
    default void userInfoRefusalsCarryTheBearerChallengeAndAMissingScopeIs403() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, false);
        URI userInfo = rp.metadata.getUserInfoEndpointURI();

        // No token, a malformed one, a forged one.
        for (String[] headers : List.of(new String[0], new String[] {"Authorization", "Bearer not.a.jwt"},
                new String[] {"Authorization", "Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA"})) {
            HttpResponse<String> r = get(userInfo, headers);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
        }

        // Revoked: invalid_token, 401, with the challenge.
        RelyingParty.Attempt attempt = rp.attempt();
        OIDCTokens t = RelyingParty.success(attempt.exchange(authorize(p, attempt))).getOIDCTokens();
        assertThat(rp.userInfo(t.getAccessToken()).indicatesSuccess()).isTrue();
        assertThat(rp.revoke(t.getAccessToken()).getStatusCode()).isEqualTo(200);
        assertBearerRefusal(get(userInfo, "Authorization", "Bearer " + t.getAccessToken().getValue()), 401, "invalid_token");

        // A disabled account's token: invalid_token, 401.
        Person q = person(admin, false);
        RelyingParty.Attempt other = rp.attempt();
        OIDCTokens u = RelyingParty.success(other.exchange(authorize(q, other))).getOIDCTokens();
        assertThat(admin.post("/api/accounts/" + q.accountId() + "/disable", "{}").status()).isEqualTo(200);
        assertBearerRefusal(get(userInfo, "Authorization", "Bearer " + u.getAccessToken().getValue()), 401, "invalid_token");

        // A token without the openid scope (a plain OAuth code flow): insufficient_scope, 403.
        CodeChallengeHolder pkce = new CodeChallengeHolder();
        Client.Redirect r = p.browser().navigate(authorizationRequest(rp, "scope", "profile", "state", "o1", "code_challenge", pkce.challenge));
        String code = responseParams(r.location()).get("code");
        assertThat(code).as(r.location()).isNotNull();
        TokenResponse plain = rp.token(new AuthorizationCodeGrant(new com.nimbusds.oauth2.sdk.AuthorizationCode(code), rp.callback, pkce.verifier));
        assertThat(plain.indicatesSuccess()).isTrue();
        AccessToken oauthOnly = plain.toSuccessResponse().getTokens().getAccessToken();
        HttpResponse<String> forbidden = get(userInfo, "Authorization", "Bearer " + oauthOnly.getValue());
        assertBearerRefusal(forbidden, 403, "insufficient_scope");
        assertThat(forbidden.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("scope=\"openid\"");
        // A client's own token (client credentials): no person, no openid scope.
        AccessToken clientToken = RelyingParty.success(rp.clientCredentials()).getTokens().getAccessToken();
        HttpResponse<String> clientOnly = get(userInfo, "Authorization", "Bearer " + clientToken.getValue());
        assertThat(clientOnly.statusCode()).isIn(401, 403);
        assertThat(clientOnly.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer error=");
        assertThat(new BearerAccessToken(clientToken.getValue())).isNotNull();
    }

    default void assertBearerRefusal(HttpResponse<String> r, int status, String error) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        String challenge = r.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertThat(challenge).startsWith("Bearer ").contains("error=\"" + error + "\"");
        assertThat(r.body()).contains("\"error\":\"" + error + "\"");
    }

    // --- the scopes' claims --------------------------------------------------------------------------

    /**
     * Issue 20 §1: {@code profile} gives {@code name} and {@code preferred_username}, {@code email} gives
     * {@code email} and {@code email_verified} (only for an account with an address; verified only when an
     * administrator asserted it), in the ID token and at UserInfo alike, as the account is at issue; no scope,
     * no claim; a scope the client was not registered for is {@code invalid_scope}.
     */
    @Test
    default void eachScopeGivesItsClaimsInTheIdTokenAndAtUserInfo() throws Exception {
        Client admin = newAdmin().http();
        Person p = person(admin, false, "auditor");
        String signInName = "Ada.L" + System.nanoTime();
        assertThat(admin.put("/api/accounts/" + p.accountId() + "/sign-in-name", Map.of("signInName", signInName)).status()).isEqualTo(200);
        assertThat(admin.put("/api/accounts/" + p.accountId() + "/email", Map.of("email", "ada@example.org", "verified", true)).status())
                .isEqualTo(200);
        String displayName = admin.get("/api/accounts/" + p.accountId()).json().path("displayName").asString();
        RelyingParty rp = RelyingParty.register(admin, baseUrl(), Map.of("name", "Claims RP " + System.nanoTime(),
                "redirectUris", List.of("https://rp.example/claims/" + System.nanoTime())));  // default scopes: openid profile email

        // openid profile email: all four, the same in the ID token and at UserInfo.
        RelyingParty.Attempt all = rp.attempt().scope("openid", "profile", "email");
        OIDCTokens tokens = RelyingParty.success(all.exchange(authorize(p, all))).getOIDCTokens();
        var id = all.validate(tokens.getIDToken());
        assertThat(id.getStringClaim("name")).isEqualTo(displayName);
        assertThat(id.getStringClaim("preferred_username")).isEqualTo(signInName);
        assertThat(id.getStringClaim("email")).isEqualTo("ada@example.org");
        assertThat(id.getClaim("email_verified")).isEqualTo(true);
        var info = rp.userInfo(tokens.getAccessToken()).toSuccessResponse().getUserInfo();
        assertThat(info.getName()).isEqualTo(displayName);
        assertThat(info.getPreferredUsername()).isEqualTo(signInName);
        assertThat(info.getEmailAddress()).isEqualTo("ada@example.org");
        assertThat(info.getEmailVerified()).isTrue();
        // The access token carries none of them (RFC 9068 §2.2.3.1 leaves it to the provider; UserInfo is where they are read).
        assertThat(com.nimbusds.jwt.SignedJWT.parse(tokens.getAccessToken().getValue()).getJWTClaimsSet().getClaims())
                .doesNotContainKeys("email", "email_verified", "preferred_username");

        // Read as the account is now: a changed address is unverified until asserted again, on refresh and at UserInfo.
        assertThat(admin.put("/api/accounts/" + p.accountId() + "/email", Map.of("email", "lovelace@example.org")).status()).isEqualTo(200);
        OIDCTokens refreshed = RelyingParty.success(rp.refresh(tokens.getRefreshToken())).getOIDCTokens();
        var again = com.nimbusds.jwt.SignedJWT.parse(refreshed.getIDToken().getParsedString()).getJWTClaimsSet();
        assertThat(again.getStringClaim("email")).isEqualTo("lovelace@example.org");
        assertThat(again.getClaim("email_verified")).isEqualTo(false);
        var later = rp.userInfo(refreshed.getAccessToken()).toSuccessResponse().getUserInfo();
        assertThat(later.getEmailAddress()).isEqualTo("lovelace@example.org");
        assertThat(later.getEmailVerified()).isFalse();

        // openid alone: none of the four.
        RelyingParty.Attempt bare = rp.attempt().scope("openid");
        OIDCTokens bareTokens = RelyingParty.success(bare.exchange(authorize(p, bare))).getOIDCTokens();
        assertThat(bare.validate(bareTokens.getIDToken()).toJWTClaimsSet().getClaims())
                .doesNotContainKeys("name", "preferred_username", "email", "email_verified");
        assertThat(rp.userInfo(bareTokens.getAccessToken()).toSuccessResponse().getUserInfo().toJSONObject())
                .doesNotContainKeys("name", "preferred_username", "email", "email_verified").containsKey("sub");

        // email for an account without an address: nothing, never an empty value (Core 1.0 §5.3.2).
        Person q = person(admin, true);
        RelyingParty.Attempt noMail = rp.attempt().scope("openid", "profile", "email");
        OIDCTokens qTokens = RelyingParty.success(noMail.exchange(authorize(q, noMail))).getOIDCTokens();
        var qId = noMail.validate(qTokens.getIDToken());
        assertThat(qId.toJWTClaimsSet().getClaims()).doesNotContainKeys("email", "email_verified");
        // An emergency account has no sign-in name: its preferred_username is its name.
        String qName = admin.get("/api/accounts/" + q.accountId()).json().path("displayName").asString();
        assertThat(qId.getStringClaim("preferred_username")).isEqualTo(qName);
        assertThat(rp.userInfo(qTokens.getAccessToken()).toSuccessResponse().getUserInfo().toJSONObject())
                .containsEntry("preferred_username", qName).doesNotContainKeys("email", "email_verified");

        // A client registered without email asking for it: invalid_scope, redirected with state (RFC 6749 §4.1.2.1).
        RelyingParty profileOnly = confidentialClient(admin, "ES256");
        Client.Redirect refused = p.browser().navigate(authorizationRequest(profileOnly, "scope", "openid email", "state", "no-mail"));
        assertRedirectedError(refused, profileOnly, "no-mail", "invalid_scope", false);
    }

    // --- discovery against behaviour ----------------------------------------------------------------

    @Test
    default void theDiscoveryDocumentsPromiseExactlyWhatWorks() throws Exception {
        Client admin = newAdmin().http();
        var metadata = RelyingParty.discover(baseUrl());
        // The documents as served (the SDK's model drops members it does not know or that hold their default).
        JSONObject doc = com.nimbusds.oauth2.sdk.util.JSONObjectUtils.parse(get(URI.create(baseUrl() + "/.well-known/openid-configuration")).body());
        HttpResponse<String> oauthDoc = get(URI.create(baseUrl() + "/.well-known/oauth-authorization-server"));
        assertThat(oauthDoc.statusCode()).isEqualTo(200);
        JSONObject oauth = com.nimbusds.oauth2.sdk.util.JSONObjectUtils.parse(oauthDoc.body());
        for (JSONObject d : List.of(doc, oauth)) {
            assertThat(strings(d, "token_endpoint_auth_methods_supported"))
                    .containsExactly("client_secret_basic", "client_secret_post", "private_key_jwt", "none");
            assertThat(strings(d, "revocation_endpoint_auth_methods_supported"))
                    .containsExactly("client_secret_basic", "client_secret_post", "private_key_jwt");
            assertThat(strings(d, "introspection_endpoint_auth_methods_supported"))
                    .containsExactly("client_secret_basic", "client_secret_post", "private_key_jwt");
            // private_key_jwt is exercised by OidcPrivateKeyJwtContract with these algorithms' keys.
            assertThat(strings(d, "token_endpoint_auth_signing_alg_values_supported")).containsExactly("ES256", "ES384", "RS256", "PS256");
            assertThat(strings(d, "grant_types_supported")).containsExactly("authorization_code", "refresh_token", "client_credentials");
            assertThat(strings(d, "response_types_supported")).containsExactly("code");
            assertThat(strings(d, "response_modes_supported")).containsExactly("query");
            // Each scope's claims: eachScopeGivesItsClaimsInTheIdTokenAndAtUserInfo.
            assertThat(strings(d, "scopes_supported")).containsExactly("openid", "profile", "email");
            assertThat(strings(d, "code_challenge_methods_supported")).containsExactly("S256");
            assertThat(d.get("authorization_response_iss_parameter_supported")).isEqualTo(true);
            assertThat(d).doesNotContainKeys("dpop_signing_alg_values_supported", "tls_client_certificate_bound_access_tokens",
                    "device_authorization_endpoint");
            // RFC 9126 §5: PAR is offered (OidcParContract pushes through it) and required only per client.
            assertThat(d.get("pushed_authorization_request_endpoint")).isEqualTo(baseUrl() + "/oauth2/par");
            assertThat(d.get("require_pushed_authorization_requests")).isEqualTo(false);
        }
        assertThat(doc.get("request_uri_parameter_supported")).isEqualTo(false);
        assertThat(doc.get("request_parameter_supported")).isEqualTo(false);
        assertThat(strings(doc, "prompt_values_supported")).containsExactly("none", "login");
        // Every claim a token or UserInfo carries (the scopes' claims: eachScopeGivesItsClaimsInTheIdTokenAndAtUserInfo), no other.
        assertThat(strings(doc, "claims_supported")).containsExactlyInAnyOrder("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce",
                "acr", "amr", "azp", "sid", "name", "preferred_username", "email", "email_verified", "roles", "groups", "emergency");
        // Back-Channel Logout 1.0 §2.1: logout tokens, always with sid (OidcBackchannelLogoutContract receives them).
        assertThat(doc.get("backchannel_logout_supported")).isEqualTo(true);
        assertThat(doc.get("backchannel_logout_session_supported")).isEqualTo(true);
        assertThat(doc).doesNotContainKeys("frontchannel_logout_supported", "frontchannel_logout_session_supported");

        // Each advertised client authentication method works: Basic, POST, none (a public client's code exchange);
        // private_key_jwt in OidcPrivateKeyJwtContract.
        RelyingParty rp = confidentialClient(admin, "ES256");
        assertThat(rp.clientCredentials().indicatesSuccess()).isTrue();
        assertThat(rp.token(new ClientCredentialsGrant(), new ClientSecretPost(rp.clientId, rp.secret)).indicatesSuccess()).isTrue();
        Person p = person(admin, false);
        RelyingParty pub = publicClient(admin, "http://127.0.0.1:8/cb", List.of("authorization_code", "refresh_token"));
        RelyingParty.Attempt publicAttempt = pub.attempt();
        OIDCTokens publicTokens = RelyingParty.success(publicAttempt.exchange(authorize(p, publicAttempt))).getOIDCTokens();
        // ... and each advertised grant: authorization_code (above), refresh_token, client_credentials (above).
        assertThat(pub.refresh(publicTokens.getRefreshToken()).indicatesSuccess()).isTrue();
        // One that is not advertised is refused: client_secret_jwt (secrets are stored hashed).
        TokenResponse jwt = rp.token(new ClientCredentialsGrant(), new ClientSecretJWT(rp.clientId, metadata.getTokenEndpointURI(),
                com.nimbusds.jose.JWSAlgorithm.HS256, new com.nimbusds.oauth2.sdk.auth.Secret(rp.secret.getValue() + rp.secret.getValue())));
        assertThat(RelyingParty.error(jwt).getCode()).isEqualTo("invalid_client");
        assertThat(RelyingParty.error(jwt).getHTTPStatusCode()).isEqualTo(401);
        // PKCE plain is not offered.
        Client.Redirect plain = p.browser().navigate(authorizationRequest(rp, "code_challenge_method", "plain", "state", "pl",
                "code_challenge", new CodeVerifier().getValue()));
        assertRedirectedError(plain, rp, "pl", "invalid_request", false);

        // The protected resource metadata a UserInfo challenge may point to answers (RFC 9728), it is not a 401.
        HttpResponse<String> challenge = get(metadata.getUserInfoEndpointURI());
        String header = challenge.headers().firstValue("WWW-Authenticate").orElseThrow();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("resource_metadata=\"([^\"]+)\"").matcher(header);
        URI resourceMetadata = m.find() ? URI.create(m.group(1)) : URI.create(baseUrl() + "/.well-known/oauth-protected-resource/userinfo");
        HttpResponse<String> rm = get(resourceMetadata);
        assertThat(rm.statusCode()).as(resourceMetadata + " " + rm.body()).isEqualTo(200);
        assertThat(rm.body()).contains(baseUrl());

        // The JWK Set: a JWK Set media type, not ISO-8859-1 text.
        HttpResponse<String> jwks = get(metadata.getJWKSetURI());
        assertThat(jwks.statusCode()).isEqualTo(200);
        String type = jwks.headers().firstValue("Content-Type").orElseThrow();
        assertThat(type).isIn("application/jwk-set+json", "application/json").doesNotContainIgnoringCase("ISO-8859-1");
        assertThat(com.nimbusds.jose.jwk.JWKSet.parse(jwks.body()).getKeys()).hasSizeGreaterThanOrEqualTo(2)
                .allMatch(k -> !k.isPrivate());
    }

    private static List<String> strings(JSONObject doc, String member) {
        Object value = doc.get(member);
        assertThat(value).as(member).isInstanceOf(List.class);
        List<String> out = new ArrayList<>();
        ((List<?>) value).forEach(v -> out.add(String.valueOf(v)));
        return out;
    }
}
