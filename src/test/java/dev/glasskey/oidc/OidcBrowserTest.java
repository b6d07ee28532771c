package dev.glasskey.oidc;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;

import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.sun.net.httpserver.HttpServer;

import dev.glasskey.account.Account;
import dev.glasskey.account.Roles;
import dev.glasskey.system.Actor;
import dev.glasskey.testing.RelyingParty;
import dev.glasskey.testing.Browser;
import dev.glasskey.testing.BrowserServerTest;
import dev.glasskey.webauthn.Enrolment;
import dev.glasskey.webauthn.EnrolmentLink;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A relying party on its own HTTP server (127.0.0.1), using the Nimbus OpenID Connect SDK, and
 * a real Chromium with a virtual security key: discovery, the code flow with PKCE through the
 * sign-in page and back, ID-token validation against the JWK Set, refresh, UserInfo,
 * revocation and RP-initiated logout in the browser; and a public native client whose loopback
 * redirect URI is registered without a port, called back on the relying party's ephemeral port.
 */
class OidcBrowserTest extends BrowserServerTest {
    @Autowired
    ClientService clients;

    HttpServer rpServer;
    final LinkedBlockingQueue<URI> arrivals = new LinkedBlockingQueue<>();
    Browser browser;

    @BeforeEach
    void start() throws Exception {
        clock.reset();
        rpServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        rpServer.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/callback") || path.equals("/signed-out")) { // not the browser's favicon request
                arrivals.add(URI.create("http://127.0.0.1:" + rpServer.getAddress().getPort() + exchange.getRequestURI()));
            }
            byte[] body = "<html><body><p id=\"rp\">relying party</p></body></html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        rpServer.start();
        browser = Browser.start(baseUrl());
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (rpServer != null) {
            rpServer.stop(0);
        }
    }

    URI arrival() throws InterruptedException {
        URI uri = arrivals.poll(20, TimeUnit.SECONDS);
        assertThat(uri).as("the browser came back to the relying party").isNotNull();
        return uri;
    }

    @Test
    void codeFlowInTheBrowserWithAVirtualSecurityKey() throws Exception {
        // A person with a key, enrolled in this browser.
        Account person = accounts.create(Actor.SYSTEM, "OIDC browser person " + System.nanoTime(), false, Set.of(Roles.GLOBAL_ADMIN));
        EnrolmentLink link = enrolments.issueAdministratorLink(Actor.SYSTEM, person.id(), Enrolment.FIRST_ADMIN);
        browser.insertOnly(browser.newKey("person's key"));
        browser.open(link.url());
        browser.click(By.id("enrol"));
        browser.waitUntil(d -> d.findElement(By.id("after-enrol")).isDisplayed());

        String rpBase = "http://127.0.0.1:" + rpServer.getAddress().getPort();
        OidcClient.Created created = clients.register(Actor.SYSTEM, new OidcClient.Registration(null, "Browser RP", "confidential",
                null, List.of(rpBase + "/callback"), List.of(rpBase + "/signed-out"), null, "ES256", null, null));
        RelyingParty rp = new RelyingParty(RelyingParty.discover(baseUrl()), created.client().clientId(), created.clientSecret(),
                URI.create(rpBase + "/callback"), "ES256");

        // Not signed in: the authorization request shows the sign-in page, then returns to the RP.
        RelyingParty.Attempt attempt = rp.attempt();
        browser.open(attempt.uri().toString());
        browser.visible(By.id("sign-in"));
        assertThat(browser.path()).startsWith("/sign-in?next=");
        browser.click(By.id("sign-in"));
        URI callback = arrival();
        assertThat(callback.getPath()).isEqualTo("/callback");

        OIDCTokens tokens = RelyingParty.success(attempt.exchange(attempt.code(callback.toString()))).getOIDCTokens();
        IDTokenClaimsSet id = attempt.validate(tokens.getIDToken());
        assertThat(id.getSubject().getValue()).isEqualTo(person.id());
        assertThat(id.getStringListClaim("amr")).contains("hwk");
        assertThat(id.getACR().getValue()).isIn("phr", "phrh");

        // Single sign-on: a second request comes straight back, without the sign-in page.
        RelyingParty.Attempt again = rp.attempt();
        browser.open(again.uri().toString());
        URI second = arrival();
        assertThat(again.code(second.toString())).isNotNull();

        // A native app (RFC 8252 §7.3): a public client registered with a loopback IP redirect URI without a port,
        // listening on the port the system gave it; single sign-on, PKCE, no secret, a refresh token of its own.
        OidcClient.Created nativeApp = clients.register(Actor.SYSTEM, new OidcClient.Registration(null, "Native app", "public",
                List.of("authorization_code", "refresh_token"), List.of("http://127.0.0.1/callback"), null, null, "ES256", null, null));
        assertThat(nativeApp.clientSecret()).isNull();
        RelyingParty app = new RelyingParty(RelyingParty.discover(baseUrl()), nativeApp.client().clientId(), null,
                URI.create("http://127.0.0.1/callback"), "ES256");
        URI ephemeral = URI.create(rpBase + "/callback");
        RelyingParty.Attempt nativeAttempt = app.attempt().redirectUri(ephemeral);
        browser.open(nativeAttempt.uri().toString());
        URI nativeCallback = arrival();
        assertThat(nativeCallback.getPort()).isEqualTo(rpServer.getAddress().getPort());
        OIDCTokens nativeTokens = RelyingParty.success(app.token(new AuthorizationCodeGrant(
                nativeAttempt.code(nativeCallback.toString()), ephemeral, nativeAttempt.verifier))).getOIDCTokens();
        IDTokenClaimsSet nativeId = nativeAttempt.validate(nativeTokens.getIDToken());
        assertThat(nativeId.getSubject().getValue()).isEqualTo(person.id());
        // One Glasskey session, one sid, for every client the browser signed in to.
        assertThat(nativeId.getStringClaim("sid")).isNotBlank().isEqualTo(id.getStringClaim("sid"));
        assertThat(RelyingParty.success(app.refresh(nativeTokens.getRefreshToken())).getOIDCTokens().getRefreshToken())
                .isNotEqualTo(nativeTokens.getRefreshToken());

        OIDCTokens refreshed = RelyingParty.success(rp.refresh(tokens.getRefreshToken())).getOIDCTokens();
        assertThat(rp.userInfo(refreshed.getAccessToken()).indicatesSuccess()).isTrue();
        HTTPResponse revoked = rp.revoke(refreshed.getAccessToken());
        assertThat(revoked.getStatusCode()).isEqualTo(200);
        assertThat(rp.active(refreshed.getAccessToken())).isFalse();

        // RP-initiated logout in the browser: back at the RP, and the Glasskey session is over.
        browser.open(rp.logout(refreshed.getIDToken(), URI.create(rpBase + "/signed-out"), new State("out")).toString());
        URI out = arrival();
        assertThat(out.getPath()).isEqualTo("/signed-out");
        assertThat(out.getQuery()).contains("state=out");
        browser.open("/api/session");
        assertThat(browser.visible(By.tagName("pre")).getText()).contains("auth.required");
    }
}
