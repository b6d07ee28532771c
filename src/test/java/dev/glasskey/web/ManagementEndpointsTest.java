package dev.glasskey.web;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.glasskey.alert.AlertChannels;
import dev.glasskey.alert.WebhookReceiver;
import dev.glasskey.testing.Client;
import dev.glasskey.testing.H2ServerTest;
import dev.glasskey.testing.Prometheus;
import dev.glasskey.testing.RelyingParty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18, operability: health with liveness and readiness groups, Prometheus metrics and the
 * status endpoint on the management port — and on that port only. Metrics are read as Prometheus
 * scrapes them, before and after real sign-ins, refusals, token grants and alert deliveries over
 * HTTP (deltas: the server is shared with other test classes).
 */
class ManagementEndpointsTest extends H2ServerTest implements AlertChannels {
    @Autowired
    ApplicationContext context;

    private String management(String path) {
        return Prometheus.managementUrl(context) + path;
    }

    private String scrape() {
        Client.Response r = Prometheus.get(management("/prometheus"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/plain");
        return r.body();
    }

    @Test
    void healthHasLivenessAndReadinessGroupsWithTheDatabaseAndTheSigningKeys() {
        Client.Response health = Prometheus.get(management("/health"));
        assertThat(health.status()).as(health.toString()).isEqualTo(200);
        JsonNode json = health.json();
        assertThat(json.path("status").asString()).isEqualTo("UP");
        assertThat(json.path("components").path("db").path("status").asString()).isEqualTo("UP");
        assertThat(json.path("components").path("db").path("details").path("database").asString()).isEqualTo("H2");
        JsonNode keys = json.path("components").path("signingKeys");
        assertThat(keys.path("status").asString()).isEqualTo("UP");
        assertThat(keys.path("details").path("ES256").asString()).startsWith("es256-");
        assertThat(keys.path("details").path("RS256").asString()).startsWith("rs256-");
        assertThat(json.path("groups").valueStream().map(JsonNode::asString).toList()).contains("liveness", "readiness");

        Client.Response liveness = Prometheus.get(management("/health/liveness"));
        assertThat(liveness.status()).isEqualTo(200);
        assertThat(liveness.json().path("status").asString()).isEqualTo("UP");
        assertThat(liveness.json().path("components").propertyNames()).containsExactly("livenessState");

        Client.Response readiness = Prometheus.get(management("/health/readiness"));
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.json().path("status").asString()).isEqualTo("UP");
        assertThat(readiness.json().path("components").propertyNames()).containsExactlyInAnyOrder("readinessState", "db", "signingKeys");
    }

    @Test
    void signInsAndRefusalsAreCountedByCode() {
        String before = scrape();
        SignedInClient admin = newAdmin(); // enrolled and signed in over HTTP
        // An assertion naming a credential nobody enrolled: credential.unknown, refused and counted by code.
        Client c = client();
        Client.Response options = c.post("/api/webauthn/sign-in/options", "{}");
        ObjectNode assertion = (ObjectNode) Client.JSON.readTree(admin.key().signIn(options.body(), admin.account().userHandle()));
        String stranger = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        assertion.put("id", stranger).put("rawId", stranger);
        Client.Response refused = c.post("/api/webauthn/sign-in", assertion.toString());
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.code()).isEqualTo("credential.unknown");
        // An API call without a session: auth.required, counted too (no sign-in).
        assertThat(client().get("/api/accounts").code()).isEqualTo("auth.required");
        String after = scrape();

        Map<String, String> signedIn = Map.of("action", "signin", "outcome", "signed_in", "code", "none", "emergency", "false");
        assertThat(delta(before, after, "glasskey_sign_ins_total", signedIn)).isEqualTo(1);
        Map<String, String> unknown = Map.of("action", "signin", "outcome", "refused", "code", "credential.unknown");
        assertThat(delta(before, after, "glasskey_sign_ins_total", unknown)).isEqualTo(1);
        assertThat(delta(before, after, "glasskey_refusals_total", Map.of("code", "credential.unknown"))).isEqualTo(1);
        assertThat(delta(before, after, "glasskey_refusals_total", Map.of("code", "auth.required"))).isEqualTo(1);
        // Enrolment, sign-in and the refusal each appended audit entries, each timed.
        assertThat(delta(before, after, "glasskey_audit_append_seconds_count", Map.of())).isGreaterThanOrEqualTo(3);
        assertThat(Prometheus.has(after, "glasskey_audit_append_seconds_bucket")).isTrue();
        assertThat(admin.account().emergency()).isFalse();
    }

    @Test
    void tokenGrantsAreCountedByGrantAndOutcome() {
        Client admin = newAdmin().http();
        RelyingParty rp = RelyingParty.register(admin, baseUrl(), Map.of("name", "Metrics RP " + System.nanoTime(),
                "redirectUris", List.of("https://rp.example/callback/" + System.nanoTime()),
                "grantTypes", List.of("authorization_code", "client_credentials"), "scopes", List.of("openid")));
        String before = scrape();
        assertThat(rp.token(new ClientCredentialsGrant()).indicatesSuccess()).isTrue();
        assertThat(rp.token(new ClientCredentialsGrant()).indicatesSuccess()).isTrue();
        var bogus = rp.token(new AuthorizationCodeGrant(new AuthorizationCode("no-such-code"), rp.callback, new CodeVerifier()));
        assertThat(RelyingParty.error(bogus).getCode()).isEqualTo("invalid_grant");
        String after = scrape();
        assertThat(delta(before, after, "glasskey_token_grants_total", Map.of("grant", "client_credentials", "outcome", "issued")))
                .isEqualTo(2);
        assertThat(delta(before, after, "glasskey_token_grants_total",
                Map.of("grant", "authorization_code", "outcome", "refused", "error", "invalid_grant"))).isEqualTo(1);
    }

    @Test
    void alertDeliveriesFailuresAndTheOutboxAreMeasured() {
        SignedInClient admin = newAdmin();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            JsonNode good = createChannel(admin.http(), webhook("metrics ok " + System.nanoTime(), receiver.url(), "critical"));
            JsonNode bad = createChannel(admin.http(), webhook("metrics bad " + System.nanoTime(), "http://127.0.0.1:9/nothing-listens", "critical"));
            try {
                String before = scrape();
                assertThat(admin.http().post("/api/alerts/channels/" + good.path("id").asString() + "/test", "{}").json()
                        .path("delivered").asBoolean()).isTrue();
                assertThat(admin.http().post("/api/alerts/channels/" + bad.path("id").asString() + "/test", "{}").json()
                        .path("delivered").asBoolean()).isFalse();
                String after = scrape();
                assertThat(delta(before, after, "glasskey_alert_deliveries_total", Map.of("channel_type", "webhook", "outcome", "delivered")))
                        .isGreaterThanOrEqualTo(1);
                assertThat(delta(before, after, "glasskey_alert_deliveries_total", Map.of("channel_type", "webhook", "outcome", "failed")))
                        .isGreaterThanOrEqualTo(1);
                // The failed test alert waits in the outbox for its retry.
                assertThat(Prometheus.value(after, "glasskey_alert_outbox_pending", Map.of())).isGreaterThanOrEqualTo(1);
                assertThat(Prometheus.has(after, "glasskey_alert_outbox_oldest_age_seconds")).isTrue();
                assertThat(Prometheus.value(after, "glasskey_alert_outbox_oldest_age_seconds", Map.of())).isGreaterThanOrEqualTo(0);
            } finally {
                deleteChannel(admin.http(), good);
                deleteChannel(admin.http(), bad);
            }
        }
    }

    @Test
    void theReadinessVerdictIsAGaugeAndTheStatusEndpointReportsIt() {
        Client admin = newAdmin().http();
        Client.Response recheck = admin.post("/api/readiness/recheck", "{}");
        assertThat(recheck.status()).as(recheck.toString()).isEqualTo(200);
        String verdict = recheck.json().path("status").asString();
        int expected = switch (verdict) {
            case "PASS" -> 0;
            case "WARN" -> 1;
            default -> 2;
        };
        assertThat(Prometheus.value(scrape(), "glasskey_readiness_status", Map.of())).isEqualTo(expected);

        Client.Response status = Prometheus.get(management("/status"));
        assertThat(status.status()).as(status.toString()).isEqualTo(200);
        assertThat(status.json().path("readiness").path("status").asString()).isEqualTo(verdict);
        assertThat(status.json().path("readiness").path("checks").valueStream().map(c -> c.path("id").asString()))
                .contains("emergency.alerting");
        assertThat(status.json().path("version").asString()).isNotBlank();
        assertThat(status.json().has("channels")).isTrue();
    }

    /** Nothing of the management endpoints answers on the public port: not health, not metrics, not the API description. */
    @Test
    void managementEndpointsAreNotOnThePublicPort() {
        Client anonymous = client();
        Client admin = newAdmin().http();
        for (String path : List.of("/actuator", "/actuator/health", "/actuator/health/readiness", "/actuator/prometheus",
                "/actuator/status", "/actuator/openapi", "/v3/api-docs", "/v3/api-docs.yaml")) {
            for (Client c : List.of(anonymous, admin)) {
                Client.Response r = c.get(path);
                assertThat(r.status()).as("%s on the public port: %s", path, r).isIn(401, 403, 404);
                assertThat(r.body()).as(path).doesNotContain("\"UP\"").doesNotContain("# TYPE")
                        .doesNotContain("\"openapi\"").doesNotContain("\"readiness\"");
            }
        }
        // And the management port is a port of its own.
        assertThat(Prometheus.managementPort(context)).isNotEqualTo(port());
    }

    /** The management server listens on the loopback address only (the default): from another address of this host it is not there. */
    @Test
    void theManagementPortIsBoundToTheLoopbackAddress() throws Exception {
        assertThat(context.getEnvironment().getProperty("management.server.address")).isEqualTo("127.0.0.1");
        int port = Prometheus.managementPort(context);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        }
        Optional<InetAddress> other = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(i -> { try { return i.isUp() && !i.isLoopback(); } catch (java.net.SocketException e) { return false; } })
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream()).filter(a -> a instanceof Inet4Address).findFirst();
        if (other.isPresent()) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(other.get(), port), 2000);
                throw new AssertionError("the management port answers on " + other.get());
            } catch (java.net.ConnectException expected) {
                // refused: nothing listens there
            }
            // The public port, by contrast, listens on every address.
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(other.get(), port()), 2000);
            }
        }
        assertThat(URI.create(Prometheus.managementUrl(context)).getHost()).isEqualTo("127.0.0.1");
    }

    private static double delta(String before, String after, String name, Map<String, String> labels) {
        return Prometheus.value(after, name, labels) - Prometheus.value(before, name, labels);
    }
}
