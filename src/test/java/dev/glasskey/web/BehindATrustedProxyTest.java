package dev.glasskey.web;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.glasskey.account.Account;
import dev.glasskey.account.Roles;
import dev.glasskey.system.Actor;
import dev.glasskey.testing.ServerTest;
import dev.glasskey.webauthn.Enrolment;
import dev.glasskey.testing.SoftwareAuthenticator;
import dev.glasskey.testing.TempDirs;

import static dev.glasskey.web.ProxyRequests.refusedEnrolment;
import static dev.glasskey.web.ProxyRequests.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Glasskey behind a TLS-terminating reverse proxy it trusts: with an https base URL every cookie
 * is {@code Secure} and HSTS is sent on every answer; the real client's address (from
 * {@code X-Forwarded-For} or RFC 7239 {@code Forwarded}, walking past our own proxies) is what
 * the audit log records.
 */
class BehindATrustedProxyTest extends ServerTest {
    static final int PORT = freePort();

    @DynamicPropertySource
    static void behindTheProxy(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("glasskey.base-url", () -> "https://localhost:" + PORT);
        registry.add("glasskey.data-dir", () -> TempDirs.create("glasskey-proxy-").toString());
        registry.add("glasskey.trusted-proxies", () -> "127.0.0.1/32,10.0.0.0/8");
    }

    @Override
    public int port() {
        return PORT;
    }

    /** The browser sees the proxy's https origin. */
    @Override
    public SoftwareAuthenticator newKey() {
        return SoftwareAuthenticator.packed(TEST_MODEL).origin("https://localhost:" + PORT);
    }

    @Test
    void theRealClientIsAuditedAndEveryCookieIsSecureWithHsts() throws Exception {
        long before = flushRefusals();
        refusedEnrolment(PORT, "X-Forwarded-For", "203.0.113.7", "X-Forwarded-Proto", "https");
        refusedEnrolment(PORT, "X-Forwarded-For", "198.51.100.9, 10.1.2.3");           // two proxies of ours
        refusedEnrolment(PORT, "X-Forwarded-For", "6.6.6.6, 198.51.100.10, 10.1.2.3"); // the client's own claim, left of the real one
        refusedEnrolment(PORT, "Forwarded", "for=\"[2001:db8::17]:4711\";proto=https");
        refusedEnrolment(PORT, "X-Forwarded-For", "not-an-address");                   // believed nothing: the proxy itself
        refusedEnrolment(PORT);
        // Anonymous probes are counted per window and address: one aggregated entry per real client.
        assertThat(aggregatedSince(before)).filteredOn(e -> e.action().equals("enrolment.options"))
                .extracting(Aggregated::client, Aggregated::refusals).containsExactlyInAnyOrder(
                        tuple("203.0.113.7", 1L), tuple("198.51.100.9", 1L), tuple("198.51.100.10", 1L),
                        tuple("2001:db8::17", 1L), tuple("127.0.0.1", 2L));

        HttpResponse<String> options = send(PORT, "POST", "/api/webauthn/sign-in/options", "X-Forwarded-Proto", "https");
        assertThat(options.statusCode()).isEqualTo(200);
        assertThat(options.headers().firstValue("Strict-Transport-Security")).hasValueSatisfying(v ->
                assertThat(v).contains("max-age=31536000").contains("includeSubDomains"));
        List<String> cookies = options.headers().allValues("Set-Cookie");
        assertThat(cookies).isNotEmpty().allSatisfy(c -> assertThat(c).contains("Secure"));
        // Every cookie is HttpOnly, but the CSRF token, which the page's script must read to send it back.
        assertThat(cookies).filteredOn(c -> !c.startsWith("XSRF-TOKEN=")).isNotEmpty().allSatisfy(c -> assertThat(c).contains("HttpOnly"));
        // HSTS on every answer, even one that reached the server as plain http through the proxy.
        HttpResponse<String> page = send(PORT, "GET", "/sign-in");
        assertThat(page.headers().firstValue("Strict-Transport-Security")).isPresent();
        assertThat(page.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("XSRF-TOKEN=").contains("Secure"));
        // The session cookie of a sign-in: Secure too. (Sent by hand: a cookie jar keeps Secure cookies from plain http.)
        Account admin = accounts.create(Actor.SYSTEM, "Proxied admin " + System.nanoTime(), false, Set.of(Roles.GLOBAL_ADMIN));
        String token = enrolments.issueAdministratorLink(Actor.SYSTEM, admin.id(), Enrolment.FIRST_ADMIN).token();
        SoftwareAuthenticator key = newKey();
        HttpResponse<String> enrolOptions = send(PORT, "POST", "/api/enrolments/" + token + "/options");
        String ceremony = "GLASSKEY_CEREMONY=" + cookie(enrolOptions, "GLASSKEY_CEREMONY");
        assertThat(post(PORT, "/api/enrolments/" + token + "/credential", key.register(enrolOptions.body()), ceremony).statusCode()).isEqualTo(201);
        HttpResponse<String> signInOptions = send(PORT, "POST", "/api/webauthn/sign-in/options", "Cookie", ceremony);
        HttpResponse<String> signedIn = post(PORT, "/api/webauthn/sign-in", key.signIn(signInOptions.body(), admin.userHandle()), ceremony);
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(200);
        assertThat(signedIn.headers().allValues("Set-Cookie")).anySatisfy(c ->
                assertThat(c).startsWith("JSESSIONID=").contains("Secure").contains("HttpOnly").contains("SameSite=Lax"));
    }

    private static String cookie(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';'))).findFirst().orElseThrow();
    }

    private static HttpResponse<String> post(int port, String path, String body, String cookieHeader) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").header("Cookie", cookieHeader)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

}
