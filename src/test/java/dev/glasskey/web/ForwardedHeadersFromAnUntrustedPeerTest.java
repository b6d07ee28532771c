package dev.glasskey.web;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.glasskey.testing.ServerTest;
import dev.glasskey.testing.TempDirs;

import static dev.glasskey.web.ProxyRequests.refusedEnrolment;
import static dev.glasskey.web.ProxyRequests.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Forwarded headers from a peer that is not a configured trusted proxy are ignored: a client
 * claiming another address (or https) through them is recorded as itself.
 */
class ForwardedHeadersFromAnUntrustedPeerTest extends ServerTest {
    static final int PORT = freePort();

    @DynamicPropertySource
    static void proxiesElsewhere(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("glasskey.base-url", () -> "http://localhost:" + PORT);
        registry.add("glasskey.data-dir", () -> TempDirs.create("glasskey-untrusted-").toString());
        registry.add("glasskey.trusted-proxies", () -> "10.0.0.0/8");
    }

    @Override
    public int port() {
        return PORT;
    }

    @Test
    void forwardedHeadersFromAnyOtherPeerAreIgnored() throws Exception {
        long before = flushRefusals();
        refusedEnrolment(PORT, "X-Forwarded-For", "203.0.113.7", "X-Forwarded-Proto", "https");
        refusedEnrolment(PORT, "Forwarded", "for=198.51.100.1");
        assertThat(aggregatedSince(before)).filteredOn(e -> e.action().equals("enrolment.options"))
                .extracting(Aggregated::client, Aggregated::refusals).containsExactly(tuple("127.0.0.1", 2L));
        HttpResponse<String> options = send(PORT, "POST", "/api/webauthn/sign-in/options", "X-Forwarded-Proto", "https");
        assertThat(options.headers().firstValue("Strict-Transport-Security")).as("an http base URL sends no HSTS").isEmpty();
        assertThat(options.headers().allValues("Set-Cookie")).noneMatch(c -> c.contains("Secure"));
    }
}
