package dev.glasskey.oidc;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.RelyingParty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What native apps and the software that maps groups need (issue 20, items 1 and 2): a public
 * client's loopback IP redirect URI with any port (RFC 8252 §7.3) and nothing looser; refresh
 * tokens for public clients, rotated on every use, a reused one revoking its family (RFC 9700
 * §4.14.2); the roles as a groups claim under the name each client chooses.
 */
public interface OidcNativeAppContract extends OidcFixtures {

    default RelyingParty nativeApp(Client admin, List<String> redirectUris, List<String> grants) {
        return RelyingParty.register(admin, baseUrl(), Map.of("name", "kubelogin " + System.nanoTime(), "type", "public",
                "redirectUris", redirectUris, "grantTypes", grants));
    }

    /** A public client's token request (client_id in the body, no secret), as kubelogin sends it. */
    static TokenResponse publicToken(RelyingParty rp, com.nimbusds.oauth2.sdk.AuthorizationGrant grant) {
        try {
            return OIDCTokenResponseParser.parse(new TokenRequest(rp.metadata.getTokenEndpointURI(), rp.clientId, grant).toHTTPRequest().send());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    default void aPublicClientsLoopbackIpRedirectAcceptsAnyPortAndNothingLooser() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = nativeApp(admin, List.of("http://127.0.0.1/callback", "http://[::1]:5000/cb"), List.of("authorization_code"));
        Person p = person(admin, false);

        for (URI port : List.of(URI.create("http://127.0.0.1:54321/callback"), URI.create("http://127.0.0.1:8000/callback"),
                URI.create("http://[::1]:6001/cb"), URI.create("http://127.0.0.1/callback"))) {
            RelyingParty.Attempt attempt = rp.attempt().redirectUri(port);
            Client.Redirect r = p.browser().navigate(attempt.uri().toString());
            assertThat(r.status()).as(port + " " + r).isEqualTo(302);
            assertThat(r.location()).startsWith(port.toString() + "?");
            AuthorizationCode code = attempt.code(r.location());
            // The token request names the same URI (RFC 6749 §4.1.3), port included.
            OIDCTokens t = RelyingParty.success(publicToken(rp, new AuthorizationCodeGrant(code, port, attempt.verifier))).getOIDCTokens();
            assertThat(attempt.validate(t.getIDToken()).getSubject().getValue()).isEqualTo(p.accountId());
        }
        // Another port at the token endpoint than at the authorization endpoint: invalid_grant.
        RelyingParty.Attempt moved = rp.attempt().redirectUri(URI.create("http://127.0.0.1:4000/callback"));
        AuthorizationCode code = moved.code(p.browser().navigate(moved.uri().toString()).location());
        assertThat(RelyingParty.error(publicToken(rp, new AuthorizationCodeGrant(code, URI.create("http://127.0.0.1:4001/callback"),
                moved.verifier))).getCode()).isEqualTo("invalid_grant");

        // Only the port is free: not the path, query, host, scheme, user info, and not localhost (RFC 8252 §8.3).
        for (String wrong : List.of("http://127.0.0.1:54321/callback/x", "http://127.0.0.1:54321/callback?x=1", "http://127.0.0.1:54321/Callback",
                "http://localhost:54321/callback", "https://127.0.0.1:54321/callback", "http://127.0.0.2:54321/callback",
                "http://user@127.0.0.1:54321/callback", "http://127.0.0.1.evil.example:54321/callback", "http://[::1]:6001/callback")) {
            Client.Redirect r = p.browser().navigate(rp.attempt().redirectUri(URI.create(wrong)).uri().toString());
            assertThat(r.status()).as(wrong).isEqualTo(400);
            assertThat(r.location()).as(wrong).isNull();
        }

        // A confidential client keeps exact matching, port included.
        RelyingParty confidential = RelyingParty.register(admin, baseUrl(), Map.of("name", "Loopback web " + System.nanoTime(),
                "redirectUris", List.of("http://127.0.0.1:7000/cb")));
        Client.Redirect otherPort = p.browser().navigate(confidential.attempt().redirectUri(URI.create("http://127.0.0.1:7001/cb")).uri().toString());
        assertThat(otherPort.status()).isEqualTo(400);
        assertThat(otherPort.location()).isNull();
    }

    @Test
    default void aPublicClientsRefreshTokensRotateOnEveryUseAndAReuseRevokesTheFamily() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = nativeApp(admin, List.of("http://127.0.0.1/callback"), List.of("authorization_code", "refresh_token"));
        Person p = person(admin, false, "auditor");
        RelyingParty.Attempt attempt = rp.attempt();
        OIDCTokens t = RelyingParty.success(rp.token(new AuthorizationCodeGrant(authorize(p, attempt), rp.callback, attempt.verifier)))
                .getOIDCTokens();
        assertThat(t.getRefreshToken()).as("a public client registered with the refresh grant gets a refresh token").isNotNull();

        OIDCTokens r1 = RelyingParty.success(publicToken(rp, new RefreshTokenGrant(t.getRefreshToken()))).getOIDCTokens();
        assertThat(r1.getRefreshToken()).isNotNull().isNotEqualTo(t.getRefreshToken());
        IDTokenClaimsSet refreshed = rp.validator().validate(r1.getIDToken(), null);
        assertThat(refreshed.getSubject().getValue()).isEqualTo(p.accountId());
        OIDCTokens r2 = RelyingParty.success(publicToken(rp, new RefreshTokenGrant(r1.getRefreshToken()))).getOIDCTokens();
        assertThat(r2.getRefreshToken()).isNotEqualTo(r1.getRefreshToken());
        assertThat(rp.userInfo(r2.getAccessToken()).indicatesSuccess()).isTrue();

        // r1 again: someone kept a copy. The whole family ends: r2 and its access token too (RFC 9700 §4.14.2).
        long audit = auditHead();
        assertThat(RelyingParty.error(publicToken(rp, new RefreshTokenGrant(r1.getRefreshToken()))).getCode()).isEqualTo("invalid_grant");
        assertThat(RelyingParty.error(publicToken(rp, new RefreshTokenGrant(r2.getRefreshToken()))).getCode()).isEqualTo("invalid_grant");
        assertThat(rp.userInfo(r2.getAccessToken()).indicatesSuccess()).isFalse();
        assertThat(auditSince(audit)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("oidc.refused");
            assertThat(e.reason()).isEqualTo("invalid_grant");
            assertThat(e.flagged()).isTrue();
            assertThat(e.target()).isEqualTo(p.accountId());
        });

        // A public client without the refresh grant gets none; a confidential client cannot refresh with its id alone.
        RelyingParty noRefresh = nativeApp(admin, List.of("http://127.0.0.1/cb"), List.of("authorization_code"));
        RelyingParty.Attempt once = noRefresh.attempt();
        assertThat(RelyingParty.success(noRefresh.token(new AuthorizationCodeGrant(authorize(p, once), noRefresh.callback, once.verifier)))
                .getOIDCTokens().getRefreshToken()).isNull();
        RelyingParty web = confidentialClient(admin, "ES256");
        RelyingParty.Attempt webAttempt = web.attempt();
        OIDCTokens webTokens = RelyingParty.success(webAttempt.exchange(authorize(p, webAttempt))).getOIDCTokens();
        TokenResponse idOnly = publicToken(web, new RefreshTokenGrant(webTokens.getRefreshToken()));
        assertThat(RelyingParty.error(idOnly).getCode()).isEqualTo("invalid_client");
        assertThat(RelyingParty.error(idOnly).getHTTPStatusCode()).isEqualTo(401);
        // ... and another public client cannot use this one's refresh token.
        RelyingParty.Attempt fresh = rp.attempt();
        OIDCTokens mine = RelyingParty.success(rp.token(new AuthorizationCodeGrant(authorize(p, fresh), rp.callback, fresh.verifier)))
                .getOIDCTokens();
        RelyingParty thief = nativeApp(admin, List.of("http://127.0.0.1/cb"), List.of("authorization_code", "refresh_token"));
        assertThat(RelyingParty.error(publicToken(thief, new RefreshTokenGrant(mine.getRefreshToken()))).getCode()).isEqualTo("invalid_grant");
        assertThat(RelyingParty.success(publicToken(rp, new RefreshTokenGrant(mine.getRefreshToken())))).isNotNull();
    }

    @Test
    default void theRolesAreAGroupsClaimUnderTheNameEachClientChooses() throws Exception {
        Client admin = newAdmin().http();
        Person p = person(admin, false, "auditor", "key-custodian");
        RelyingParty kubernetes = RelyingParty.register(admin, baseUrl(), Map.of("name", "Kubernetes " + System.nanoTime(),
                "redirectUris", List.of("https://k8s.example/cb"), "groupsClaim", "glasskey:groups"));
        assertThat(admin.get("/api/clients/" + kubernetes.clientId.getValue()).json().path("groupsClaim").asString()).isEqualTo("glasskey:groups");
        RelyingParty.Attempt attempt = kubernetes.attempt();
        OIDCTokens t = RelyingParty.success(attempt.exchange(authorize(p, attempt))).getOIDCTokens();
        IDTokenClaimsSet id = attempt.validate(t.getIDToken());
        assertThat(id.getStringListClaim("glasskey:groups")).containsExactly("auditor", "key-custodian");
        assertThat(id.getClaim("groups")).isNull();
        assertThat(SignedJWT.parse(t.getAccessToken().getValue()).getJWTClaimsSet().getStringListClaim("glasskey:groups"))
                .containsExactly("auditor", "key-custodian");
        assertThat(kubernetes.userInfo(t.getAccessToken()).toSuccessResponse().getUserInfo().getStringListClaim("glasskey:groups"))
                .containsExactly("auditor", "key-custodian");

        // The default name, groups; what holds now (a role removed since sign-in ends the sign-in: not tested here).
        RelyingParty grafana = confidentialClient(admin, "RS256");
        assertThat(admin.get("/api/clients/" + grafana.clientId.getValue()).json().path("groupsClaim").asString()).isEqualTo("groups");
        assertThat(admin.put("/api/accounts/" + p.accountId() + "/roles", Map.of("roles", List.of("auditor", "key-custodian", "global-admin")))
                .status()).isEqualTo(200);
        RelyingParty.Attempt second = grafana.attempt();
        IDTokenClaimsSet grafanaId = second.validate(RelyingParty.success(second.exchange(authorize(p, second))).getOIDCTokens().getIDToken());
        assertThat(grafanaId.getStringListClaim("groups")).containsExactly("auditor", "global-admin", "key-custodian");
    }
}
