package dev.glasskey.oidc;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;

import dev.glasskey.testing.RelyingParty;
import dev.glasskey.testing.Client;
import dev.glasskey.testing.SoftwareAuthenticator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The OpenID Connect provider against an independent relying party (Nimbus OAuth 2.0 / OpenID
 * Connect SDK), over HTTP, with security-key sign-ins by the software authenticator: the code
 * flow with PKCE, ID-token validation against the JWK Set, refresh, UserInfo, revocation,
 * introspection, logout; each refusal with its precise OAuth error; authentication policy
 * (max_age, prompt, acr_values) and roles at the time of issue; the audit trail.
 */
public interface OidcContract extends OidcFixtures {

    // --- discovery and keys ------------------------------------------------------------------

    @Test
    default void discoveryAdvertisesBothAlgorithmsPkceAndAcrAndTheJwkSetPublishesBothKeys() throws Exception {
        var metadata = RelyingParty.discover(baseUrl());
        assertThat(metadata.getIssuer().getValue()).isEqualTo(baseUrl());
        assertThat(metadata.getIDTokenJWSAlgs()).extracting(Object::toString).contains("ES256", "RS256");
        assertThat(metadata.getCodeChallengeMethods()).extracting(Object::toString).containsExactly("S256");
        assertThat(metadata.getACRs()).extracting(Object::toString).containsExactly("phrh", "phr", "mfa");
        assertThat(metadata.getEndSessionEndpointURI()).isNotNull();
        var jwks = com.nimbusds.jose.jwk.JWKSet.load(metadata.getJWKSetURI().toURL());
        assertThat(jwks.getKeys()).extracting(k -> k.getKeyType().getValue()).contains("EC", "RSA");
        assertThat(jwks.getKeys()).allMatch(k -> !k.isPrivate());
    }

    // --- the happy path ----------------------------------------------------------------------

    @Test
    default void codeFlowWithPkceThenRefreshUserInfoRevocationAndLogout() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, false, "auditor");
        long audit = auditHead();

        RelyingParty.Attempt attempt = rp.attempt();
        OIDCTokenResponse tokens = RelyingParty.success(attempt.exchange(authorize(p, attempt)));
        OIDCTokens t = tokens.getOIDCTokens();
        IDTokenClaimsSet id = attempt.validate(t.getIDToken());
        assertThat(t.getIDToken().getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(id.getSubject().getValue()).isEqualTo(p.accountId());
        assertThat(id.getStringListClaim("amr")).containsExactly("hwk", "user", "mfa");
        assertThat(id.getACR().getValue()).isEqualTo("phr");
        assertThat(id.getAuthenticationTime()).isNotNull();
        assertThat(id.getBooleanClaim("emergency")).isFalse();
        assertThat(id.getStringListClaim("roles")).containsExactly("auditor");
        assertThat(t.getRefreshToken()).isNotNull();
        SignedJWT access = SignedJWT.parse(t.getAccessToken().getValue());
        assertThat(access.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(access.getJWTClaimsSet().getStringListClaim("roles")).containsExactly("auditor");

        UserInfoResponse info = rp.userInfo(t.getAccessToken());
        assertThat(info.indicatesSuccess()).isTrue();
        assertThat(info.toSuccessResponse().getUserInfo().getSubject().getValue()).isEqualTo(p.accountId());
        assertThat(rp.active(t.getAccessToken())).isTrue();
        var personal = rp.introspect(t.getAccessToken());
        assertThat(personal.getSubject().getValue()).isEqualTo(p.accountId());
        assertThat(personal.getScope().toStringList()).contains("openid");
        assertThat(personal.getExpirationTime()).isAfter(personal.getIssueTime());
        assertThat(personal.getStringParameter("acr")).isEqualTo("phr");
        assertThat(personal.toJSONObject().get("roles")).isEqualTo(java.util.List.of("auditor"));
        assertThat(personal.toJSONObject().get("emergency")).isEqualTo(false);
        assertThat(personal.toJSONObject()).containsKeys("auth_time", "amr", "jti");
        // auth_time as in the token: a NumericDate, seconds since the epoch (RFC 7519 §2, OpenID Connect Core §2).
        assertThat(personal.toJSONObject().get("auth_time")).isInstanceOf(Number.class);
        assertThat(((Number) personal.toJSONObject().get("auth_time")).longValue())
                .isEqualTo(id.getAuthenticationTime().getTime() / 1000);

        OIDCTokenResponse refreshed = RelyingParty.success(rp.refresh(t.getRefreshToken()));
        IDTokenClaimsSet refreshedId = rp.validator().validate(refreshed.getOIDCTokens().getIDToken(), null);
        assertThat(refreshedId.getAuthenticationTime()).isEqualTo(id.getAuthenticationTime());
        // Refresh tokens rotate: the used one is spent.
        assertThat(refreshed.getOIDCTokens().getRefreshToken()).isNotEqualTo(t.getRefreshToken());

        HTTPResponse revoked = rp.revoke(refreshed.getOIDCTokens().getRefreshToken());
        assertThat(revoked.getStatusCode()).isEqualTo(200);
        assertThat(RelyingParty.error(rp.refresh(refreshed.getOIDCTokens().getRefreshToken())).getCode()).isEqualTo("invalid_grant");

        // RP-initiated logout ends the session at Glasskey and returns to the registered URI.
        URI logout = rp.logout(refreshed.getOIDCTokens().getIDToken(), URI.create("https://rp.example/signed-out"), new State("bye"));
        Client.Redirect out = p.browser().navigate(logout.toString());
        assertThat(out.status()).as(out.toString()).isEqualTo(302);
        assertThat(out.location()).startsWith("https://rp.example/signed-out").contains("state=bye");
        assertThat(p.browser().get("/api/session").status()).isEqualTo(401);

        assertThat(auditCount(audit, "oidc.authorize", "success")).isEqualTo(1);
        assertThat(auditCount(audit, "oidc.token", "success")).isEqualTo(1);
        assertThat(auditCount(audit, "oidc.refresh", "success")).isEqualTo(1);
        assertThat(auditCount(audit, "oidc.revoke", "success")).isEqualTo(1);
        assertThat(auditCount(audit, "oidc.refused", "failure")).isEqualTo(1);
    }

    @Test
    default void unauthenticatedBrowserGoesToSignInAndComesBackToTheRequest() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "RS256");
        Person p = person(admin, false);
        Client fresh = client();
        RelyingParty.Attempt attempt = rp.attempt();
        Client.Redirect toSignIn = fresh.navigate(attempt.uri().toString());
        assertThat(toSignIn.status()).isEqualTo(302);
        assertThat(toSignIn.location()).contains("/sign-in?next=");
        String next = java.net.URLDecoder.decode(toSignIn.location().substring(toSignIn.location().indexOf("next=") + 5),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(next).startsWith("/oauth2/authorize?");
        // The sign-in page carries the way back, as a same-origin path only.
        assertThat(fresh.getHtml(URI.create(toSignIn.location()).getRawPath() + "?" + URI.create(toSignIn.location()).getRawQuery()).body())
                .contains("data-next=\"/oauth2/authorize?");
        assertThat(fresh.getHtml("/sign-in?next=https://evil.example/").body()).doesNotContain("data-next");
        assertThat(fresh.getHtml("/sign-in?next=//evil.example/").body()).doesNotContain("data-next");

        assertThat(signIn(fresh, p.key(), p.userHandle()).status()).isEqualTo(200);
        Client.Redirect back = fresh.navigate(next);
        OIDCTokenResponse tokens = RelyingParty.success(attempt.exchange(attempt.code(back.location())));
        assertThat(tokens.getOIDCTokens().getIDToken().getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        assertThat(attempt.validate(tokens.getOIDCTokens().getIDToken()).getSubject().getValue()).isEqualTo(p.accountId());
    }

    @Test
    default void clientCredentialsGrantIssuesAnEs256AccessTokenForTheClient() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        long audit = auditHead();
        var tokens = RelyingParty.success(rp.clientCredentials());
        SignedJWT access = SignedJWT.parse(tokens.getTokens().getAccessToken().getValue());
        assertThat(access.getJWTClaimsSet().getSubject()).isEqualTo(rp.clientId.getValue());
        assertThat(access.getHeader().getAlgorithm().getName()).isEqualTo("ES256");
        assertThat(auditCount(audit, "oidc.token", "success")).isEqualTo(1);
    }

    @Test
    default void clientCredentialsTokensIntrospectUntilRevokedAndRefreshTokensRotateOnce() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        var first = RelyingParty.success(rp.clientCredentials()).getTokens().getAccessToken();
        var second = RelyingParty.success(rp.clientCredentials()).getTokens().getAccessToken();
        var introspected = rp.introspect(first);
        assertThat(introspected.isActive()).isTrue();
        assertThat(introspected.getClientID().getValue()).isEqualTo(rp.clientId.getValue());
        assertThat(introspected.getSubject().getValue()).isEqualTo(rp.clientId.getValue());
        assertThat(introspected.getExpirationTime()).isNotNull();
        assertThat(introspected.getIssueTime()).isNotNull();
        assertThat(introspected.getIssuer().getValue()).isEqualTo(baseUrl());
        assertThat(rp.active(second)).isTrue();
        assertThat(rp.revoke(first).getStatusCode()).isEqualTo(200);
        assertThat(rp.active(first)).isFalse();
        assertThat(rp.active(second)).isTrue();

        // A refresh replaces access, ID and refresh token together; the spent ones stay spent.
        Person p = person(admin, false, "auditor");
        RelyingParty.Attempt attempt = rp.attempt();
        OIDCTokens t = RelyingParty.success(attempt.exchange(authorize(p, attempt))).getOIDCTokens();
        OIDCTokens r1 = RelyingParty.success(rp.refresh(t.getRefreshToken())).getOIDCTokens();
        assertThat(rp.active(r1.getAccessToken())).isTrue();
        assertThat(rp.active(t.getAccessToken())).isFalse();
        OIDCTokens r2 = RelyingParty.success(rp.refresh(r1.getRefreshToken())).getOIDCTokens();
        assertThat(rp.userInfo(r2.getAccessToken()).indicatesSuccess()).isTrue();
        assertThat(rp.validator().validate(r2.getIDToken(), null).getSubject().getValue()).isEqualTo(p.accountId());
        assertThat(rp.revoke(r2.getAccessToken()).getStatusCode()).isEqualTo(200);
        assertThat(rp.active(r2.getAccessToken())).isFalse();
        assertThat(rp.active(r2.getRefreshToken())).isTrue();
        assertThat(RelyingParty.success(rp.refresh(r2.getRefreshToken())).getOIDCTokens().getAccessToken()).isNotNull();
    }

    // --- refusals, each with its precise OAuth error ------------------------------------------

    @Test
    default void unregisteredOrMismatchedRedirectUriIsRefusedWithoutRedirecting() {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, false);
        long audit = auditHead();
        for (URI wrong : List.of(URI.create("https://evil.example/callback"), URI.create(rp.callback + "/extra"),
                URI.create(rp.callback.toString().replace("https://", "http://")))) {
            Client.Redirect r = p.browser().navigate(rp.attempt().redirectUri(wrong).uri().toString());
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.location()).isNull();
            assertThat(r.body()).contains("\"error\":\"invalid_request\"");
        }
        assertThat(auditCount(audit, "oidc.refused", "failure")).isEqualTo(3);
        assertThat(auditCount(audit, "oidc.authorize", "success")).isZero();
    }

    @Test
    default void unknownClientIsRefusedWithoutRedirecting() {
        Client.Redirect r = client().navigate("/oauth2/authorize?response_type=code&client_id=nobody&scope=openid"
                + "&redirect_uri=https://evil.example/cb&code_challenge=abcdefghijabcdefghijabcdefghijabcdefghij123&code_challenge_method=S256");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.location()).isNull();
        assertThat(r.body()).contains("\"error\":\"invalid_request\"");
    }

    @Test
    default void pkceIsRequiredAndAMissingOrWrongVerifierIsInvalidGrant() {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, false);

        RelyingParty.Attempt noChallenge = rp.attempt().withoutPkce();
        Client.Redirect r = p.browser().navigate(noChallenge.uri().toString());
        assertThat(noChallenge.error(r.location()).getCode()).isEqualTo("invalid_request");

        RelyingParty.Attempt wrong = rp.attempt();
        assertThat(RelyingParty.error(wrong.exchange(authorize(p, wrong), new CodeVerifier())).getCode()).isEqualTo("invalid_grant");
        RelyingParty.Attempt missing = rp.attempt();
        AuthorizationCode code = authorize(p, missing);
        assertThat(RelyingParty.error(rp.token(new com.nimbusds.oauth2.sdk.AuthorizationCodeGrant(code, rp.callback))).getCode())
                .isEqualTo("invalid_grant");
    }

    @Test
    default void aReusedCodeIsRefusedAndRevokesTheTokensIssuedForIt() {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, false);
        RelyingParty.Attempt attempt = rp.attempt();
        AuthorizationCode code = authorize(p, attempt);
        OIDCTokens first = RelyingParty.success(attempt.exchange(code)).getOIDCTokens();
        assertThat(rp.active(first.getAccessToken())).isTrue();
        long audit = auditHead();

        assertThat(RelyingParty.error(attempt.exchange(code)).getCode()).isEqualTo("invalid_grant");

        // RFC 6749 §4.1.2: the tokens issued for the code are revoked.
        assertThat(rp.active(first.getAccessToken())).isFalse();
        assertThat(RelyingParty.error(rp.refresh(first.getRefreshToken())).getCode()).isEqualTo("invalid_grant");
        assertThat(rp.userInfo(first.getAccessToken()).indicatesSuccess()).isFalse();
        assertThat(auditSince(audit)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("oidc.refused");
            assertThat(e.reason()).isEqualTo("invalid_grant");
            assertThat(e.flagged()).isTrue();
            assertThat(e.target()).isEqualTo(p.accountId());
        });
    }

    @Test
    default void anExpiredCodeIsInvalidGrant() {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, false);
        RelyingParty.Attempt attempt = rp.attempt();
        // Issue the code "ten minutes ago" (codes live two minutes), then exchange it now.
        clock().advance(Duration.ofMinutes(-10));
        AuthorizationCode code;
        try {
            code = authorize(p, attempt.maxAge(100000));
        } finally {
            clock().reset();
        }
        assertThat(RelyingParty.error(attempt.exchange(code)).getCode()).isEqualTo("invalid_grant");
    }

    @Test
    default void aWrongClientSecretIsInvalidClient() {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        long audit = auditHead();
        ErrorObject error = RelyingParty.error(rp.token(new com.nimbusds.oauth2.sdk.ClientCredentialsGrant(),
                new ClientSecretBasic(rp.clientId, new Secret("not-the-secret"))));
        assertThat(error.getCode()).isEqualTo("invalid_client");
        assertThat(error.getHTTPStatusCode()).isEqualTo(401);
        assertThat(auditSince(audit)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("oidc.refused");
            assertThat(e.reason()).isEqualTo("invalid_client");
        });
    }

    @Test
    default void aTamperedIdTokenIsRejectedByTheRelyingParty() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, false);
        RelyingParty.Attempt attempt = rp.attempt();
        JWT idToken = RelyingParty.success(attempt.exchange(authorize(p, attempt))).getOIDCTokens().getIDToken();
        attempt.validate(idToken);
        String[] parts = idToken.getParsedString().split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), java.nio.charset.StandardCharsets.UTF_8)
                .replace(p.accountId(), "00000000-0000-0000-0000-000000000000");
        JWT tampered = SignedJWT.parse(parts[0] + "." + Base64URL.encode(payload) + "." + parts[2]);
        assertThatThrownBy(() -> attempt.validate(tampered)).isInstanceOf(BadJOSEException.class);
        assertThat(JWSObject.parse(tampered.getParsedString()).getPayload().toString()).contains("00000000-0000");
    }

    // --- authentication policy ---------------------------------------------------------------

    @Test
    default void acrValuesThatCannotBeMetAreUnmetAuthenticationRequirements() {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, false); // the test model's attestation is not trusted: acr phr
        long audit = auditHead();

        RelyingParty.Attempt unknown = rp.attempt().acr("urn:example:password");
        assertThat(unknown.error(p.browser().navigate(unknown.uri().toString()).location()).getCode())
                .isEqualTo("unmet_authentication_requirements");

        // phrh: the session is too weak; a fresh sign-in is asked for, and it is still phr.
        RelyingParty.Attempt strong = rp.attempt().acr("phrh");
        Client.Redirect r = p.browser().navigate(strong.uri().toString());
        assertThat(r.location()).contains("/sign-in?next=");
        clock().advance(Duration.ofSeconds(1));
        assertThat(signIn(p.browser(), p.key(), p.userHandle()).status()).isEqualTo(200);
        Client.Redirect back = p.browser().navigate(strong.uri().toString());
        assertThat(strong.error(back.location()).getCode()).isEqualTo("unmet_authentication_requirements");
        assertThat(auditSince(audit)).filteredOn(e -> e.action().equals("oidc.refused"))
                .extracting(AuditRow::reason).containsOnly("unmet_authentication_requirements").hasSize(2);

        // phr is met by the same sign-in.
        RelyingParty.Attempt weak = rp.attempt().acr("phrh", "phr");
        assertThat(authorize(p, weak)).isNotNull();
    }

    @Test
    default void aPasswordAndCodeSignInIsMfaInTokensAndTheLadderHoldsForAcrValuesAndMaxAge() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        PasswordPerson person = invitePerson(admin, "auditor");
        Client browser = client();
        Client.Response signedIn = passwordSignIn(browser, person.signInName(), person.password(), totpCode(person.secret(), 0));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        Person p = new Person(person.accountId(), null, null, browser);

        RelyingParty.Attempt attempt = rp.attempt();
        OIDCTokens t = RelyingParty.success(attempt.exchange(authorize(p, attempt))).getOIDCTokens();
        IDTokenClaimsSet id = attempt.validate(t.getIDToken());
        assertThat(id.getStringListClaim("amr")).containsExactly("pwd", "otp", "mfa");
        assertThat(id.getACR().getValue()).isEqualTo("mfa");
        assertThat(SignedJWT.parse(t.getAccessToken().getValue()).getJWTClaimsSet().getStringListClaim("amr")).containsExactly("pwd", "otp", "mfa");
        // The sign-in behind the grant is re-checked at refresh, as for a key.
        assertThat(rp.refresh(t.getRefreshToken()).indicatesSuccess()).isTrue();

        // mfa is met; phr (phishing-resistant) is not: a fresh sign-in with a key is asked for.
        assertThat(authorize(p, rp.attempt().acr("mfa"))).isNotNull();
        Client.Redirect stronger = browser.navigate(rp.attempt().acr("phr").uri().toString());
        assertThat(stronger.location()).contains("/sign-in?next=");
        // max_age works with this method as with a key.
        clock().advance(Duration.ofSeconds(5));
        assertThat(browser.navigate(rp.attempt().maxAge(1).uri().toString()).location()).contains("/sign-in?next=");

        // A key sign-in (phr) satisfies a request for mfa, the class below it on the ladder.
        Person keyPerson = person(admin, false);
        RelyingParty.Attempt mfa = rp.attempt().acr("mfa");
        IDTokenClaimsSet keyId = mfa.validate(RelyingParty.success(mfa.exchange(authorize(keyPerson, mfa))).getOIDCTokens().getIDToken());
        assertThat(keyId.getACR().getValue()).isEqualTo("mfa");
        assertThat(keyId.getStringListClaim("amr")).containsExactly("hwk", "user", "mfa");
    }

    @Test
    default void aTrustedAttestedKeySignsInAsPhrh() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        java.util.UUID model = java.util.UUID.randomUUID();
        SoftwareAuthenticator key = SoftwareAuthenticator.packed(model).origin(baseUrl());
        if (admin.get("/api/allow-list").json().isEmpty()) {
            // Introducing a list breaks every emergency account of other models: the lockout guard needs spares of this one.
            spareEmergencyAccounts(admin, model, 2);
        }
        Client.Response put = admin.put("/api/allow-list/" + model, Map.of("name", "Trusted " + model, "rootsPem", key.attestationRootPem()));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        try {
            String accountId = createAccount(admin, "Attested " + System.nanoTime(), false).path("id").asString();
            String keyId = registerKey(admin, "Attested key " + System.nanoTime(), "Safe").path("id").asString();
            assertThat(enrol(client(), issueLink(admin, accountId, keyId), key).status()).isEqualTo(201);
            Client browser = client();
            assertThat(signIn(browser, key, accounts().get(accountId).userHandle()).status()).isEqualTo(200);
            Person p = new Person(accountId, accounts().get(accountId).userHandle(), key, browser);
            RelyingParty.Attempt attempt = rp.attempt().acr("phrh");
            IDTokenClaimsSet id = attempt.validate(RelyingParty.success(attempt.exchange(authorize(p, attempt))).getOIDCTokens().getIDToken());
            assertThat(id.getACR().getValue()).isEqualTo("phrh");
        } finally {
            assertThat(admin.delete("/api/allow-list/" + model).status()).isEqualTo(204);
        }
    }

    @Test
    default void maxAgeAndPromptLoginAskForAFreshSignInAndPromptNoneNeverShowsOne() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, false);
        clock().advance(Duration.ofMinutes(10));

        RelyingParty.Attempt old = rp.attempt().maxAge(300);
        assertThat(p.browser().navigate(old.uri().toString()).location()).contains("/sign-in?next=");
        RelyingParty.Attempt none = rp.attempt().maxAge(300).prompt("none");
        assertThat(none.error(p.browser().navigate(none.uri().toString()).location()).getCode()).isEqualTo("login_required");
        RelyingParty.Attempt notSignedIn = rp.attempt().prompt("none");
        assertThat(notSignedIn.error(client().navigate(notSignedIn.uri().toString()).location()).getCode()).isEqualTo("login_required");

        clock().advance(Duration.ofSeconds(1));
        assertThat(signIn(p.browser(), p.key(), p.userHandle()).status()).isEqualTo(200);
        java.time.Instant signedInAt = clock().instant();
        AuthorizationCode code = authorize(p, old);
        clock().reset();
        IDTokenClaimsSet id = old.validate(RelyingParty.success(old.exchange(code)).getOIDCTokens().getIDToken());
        assertThat(id.getAuthenticationTime().toInstant().getEpochSecond()).isEqualTo(signedInAt.getEpochSecond());

        // prompt=login: even a session a second old is not reused; after the fresh sign-in, the same request passes.
        clock().advance(Duration.ofSeconds(1));
        RelyingParty.Attempt login = rp.attempt().prompt("login");
        assertThat(p.browser().navigate(login.uri().toString()).location()).contains("/sign-in?next=");
        clock().advance(Duration.ofSeconds(1));
        assertThat(signIn(p.browser(), p.key(), p.userHandle()).status()).isEqualTo(200);
        assertThat(authorize(p, login)).isNotNull();
        // ... and the next prompt=login request asks again.
        RelyingParty.Attempt again = rp.attempt().prompt("login");
        assertThat(p.browser().navigate(again.uri().toString()).location()).contains("/sign-in?next=");
    }

    @Test
    default void tokensCarryTheRolesHeldAtIssueAndADisabledAccountGetsNoMore() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, false, "auditor", "key-custodian");
        RelyingParty.Attempt attempt = rp.attempt();
        AuthorizationCode code = authorize(p, attempt);
        // Roles change between sign-in and token issue: the token says what holds now.
        // (A role granted since appears at once; a role removed ends the sign-in's tokens: SessionRevocationContract.)
        assertThat(admin.put("/api/accounts/" + p.accountId() + "/roles", Map.of("roles", List.of("auditor", "key-custodian", "global-admin")))
                .status()).isEqualTo(200);
        OIDCTokens t = RelyingParty.success(attempt.exchange(code)).getOIDCTokens();
        assertThat(attempt.validate(t.getIDToken()).getStringListClaim("roles")).containsExactly("auditor", "global-admin", "key-custodian");
        OIDCTokens refreshed = RelyingParty.success(rp.refresh(t.getRefreshToken())).getOIDCTokens();
        assertThat(SignedJWT.parse(refreshed.getAccessToken().getValue()).getJWTClaimsSet().getStringListClaim("roles"))
                .containsExactly("auditor", "global-admin", "key-custodian");

        assertThat(admin.post("/api/accounts/" + p.accountId() + "/disable", "{}").status()).isEqualTo(200);
        assertThat(RelyingParty.error(rp.refresh(refreshed.getRefreshToken())).getCode()).isEqualTo("invalid_grant");
        // The session the account had open ended with the disable: single sign-on finds none, the browser must sign in.
        RelyingParty.Attempt sso = rp.attempt();
        assertThat(p.browser().navigate(sso.uri().toString()).location()).contains("/sign-in?next=");
        assertThat(rp.userInfo(refreshed.getAccessToken()).indicatesSuccess()).isFalse();
    }

    @Test
    default void emergencyAccountTokenIssuesAreFlagged() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, true, "global-admin");
        long audit = auditHead();
        RelyingParty.Attempt attempt = rp.attempt();
        IDTokenClaimsSet id = attempt.validate(RelyingParty.success(attempt.exchange(authorize(p, attempt))).getOIDCTokens().getIDToken());
        assertThat(id.getBooleanClaim("emergency")).isTrue();
        assertThat(auditSince(audit)).filteredOn(e -> e.action().equals("oidc.token"))
                .singleElement().satisfies(e -> {
                    assertThat(e.flagged()).isTrue();
                    assertThat(e.target()).isEqualTo(p.accountId());
                    // Described from the claims the access token was signed with.
                    assertThat(e.detail()).contains("grant authorization_code", "acr " + id.getACR().getValue(),
                            "refresh token issued", "EMERGENCY ACCOUNT");
                });
    }

    // --- keys ----------------------------------------------------------------------------------

    @Test
    default void afterKeyRotationNewTokensUseTheNewKeyAndOldTokensStillVerify() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, false);
        RelyingParty.Attempt before = rp.attempt();
        JWT oldToken = RelyingParty.success(before.exchange(authorize(p, before))).getOIDCTokens().getIDToken();

        Client.Response rotated = admin.post("/api/oidc/keys/rotate", Map.of("activateInSeconds", 0));
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);

        RelyingParty.Attempt after = rp.attempt();
        JWT newToken = RelyingParty.success(after.exchange(authorize(p, after))).getOIDCTokens().getIDToken();
        assertThat(((SignedJWT) newToken).getHeader().getKeyID()).isNotEqualTo(((SignedJWT) oldToken).getHeader().getKeyID());
        after.validate(newToken);
        before.validate(oldToken); // the superseded key is still published
    }

    // --- the clients API -----------------------------------------------------------------------

    @Test
    default void clientRegistrationRefusesWildcardsFragmentsAndPlainHttpWithPreciseCodes() {
        Client admin = newAdmin().http();
        String state = storedState();
        for (String uri : List.of("https://rp.example/*", "https://rp.example/cb#x", "http://rp.example/cb", "/relative")) {
            assertProblem(admin.post("/api/clients", Map.of("name", "Bad", "redirectUris", List.of(uri))), 400, "client.redirect_uri_invalid");
        }
        assertProblem(admin.post("/api/clients", Map.of("name", "Bad", "type", "public", "redirectUris", List.of("https://rp.example/cb"),
                "grantTypes", List.of("authorization_code", "client_credentials"))), 400, "request.invalid");
        for (String claim : List.of("sub", "roles", "emergency", "9groups", "gr oups", "x".repeat(65), "a\u0000b")) {
            assertProblem(admin.post("/api/clients", Map.of("name", "Bad", "redirectUris", List.of("https://rp.example/cb"),
                    "groupsClaim", claim)), 400, "request.invalid");
        }
        assertProblem(admin.post("/api/clients", Map.of("name", "Bad", "redirectUris", List.of("https://rp.example/cb"),
                "idTokenSignedResponseAlg", "HS256")), 400, "request.invalid");
        assertProblem(admin.get("/api/clients/does-not-exist"), 404, "client.not_found");
        assertProblem(admin.delete("/api/clients/does-not-exist"), 404, "client.not_found");
        String id = "taken-" + System.nanoTime();
        assertThat(admin.post("/api/clients", Map.of("clientId", id, "name", "One", "redirectUris", List.of("https://rp.example/cb"))).status())
                .isEqualTo(201);
        assertProblem(admin.post("/api/clients", Map.of("clientId", id, "name", "Two", "redirectUris", List.of("https://rp.example/cb"))),
                409, "client.id_taken");
        assertThat(storedState()).isEqualTo(state);
        assertProblem(client().get("/api/clients"), 401, "auth.required");
    }

    @Test
    default void aRemovedClientsTokensStopWorking() {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        var tokens = RelyingParty.success(rp.clientCredentials());
        assertThat(admin.delete("/api/clients/" + rp.clientId.getValue()).status()).isEqualTo(204);
        assertThat(RelyingParty.error(rp.clientCredentials()).getCode()).isEqualTo("invalid_client");
        assertThat(tokens).isNotNull();
    }

    @Test
    default void removingAClientSaysAndAuditsTheTokensItRevokesAndTheNote() {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        String clientId = rp.clientId.getValue();
        Person p = person(admin, false);
        List<OIDCTokens> sessions = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RelyingParty.Attempt attempt = rp.attempt();
            sessions.add(RelyingParty.success(attempt.exchange(authorize(p, attempt))).getOIDCTokens());
        }
        RelyingParty.success(rp.clientCredentials());
        // A revoked refresh token takes its access token with it (RFC 7009 §2.1): neither counts as working.
        assertThat(rp.revoke(sessions.get(0).getRefreshToken()).getStatusCode()).isEqualTo(200);
        assertThat(rp.active(sessions.get(0).getAccessToken())).isFalse();

        Client.Response confirmation = admin.getHtml("/admin/clients/" + clientId + "/delete");
        assertThat(confirmation.status()).isEqualTo(200);
        assertThat(confirmation.body()).contains("2 active refresh tokens are revoked").contains("3 unexpired access tokens stop working");
        assertThat(admin.getHtml("/admin/clients/" + clientId).body()).contains("2 refresh tokens, 3 access tokens");

        long head = auditHead();
        assertProblem(admin.delete("/api/clients/" + clientId + "?note=" + "x".repeat(501)), 400, "request.invalid");
        assertThat(admin.get("/api/clients/" + clientId).status()).as("a refused removal keeps the client").isEqualTo(200);
        assertThat(rp.active(sessions.get(1).getAccessToken())).isTrue();
        Client.Response removed = admin.delete("/api/clients/" + clientId + "?note=app+retired");
        assertThat(removed.status()).as(removed.toString()).isEqualTo(204);
        assertThat(auditSince(head).stream().filter(e -> e.action().equals("oidc.client.remove") && e.outcome().equals("success"))
                .map(AuditRow::detail).toList()).singleElement().asString()
                .endsWith("its tokens are revoked (2 refresh tokens, 3 access tokens); note: app retired");
    }

    @Test
    default void rotatingTheSigningKeysTakesAnAuditedNote() {
        Client admin = newAdmin().http();
        long keys = jdbc().sql("select count(*) from oidc_signing_key").query(Long.class).single();
        for (Object bad : List.of(5, "x".repeat(501), "two\nlines", List.of("a"))) {
            assertProblem(admin.post("/api/oidc/keys/rotate", Map.of("note", bad)), 400, "request.invalid");
        }
        assertThat(jdbc().sql("select count(*) from oidc_signing_key").query(Long.class).single()).as("nothing generated").isEqualTo(keys);
        long head = auditHead();
        Client.Response rotated = admin.post("/api/oidc/keys/rotate", Map.of("note", "yearly rotation"));
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        assertThat(auditSince(head).stream().filter(e -> e.action().equals("oidc.keys.rotate")).map(AuditRow::detail).toList())
                .singleElement().asString().endsWith("; note: yearly rotation");
    }

    @Test
    default void aPublicClientMustUsePkceAndGetsNoRefreshToken() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = RelyingParty.register(admin, baseUrl(), Map.of("name", "SPA " + System.nanoTime(), "type", "public",
                "redirectUris", List.of("http://127.0.0.1:9/cb")));
        Person p = person(admin, false);
        RelyingParty.Attempt attempt = rp.attempt();
        OIDCTokens t = RelyingParty.success(attempt.exchange(authorize(p, attempt))).getOIDCTokens();
        attempt.validate(t.getIDToken());
        assertThat(t.getRefreshToken()).isNull();
        RelyingParty.Attempt noPkce = rp.attempt().withoutPkce();
        assertThat(noPkce.error(p.browser().navigate(noPkce.uri().toString()).location()).getCode()).isEqualTo("invalid_request");
        // Exact matching but for the port (RFC 8252 §7.3, OidcNativeAppContract): another path is another URI.
        Client.Redirect otherPath = p.browser().navigate(rp.attempt().redirectUri(URI.create("http://127.0.0.1:9/other")).uri().toString());
        assertThat(otherPath.status()).isEqualTo(400);
        assertThat(otherPath.location()).isNull();
    }
}
