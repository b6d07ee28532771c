package dev.glasskey.access;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import tools.jackson.databind.JsonNode;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.ServerTest;
import dev.glasskey.testing.TempDirs;

import static dev.glasskey.access.ConditionalAccessContract.account;
import static dev.glasskey.access.ConditionalAccessContract.block;
import static dev.glasskey.access.ConditionalAccessContract.console;
import static dev.glasskey.access.ConditionalAccessContract.policy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditional Access behind a trusted reverse proxy (issue 17): the compliant device proven by the
 * client certificate the proxy forwards (RFC 9440 {@code Client-Cert}, or a URL-encoded PEM), and a
 * console session re-judged when the real client address changes. A server of its own (its own H2
 * database): the proxy settings are not every test's.
 */
class BehindAProxyAccessTest extends ServerTest {
    static final int PORT = freePort();
    static final DeviceCerts.Issued MDM = DeviceCerts.ca("MDM device CA");
    static final DeviceCerts.Issued OTHER = DeviceCerts.ca("Somebody else's CA");

    @DynamicPropertySource
    static void behindTheProxy(DynamicPropertyRegistry registry) {
        listenOn(registry, PORT);
        registry.add("glasskey.data-dir", () -> TempDirs.create("glasskey-access-proxy-").toString());
        registry.add("glasskey.trusted-proxies", () -> "127.0.0.1/32,::1/128");
        registry.add("glasskey.access.device-certificate-header", () -> "Client-Cert");
    }

    @Override
    public int port() {
        return PORT;
    }

    @BeforeEach
    void empty() {
        clock().reset();
        emptyOrganisation();
    }

    static String rfc9440(DeviceCerts.Issued issued) throws Exception {
        return ":" + Base64.getEncoder().encodeToString(issued.certificate().getEncoded()) + ":";
    }

    JsonNode decisions(Client admin, String accountId) {
        Client.Response r = admin.get("/api/access/decisions?account=" + accountId);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().path("decisions");
    }

    @Test
    void aCompliantDeviceIsOneWhoseForwardedCertificateChainsToADeviceCa() throws Exception {
        Client admin = newAdmin().http();
        Client.Response ca = admin.post("/api/access/device-cas", Map.of("name", "MDM", "certificate", MDM.pem()));
        assertThat(ca.status()).as(ca.toString()).isEqualTo(201);
        PasswordPerson p = invitePerson(admin);
        Client.Response created = admin.post("/api/access/policies", policy("Managed devices only", "on", account(p.accountId()), console(),
                Map.of("controls", List.of(Map.of("type", "compliant-device")))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        Client.Response without = passwordSignIn(client(), p.signInName(), p.password(), totpCode(p.secret(), 0));
        assertProblem(without, 403, "access.requirement_unmet");
        assertThat(without.json().path("detail").asString()).contains("compliant device");

        clock().advance(dev.glasskey.totp.Totp.STEP);
        Client foreign = client().header("Client-Cert", rfc9440(DeviceCerts.device("laptop-9", OTHER)));
        assertProblem(passwordSignIn(foreign, p.signInName(), p.password(), totpCode(p.secret(), 0)), 403, "access.requirement_unmet");

        clock().advance(dev.glasskey.totp.Totp.STEP);
        Client garbage = client().header("Client-Cert", ":bm90IGEgY2VydGlmaWNhdGU=:");
        assertProblem(passwordSignIn(garbage, p.signInName(), p.password(), totpCode(p.secret(), 0)), 403, "access.requirement_unmet");

        clock().advance(dev.glasskey.totp.Totp.STEP);
        Client managed = client().header("Client-Cert", rfc9440(DeviceCerts.device("laptop-1", MDM)));
        Client.Response signedIn = passwordSignIn(managed, p.signInName(), p.password(), totpCode(p.secret(), 0));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);

        clock().advance(dev.glasskey.totp.Totp.STEP);
        Client nginx = client().header("Client-Cert", URLEncoder.encode(DeviceCerts.device("laptop-2", MDM).pem(), StandardCharsets.UTF_8));
        assertThat(passwordSignIn(nginx, p.signInName(), p.password(), totpCode(p.secret(), 0)).status()).isEqualTo(200);

        JsonNode log = decisions(admin, p.accountId());
        assertThat(log.valueStream().map(d -> d.path("deviceCompliant").asBoolean() + " " + d.path("enforced").asString()).toList())
                .containsExactly("true allow", "true allow", "false require", "false require", "false require");
    }

    @Test
    void aConsoleSessionIsJudgedAgainWhenItsAddressChangesAndABlockEndsIt() {
        Client admin = newAdmin().http();
        PasswordPerson p = invitePerson(admin);
        Client.Response location = admin.post("/api/access/locations", Map.of("name", "Branch", "trusted", false,
                "ranges", List.of("203.0.113.0/24")));
        String branch = location.json().path("id").asString();
        Map<String, Object> blockAtBranch = new java.util.LinkedHashMap<>(policy("Not from the branch", "on", account(p.accountId()),
                console(), block()));
        blockAtBranch.put("conditions", Map.of("network", Map.of("include", List.of(branch))));
        assertThat(admin.post("/api/access/policies", blockAtBranch).status()).isEqualTo(201);

        Client browser = client().forwardedFor("198.51.100.7");
        assertThat(passwordSignIn(browser, p.signInName(), p.password(), totpCode(p.secret(), 0)).status()).isEqualTo(200);
        assertThat(browser.get("/api/session").status()).isEqualTo(200);
        assertThat(decisions(admin, p.accountId()).size()).as("the sign-in's decision; the same address judges nothing again").isEqualTo(1);

        clock().advance(java.time.Duration.ofSeconds(1)); // decisions apart in time: the log is newest first
        browser.forwardedFor("192.0.2.44"); // a new address the policy does not block: judged, allowed, remembered
        assertThat(browser.get("/api/session").status()).isEqualTo(200);
        assertThat(browser.get("/api/session").status()).isEqualTo(200);
        JsonNode log = decisions(admin, p.accountId());
        assertThat(log.size()).isEqualTo(2);
        assertThat(log.get(0).path("event").asString()).isEqualTo("console");
        assertThat(log.get(0).path("clientAddress").asString()).isEqualTo("192.0.2.44");

        long head = auditHead();
        clock().advance(java.time.Duration.ofSeconds(1));
        browser.forwardedFor("203.0.113.9");
        Client.Response ended = browser.get("/api/session");
        assertProblem(ended, 401, "session.ended");
        assertThat(ended.json().path("detail").asString()).contains("Not from the branch");
        browser.forwardedFor("198.51.100.7");
        assertProblem(browser.get("/api/session"), 401, "auth.required");
        assertThat(decisions(admin, p.accountId()).get(0).path("enforced").asString()).isEqualTo("block");
        assertThat(auditSince(head)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("session.check");
            assertThat(e.reason()).isEqualTo("access.blocked");
        });
    }
}
