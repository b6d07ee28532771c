package dev.glasskey.alert;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.JsonNode;

import dev.glasskey.audit.AuditEntry;
import dev.glasskey.system.Times;
import dev.glasskey.testing.Client;
import dev.glasskey.testing.Fixtures;
import dev.glasskey.testing.SoftwareAuthenticator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Alerts end to end over HTTP on a real database: rules match audit entries, the outbox row is
 * written with the action, and real receivers on 127.0.0.1 (HTTP, SMTP with STARTTLS and AUTH,
 * syslog over UDP and TCP) get the alert with its idempotency key. Delivery is driven by calling
 * {@link AlertDelivery#deliverDue()} while awaiting a condition with a bounded timeout; retry
 * timing is driven by the test clock. Every test deletes its channels, so no other test's
 * actions are delivered anywhere.
 */
interface AlertContract extends AlertChannels {

    default AlertReadiness alertReadiness() {
        return bean(AlertReadiness.class);
    }

    default AlertProperties alertProperties() {
        return bean(AlertProperties.class);
    }

    default AlertCoalescing alertCoalescing() {
        return bean(AlertCoalescing.class);
    }

    default TransactionTemplate transactions() {
        return bean(TransactionTemplate.class);
    }

    /** How many database sessions are waiting for a lock in a statement on {@code alert_window} (H2 and PostgreSQL ask differently). */
    long sessionsWaitingOnAlertWindow();

    /**
     * Every test starts with no coalescing window open: the clock passes one window and a
     * delivery run closes what earlier tests (sharing this server) left open, summaries included
     * (no channel exists between tests to receive them).
     */
    @BeforeEach
    default void noAlertWindowOpen() {
        closeAlertWindows();
    }

    /** The clock passes one window and a delivery run closes every window (summaries queued where they counted). */
    default void closeAlertWindows() {
        clock().advance(alertProperties().coalesceWindow());
        alertDelivery().deliverDue();
        assertThat(count("select count(*) from alert_window where suppressed > 0")).isZero();
    }

    @Test
    default void webhookGetsASignedAlertForAnEmergencyChangeAndTheDeliveryStateIsVisible() throws Exception {
        SignedInClient admin = newAdmin();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            JsonNode channel = createChannel(admin.http(), webhook("hook " + System.nanoTime(), receiver.url(), "warning"));
            String secret = channel.path("secret").asString();
            assertThat(secret).hasSizeGreaterThan(30);
            assertThat(admin.http().get("/api/alerts/channels/" + channel.path("id").asString()).body()).doesNotContain(secret);
            try {
                String name = "Break glass " + System.nanoTime();
                JsonNode account = createAccount(admin.http(), name, true, "global-admin");

                awaitDelivered(receiver, 1);
                WebhookReceiver.Request request = receiver.accepted().get(0);
                JsonNode body = Client.JSON.readTree(request.body());
                assertThat(body.path("text").asString()).contains("Glasskey alert [WARNING]").contains("account.create").contains(name);
                assertThat(body.path("severity").asString()).isEqualTo("warning");
                assertThat(body.path("rules").asString()).isEqualTo("emergency-change");
                assertThat(body.path("event").path("action").asString()).isEqualTo("account.create");
                assertThat(body.path("event").path("target").asString()).isEqualTo(account.path("id").asString());
                assertThat(body.path("event").path("emergency").asBoolean()).isTrue();
                // RFC 2104 HMAC-SHA256 over "timestamp.body" under the secret shown at creation
                assertThat(request.signature()).isEqualTo("sha256=" + AlertChannels.hmac(secret, request.timestamp() + "." + request.body()));
                assertThat(Long.parseLong(request.timestamp())).isCloseTo(clock().instant().getEpochSecond(), org.assertj.core.data.Offset.offset(5L));

                JsonNode deliveries = admin.http().get("/api/alerts/deliveries?channel=" + channel.path("id").asString()).json();
                assertThat(deliveries.size()).isEqualTo(1);
                JsonNode d = deliveries.get(0);
                assertThat(d.path("id").asString()).isEqualTo(request.idempotencyKey()).isEqualTo(body.path("idempotencyKey").asString());
                assertThat(d.path("status").asString()).isEqualTo("delivered");
                assertThat(d.path("attempts").asInt()).isEqualTo(1);
                JsonNode state = admin.http().get("/api/alerts/channels/" + channel.path("id").asString()).json();
                assertThat(state.path("lastDeliveredAt").isNull()).isFalse();
                assertThat(state.path("failing").asBoolean()).isFalse();
                assertThat(state.path("pending").asLong()).isZero();

                // A regular (non-emergency) account raises nothing.
                createAccount(admin.http(), "Regular " + System.nanoTime(), false);
                alertDelivery().deliverDue();
                assertThat(admin.http().get("/api/alerts/deliveries?channel=" + channel.path("id").asString()).json().size()).isEqualTo(1);
            } finally {
                deleteChannel(admin.http(), channel);
            }
        }
    }

    @Test
    default void aFailingWebhookIsRetriedWithBackoffUnderOneKeyAndReportedAsFailing() throws Exception {
        SignedInClient admin = newAdmin();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.refuse(3);
            JsonNode channel = createChannel(admin.http(), webhook("flaky " + System.nanoTime(), receiver.url(), "warning"));
            String channelId = channel.path("id").asString();
            try {
                createAccount(admin.http(), "Break glass " + System.nanoTime(), true);
                await("first attempt", () -> receiver.requests().size() == 1);
                JsonNode d = admin.http().get("/api/alerts/deliveries?channel=" + channelId).json().get(0);
                assertThat(d.path("status").asString()).isEqualTo("pending");
                assertThat(d.path("lastError").asString()).contains("HTTP 503");
                // Not due again until the back-off (5 s, then 10 s) has passed on the clock.
                alertDelivery().deliverDue();
                assertThat(receiver.requests()).hasSize(1);
                clock().advance(Duration.ofSeconds(5));
                await("second attempt", () -> receiver.requests().size() == 2);
                clock().advance(Duration.ofSeconds(5));
                alertDelivery().deliverDue();
                assertThat(receiver.requests()).hasSize(2);
                clock().advance(Duration.ofSeconds(5));
                await("third attempt", () -> receiver.requests().size() == 3);

                // Three failures in a row: the channel is failing, in readiness and in the audit log.
                ChannelStatus status = alertReadiness().channels().stream().filter(c -> c.id().equals(channelId)).findFirst().orElseThrow();
                assertThat(status.failing()).isTrue();
                assertThat(status.failureReason()).contains("3 consecutive delivery failures").contains("HTTP 503");
                assertThat(jdbc().sql("select count(*) from audit_event where action = 'alert.channel.failing' and target = :t and flagged = true")
                        .param("t", channelId).query(Long.class).single()).isEqualTo(1);

                // The receiver recovers: the original alert and the 'channel failing' alert arrive.
                clock().advance(Duration.ofSeconds(20));
                awaitDelivered(receiver, 2);
                String originalKey = receiver.requests().get(0).idempotencyKey();
                assertThat(receiver.requests()).filteredOn(r -> r.idempotencyKey().equals(originalKey))
                        .as("every retry carries the same idempotency key").extracting(WebhookReceiver.Request::answered)
                        .containsExactly(503, 503, 503, 204);
                List<String> keys = List.of(originalKey);
                JsonNode deliveries = admin.http().get("/api/alerts/deliveries?channel=" + channelId).json();
                assertThat(deliveries.findValuesAsString("status")).containsOnly("delivered");
                assertThat(deliveries.findValuesAsString("summary")).anyMatch(s -> s.contains("alert.channel.failing"));
                JsonNode original = java.util.stream.StreamSupport.stream(deliveries.spliterator(), false)
                        .filter(x -> x.path("id").asString().equals(keys.get(0))).findFirst().orElseThrow();
                assertThat(original.path("attempts").asInt()).isEqualTo(4);
                assertThat(alertReadiness().channels().stream().filter(c -> c.id().equals(channelId)).findFirst().orElseThrow().failing()).isFalse();
            } finally {
                deleteChannel(admin.http(), channel);
            }
        }
    }

    @Test
    default void emergencySignInIsMailedOverStartTlsWithAuth() throws Exception {
        SignedInClient admin = newAdmin();
        try (SmtpReceiver smtp = new SmtpReceiver()) {
            Map<String, Object> settings = new HashMap<>();
            settings.put("host", "127.0.0.1");
            settings.put("port", smtp.port());
            settings.put("from", "glasskey@example.org");
            settings.put("to", List.of("security@example.org", "oncall@example.org"));
            settings.put("username", SmtpReceiver.USER);
            settings.put("tlsCertificatePem", smtp.certificatePem());
            JsonNode channel = createChannel(admin.http(), Map.of("name", "mail " + System.nanoTime(), "type", "email",
                    "minSeverity", "critical", "settings", settings, "password", SmtpReceiver.PASSWORD));
            assertThat(channel.toString()).doesNotContain(SmtpReceiver.PASSWORD);
            try {
                JsonNode account = createAccount(admin.http(), "Break glass " + System.nanoTime(), true, "global-admin");
                String accountId = account.path("id").asString();
                JsonNode keyJson = registerKey(admin.http(), "Alert key " + System.nanoTime(), "Safe");
                SoftwareAuthenticator key = newKey();
                assertThat(enrol(client(), issueLink(admin.http(), accountId, keyJson.path("id").asString()), key).status()).isEqualTo(201);
                alertDelivery().deliverDue();
                assertThat(smtp.mails()).as("warnings (account, key, link, credential) stay below this channel's minimum").isEmpty();

                Client.Response signIn = signIn(client(), key, accounts().get(accountId).userHandle());
                assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
                await("the e-mail", () -> !smtp.mails().isEmpty(),
                        () -> admin.http().get("/api/alerts/deliveries?channel=" + channel.path("id").asString()).body() + smtp.mails());

                String deliveryId = admin.http().get("/api/alerts/deliveries?channel=" + channel.path("id").asString()).json()
                        .get(0).path("id").asString();
                for (SmtpReceiver.Mail mail : smtp.mails()) {
                    assertThat(mail.raw()).contains("To: security@example.org, oncall@example.org");
                    assertThat(mail.overTls()).as("STARTTLS").isTrue();
                    assertThat(mail.authenticatedUser()).isEqualTo(SmtpReceiver.USER);
                    assertThat(mail.from()).isEqualTo("glasskey@example.org");
                    assertThat(mail.raw()).contains("Message-ID: <" + deliveryId + "@glasskey>")
                            .contains("X-Glasskey-Idempotency-Key: " + deliveryId);
                    var parsed = new jakarta.mail.internet.MimeMessage((jakarta.mail.Session) null,
                            new java.io.ByteArrayInputStream(mail.raw().getBytes(StandardCharsets.UTF_8)));
                    assertThat(parsed.getSubject()).startsWith("[Glasskey CRITICAL] Emergency account signed in: signin success").contains(accountId);
                    assertThat(parsed.getContent().toString()).contains("\"action\":\"signin\"").contains("\"emergency\":true");
                }
            } finally {
                deleteChannel(admin.http(), channel);
            }
        }
    }

    @Test
    default void syslogOverUdpAndTcpCarriesRfc5424WithTheIdempotencyKey() throws Exception {
        SignedInClient admin = newAdmin();
        try (SyslogListener udp = SyslogListener.udp(); SyslogListener tcp = SyslogListener.tcp()) {
            JsonNode overUdp = createChannel(admin.http(), Map.of("name", "syslog udp " + System.nanoTime(), "type", "syslog",
                    "settings", Map.of("host", "127.0.0.1", "port", udp.port(), "transport", "udp")));
            JsonNode overTcp = createChannel(admin.http(), Map.of("name", "syslog tcp " + System.nanoTime(), "type", "syslog",
                    "settings", Map.of("host", "127.0.0.1", "port", tcp.port(), "transport", "tcp", "facility", 10)));
            try {
                createAccount(admin.http(), "Break glass " + System.nanoTime(), true);
                await("both syslog messages", () -> udp.messages().size() == 1 && tcp.messages().size() == 1);
                String udpKey = admin.http().get("/api/alerts/deliveries?channel=" + overUdp.path("id").asString()).json().get(0).path("id").asString();
                String tcpKey = admin.http().get("/api/alerts/deliveries?channel=" + overTcp.path("id").asString()).json().get(0).path("id").asString();
                // RFC 5424 §6: <PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD SP BOM MSG;
                // PRI = facility * 8 + severity (warning = 4): auth (4) -> 36, authpriv (10) -> 84
                String pattern = "^<%d>1 \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,6})?Z \\S+ glasskey \\d+ alert "
                        + "\\[glasskey@32473 idempotencyKey=\"%s\" alertId=\"[0-9a-f-]{36}\" severity=\"warning\" rules=\"emergency-change\" auditSeq=\"\\d+\"\\] \uFEFF"
                        + "Glasskey alert \\[WARNING\\] Change to emergency .*account\\.create success.*";
                assertThat(udp.messages().get(0)).matches(String.format(pattern, 36, udpKey));
                assertThat(tcp.messages().get(0)).matches(String.format(pattern, 84, tcpKey));

                Client.Response test = admin.http().post("/api/alerts/channels/" + overTcp.path("id").asString() + "/test", "{}");
                assertThat(test.status()).as(test.toString()).isEqualTo(200);
                assertThat(test.json().path("delivered").asBoolean()).isTrue();
                await("the test message", () -> tcp.messages().size() == 2);
                assertThat(tcp.messages().get(1)).startsWith("<86>1 ").contains(" test-alert [glasskey@32473 idempotencyKey=\""
                        + test.json().path("deliveryId").asString() + "\"").contains("TEST alert [INFO]");
            } finally {
                deleteChannel(admin.http(), overUdp);
                deleteChannel(admin.http(), overTcp);
            }
        }
    }

    /**
     * Issue 14: every signed checkpoint is published, as it is made, to the enabled channels marked
     * "receives checkpoints" — a webhook (signed like alerts) and syslog over TCP — in the documented,
     * machine-readable form; a channel not so marked, or disabled, gets none. The outbox rows are
     * written in the checkpoint's transaction and shown among the deliveries.
     */
    @Test
    default void checkpointsArePublishedToTheChannelsThatReceiveThem() throws Exception {
        SignedInClient admin = newAdmin();
        try (WebhookReceiver hook = new WebhookReceiver(); WebhookReceiver other = new WebhookReceiver(); SyslogListener syslog = SyslogListener.tcp()) {
            Map<String, Object> receiving = new HashMap<>(webhook("checkpoints " + System.nanoTime(), hook.url(), "critical"));
            receiving.put("receivesCheckpoints", true);
            JsonNode webhook = createChannel(admin.http(), receiving);
            assertThat(webhook.path("receivesCheckpoints").asBoolean()).isTrue();
            JsonNode overSyslog = createChannel(admin.http(), Map.of("name", "checkpoints syslog " + System.nanoTime(), "type", "syslog",
                    "minSeverity", "critical", "receivesCheckpoints", true,
                    "settings", Map.of("host", "127.0.0.1", "port", syslog.port(), "transport", "tcp")));
            JsonNode notReceiving = createChannel(admin.http(), webhook("no checkpoints " + System.nanoTime(), other.url(), "info"));
            assertThat(notReceiving.path("receivesCheckpoints").asBoolean()).isFalse();
            Map<String, Object> disabled = new HashMap<>(webhook("disabled checkpoints " + System.nanoTime(), other.url(), "info"));
            disabled.put("receivesCheckpoints", true);
            disabled.put("enabled", false);
            JsonNode disabledChannel = createChannel(admin.http(), disabled);
            try {
                dev.glasskey.audit.AuditCheckpoint c = checkpoint().orElseThrow();
                await("the checkpoint over webhook and syslog", () -> hook.accepted().size() == 1 && syslog.messages().size() == 1);

                WebhookReceiver.Request request = hook.accepted().get(0);
                JsonNode body = Client.JSON.readTree(request.body());
                assertThat(body.path("kind").asString()).isEqualTo("checkpoint");
                assertThat(body.path("text").asString()).startsWith("Glasskey audit checkpoint: entry " + c.seq());
                JsonNode fields = body.path("checkpoint");
                assertThat(fields.path("seq").asLong()).isEqualTo(c.seq());
                assertThat(fields.path("hash").asString()).isEqualTo(c.headHash());
                assertThat(fields.path("signedAt").asString()).isEqualTo(c.signedAt().toString());
                assertThat(fields.path("keyId").asString()).isEqualTo(c.keyId());
                assertThat(fields.path("signature").asString()).isEqualTo(c.signature());
                // Signed with the secret shown at creation (stored sealed).
                String secret = webhook.path("secret").asString();
                assertThat(request.signature()).isEqualTo("sha256=" + AlertChannels.hmac(secret, request.timestamp() + "." + request.body()));

                // RFC 5424, facility 4 (auth), severity info (6): PRI 38; MSGID checkpoint; the fields as structured data; MSG the JSON line.
                String key = admin.http().get("/api/alerts/deliveries?channel=" + overSyslog.path("id").asString()).json().get(0).path("id").asString();
                assertThat(syslog.messages().get(0)).matches("^<38>1 \\S+ \\S+ glasskey \\d+ checkpoint \\[glasskey@32473 idempotencyKey=\"" + key
                        + "\"\\]\\[glasskey-checkpoint@32473 seq=\"" + c.seq() + "\" hash=\"" + c.headHash() + "\" signedAt=\""
                        + java.util.regex.Pattern.quote(c.signedAt().toString()) + "\" keyId=\"" + c.keyId() + "\" signature=\"[A-Za-z0-9+/=]+\"\\] \uFEFF"
                        + java.util.regex.Pattern.quote(dev.glasskey.audit.ExternalCheckpoints.line(c)) + "$");

                JsonNode deliveries = admin.http().get("/api/alerts/deliveries?channel=" + webhook.path("id").asString()).json();
                assertThat(deliveries.size()).isEqualTo(1);
                assertThat(deliveries.get(0).path("summary").asString()).contains("audit checkpoint: entry " + c.seq());
                assertThat(deliveries.get(0).path("auditSeq").asLong()).isEqualTo(c.seq());
                assertThat(deliveries.get(0).path("status").asString()).isEqualTo("delivered");
                alertDelivery().deliverDue();
                assertThat(other.requests()).as("not receiving, or disabled: nothing").isEmpty();
                assertThat(admin.http().get("/api/alerts/deliveries?channel=" + disabledChannel.path("id").asString()).json().size()).isZero();

                // Turned off: the next checkpoint goes to the syslog channel only.
                Client.Response off = admin.http().put("/api/alerts/channels/" + webhook.path("id").asString(), Map.of("receivesCheckpoints", false));
                assertThat(off.status()).as(off.toString()).isEqualTo(200);
                assertThat(off.json().path("receivesCheckpoints").asBoolean()).isFalse();
                assertThat(auditSince(auditHead() - 1)).extracting(AuditRow::action).containsExactly("alert.channel.update");
                checkpoint().orElseThrow();
                await("the second checkpoint over syslog", () -> syslog.messages().size() == 2);
                assertThat(hook.accepted()).hasSize(1);
            } finally {
                deleteChannel(admin.http(), webhook);
                deleteChannel(admin.http(), overSyslog);
                deleteChannel(admin.http(), notReceiving);
                deleteChannel(admin.http(), disabledChannel);
            }
        }
    }

    /** Signs a checkpoint now (as the schedule does every glasskey.audit.checkpoint-interval), after an entry so there is something new to sign. */
    default java.util.Optional<dev.glasskey.audit.AuditCheckpoint> checkpoint() {
        bean(dev.glasskey.audit.Audit.class).record(dev.glasskey.audit.AuditEvent.success(dev.glasskey.system.Actor.SYSTEM,
                "test.checkpoint", null, false, "something to sign"));
        return bean(dev.glasskey.audit.AuditIntegrity.class).checkpoint();
    }

    @Test
    default void sendTestAlertReportsSuccessOrTheReason() {
        SignedInClient admin = newAdmin();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            JsonNode good = createChannel(admin.http(), webhook("test ok " + System.nanoTime(), receiver.url(), "critical"));
            JsonNode bad = createChannel(admin.http(), webhook("test bad " + System.nanoTime(), "http://127.0.0.1:9/nothing-listens", "critical"));
            try {
                long before = auditHead();
                Client.Response ok = admin.http().post("/api/alerts/channels/" + good.path("id").asString() + "/test", "{}");
                assertThat(ok.json().path("delivered").asBoolean()).as(ok.toString()).isTrue();
                assertThat(receiver.accepted()).hasSize(1);
                assertThat(Client.JSON.readTree(receiver.accepted().get(0).body()).path("test").asBoolean()).isTrue();
                assertThat(admin.http().get("/api/alerts/channels/" + good.path("id").asString()).json().path("lastTestDeliveredAt").isNull()).isFalse();
                assertThat(auditSince(before)).extracting(AuditRow::action).containsExactly("alert.channel.test");

                Client.Response failed = admin.http().post("/api/alerts/channels/" + bad.path("id").asString() + "/test", "{}");
                assertThat(failed.status()).isEqualTo(200);
                assertThat(failed.json().path("delivered").asBoolean()).isFalse();
                assertThat(failed.json().path("error").asString()).contains("ConnectException");
                assertThat(admin.http().get("/api/alerts/deliveries?channel=" + bad.path("id").asString()).json().get(0).path("status").asString())
                        .as("a failed test stays queued for retry").isEqualTo("pending");
                assertProblem(admin.http().post("/api/alerts/channels/no-such-channel/test", "{}"), 404, "alert.channel_not_found");
            } finally {
                deleteChannel(admin.http(), good);
                deleteChannel(admin.http(), bad);
            }
        }
    }

    @Test
    default void aChannelSecretMovedFromAnotherChannelDoesNotOpenAndItsDeliveryFailsSayingSo() throws Exception {
        SignedInClient admin = newAdmin();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            JsonNode good = createChannel(admin.http(), webhook("sealed good " + System.nanoTime(), receiver.url(), "critical"));
            JsonNode moved = createChannel(admin.http(), webhook("sealed moved " + System.nanoTime(), receiver.url(), "critical"));
            String goodId = good.path("id").asString();
            String movedId = moved.path("id").asString();
            try {
                String sealed = jdbc().sql("select secret from alert_channel where id = :id").param("id", goodId).query(String.class).single();
                assertThat(sealed).startsWith("gk-enc:v1:").doesNotContain(good.path("secret").asString());
                // Someone with write access to the database copies one channel's sealed secret into another's row.
                jdbc().sql("update alert_channel set secret = :s where id = :id").param("s", sealed).param("id", movedId).update();

                long before = auditHead();
                Client.Response refused = admin.http().post("/api/alerts/channels/" + movedId + "/test", "{}");
                assertThat(refused.status()).as(refused.toString()).isEqualTo(200);
                assertThat(refused.json().path("delivered").asBoolean()).isFalse();
                assertThat(refused.json().path("error").asString()).contains("The stored alert_channel.secret of row '" + movedId
                        + "' does not open under key-encryption key").contains("moved here from another row");
                assertThat(receiver.requests()).as("nothing was sent").isEmpty();
                JsonNode delivery = admin.http().get("/api/alerts/deliveries?channel=" + movedId).json().get(0);
                assertThat(delivery.path("status").asString()).isEqualTo("pending");
                assertThat(delivery.path("lastError").asString()).contains("does not open");
                assertThat(jdbc().sql("select secret from alert_channel where id = :id").param("id", movedId).query(String.class).single())
                        .as("left as found").isEqualTo(sealed);
                assertThat(auditSince(before)).extracting(AuditRow::action).containsExactly("alert.channel.test");

                // The channel it came from still signs with its own secret.
                Client.Response ok = admin.http().post("/api/alerts/channels/" + goodId + "/test", "{}");
                assertThat(ok.json().path("delivered").asBoolean()).as(ok.toString()).isTrue();
                WebhookReceiver.Request request = receiver.accepted().get(0);
                assertThat(request.signature()).isEqualTo("sha256=" + AlertChannels.hmac(good.path("secret").asString(), request.timestamp() + "." + request.body()));
            } finally {
                deleteChannel(admin.http(), good);
                deleteChannel(admin.http(), moved);
            }
        }
    }

    @Test
    default void rulesAreConfigurableAndRefuseNonsense() {
        SignedInClient admin = newAdmin();
        Client http = admin.http();
        JsonNode rules = http.get("/api/alerts/rules").json();
        assertThat(rules.findValuesAsString("id")).contains("emergency-signin", "emergency-signin-failure", "emergency-token",
                "emergency-change", "counter-regression", "readiness-degraded", "bootstrap-use", "alert-channel-failing");
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            JsonNode channel = createChannel(http, webhook("rules " + System.nanoTime(), receiver.url(), "info"));
            Map<String, Object> change = new HashMap<>(Map.of("description", "Change to emergency accounts (off for this test)",
                    "actions", "account.*,key.*", "outcome", "success", "emergencyOnly", true, "severity", "info", "enabled", false));
            try {
                assertThat(http.put("/api/alerts/rules/emergency-change", change).status()).isEqualTo(200);
                // Changing a rule is itself alerted (rule 'alerting-change').
                await("the rule change alert", () -> receiver.accepted().stream().anyMatch(r -> r.body().contains("\"action\":\"alert.rule.update\"")));
                createAccount(http, "Silent " + System.nanoTime(), true);
                alertDelivery().deliverDue();
                assertThat(receiver.requests()).noneMatch(r -> r.body().contains("\"action\":\"account.create\""));

                Map<String, Object> custom = Map.of("description", "Any regular account created", "actions", "account.create",
                        "severity", "info");
                assertThat(http.put("/api/alerts/rules/regular-accounts", custom).status()).isEqualTo(200);
                createAccount(http, "Noticed " + System.nanoTime(), false);
                await("the custom rule's alert", () -> receiver.accepted().stream().anyMatch(r -> r.body().contains("\"rules\":\"regular-accounts\"")));
                assertThat(receiver.accepted()).filteredOn(r -> r.body().contains("\"rules\":\"regular-accounts\""))
                        .singleElement().extracting(WebhookReceiver.Request::body).asString().contains("\"severity\":\"info\"").contains("Noticed");
                assertThat(http.delete("/api/alerts/rules/regular-accounts").status()).isEqualTo(204);
            } finally {
                change.put("actions", "account.*,key.*,credential.*,allowlist.*,enrolment.*,policy.*");
                change.put("description", "Change to emergency accounts, keys, credentials, the allow-list or policies touching them");
                change.put("severity", "warning");
                change.put("enabled", true);
                assertThat(http.put("/api/alerts/rules/emergency-change", change).status()).isEqualTo(200);
                deleteChannel(http, channel);
            }
        }
        String before = http.get("/api/alerts/rules").body();
        long audit = auditHead();
        Map<String, Object> valid = Map.of("description", "x", "actions", "signin", "severity", "critical");
        assertProblem(http.put("/api/alerts/rules/Bad_Id", valid), 400, "request.invalid");
        assertProblem(http.put("/api/alerts/rules/ok", Map.of("description", "x", "actions", "signin", "severity", "loud")), 400, "request.invalid");
        assertProblem(http.put("/api/alerts/rules/ok", Map.of("description", "x", "actions", "sign in!", "severity", "info")), 400, "request.invalid");
        assertProblem(http.put("/api/alerts/rules/ok", Map.of("description", "x", "actions", "", "severity", "info")), 400, "request.invalid");
        assertProblem(http.put("/api/alerts/rules/ok", Map.of("actions", "signin", "severity", "info")), 400, "request.invalid");
        assertProblem(http.put("/api/alerts/rules/ok", Map.of("description", "x", "actions", "signin", "severity", "info", "outcome", "maybe")), 400, "request.invalid");
        assertProblem(http.delete("/api/alerts/rules/no-such-rule"), 404, "alert.rule_not_found");
        assertThat(http.get("/api/alerts/rules").body()).isEqualTo(before);
        assertThat(auditHead()).isEqualTo(audit);
    }

    @Test
    default void refusedChannelChangesStoreNothing() {
        SignedInClient admin = newAdmin();
        Client http = admin.http();
        // Disabled, so that no delivery attempt changes its state during the test.
        JsonNode existing = createChannel(http, Map.of("name", "existing " + System.nanoTime(), "type", "webhook", "enabled", false,
                "settings", Map.of("url", "https://hooks.example.org/x")));
        try {
            String before = http.get("/api/alerts/channels").body();
            long audit = auditHead();
            String name = existing.path("name").asString();
            List<Map<String, Object>> refused = List.of(
                    Map.of("name", "n1", "type", "pager", "settings", Map.of()),
                    Map.of("name", "n2", "type", "webhook"),
                    Map.of("name", "n3", "type", "webhook", "settings", Map.of("url", "ftp://example.org/x")),
                    Map.of("name", "n4", "type", "webhook", "settings", Map.of("url", "not a url")),
                    Map.of("name", "", "type", "webhook", "settings", Map.of("url", "https://example.org/x")),
                    Map.of("name", "n5", "type", "webhook", "minSeverity", "loud", "settings", Map.of("url", "https://example.org/x")),
                    Map.of("name", "n6", "type", "email", "settings", Map.of("host", "smtp.example.org", "port", 587, "from", "not-an-address", "to", List.of("a@example.org"))),
                    Map.of("name", "n7", "type", "email", "settings", Map.of("host", "smtp.example.org", "port", 587, "from", "a@example.org", "to", List.of())),
                    Map.of("name", "n8", "type", "email", "settings", Map.of("host", "smtp.example.org", "port", 587, "from", "a@example.org",
                            "to", List.of("b@example.org"), "tlsCertificatePem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----")),
                    Map.of("name", "n9", "type", "syslog", "settings", Map.of("host", "127.0.0.1", "port", 70000)),
                    Map.of("name", "n10", "type", "syslog", "settings", Map.of("host", "127.0.0.1", "port", 514, "transport", "sctp")),
                    Map.of("name", "n11", "type", "syslog", "settings", Map.of("host", "127.0.0.1", "port", 514, "facility", 24)),
                    Map.of("name", "n12", "type", "syslog", "settings", Map.of("host", "bad host name", "port", 514)),
                    // Checkpoints are read back by machine from a webhook body or a syslog message, never from an e-mail.
                    Map.of("name", "n13", "type", "email", "receivesCheckpoints", true, "settings", Map.of("host", "smtp.example.org",
                            "port", 587, "from", "a@example.org", "to", List.of("b@example.org"))));
            for (Map<String, Object> body : refused) {
                assertProblem(http.post("/api/alerts/channels", body), 400, "request.invalid");
            }
            assertProblem(http.post("/api/alerts/channels", webhook(name, "https://example.org/y", "info")), 409, "alert.channel_name_taken");
            assertProblem(http.put("/api/alerts/channels/" + existing.path("id").asString(), Map.of("type", "syslog")), 400, "request.invalid");
            assertProblem(http.put("/api/alerts/channels/" + existing.path("id").asString(), Map.of("receivesCheckpoints", "often")), 400,
                    "request.malformed");
            assertProblem(http.put("/api/alerts/channels/nope", webhook("x", "https://example.org/y", "info")), 404, "alert.channel_not_found");
            assertProblem(http.delete("/api/alerts/channels/nope"), 404, "alert.channel_not_found");
            assertProblem(http.get("/api/alerts/deliveries?status=lost"), 400, "request.invalid");
            assertProblem(http.post("/api/alerts/channels", "{\"name\": "), 400, "request.malformed");
            assertProblem(client().get("/api/alerts/channels"), 401, "auth.required");
            assertThat(http.get("/api/alerts/channels").body()).isEqualTo(before);
            assertThat(auditHead()).isEqualTo(audit);
        } finally {
            deleteChannel(http, existing);
        }
    }

    /**
     * Fail closed: the audit entry of an emergency-account creation cannot be written (a check
     * constraint added for this test rejects it), so the creation is refused with a documented
     * error, and neither the account nor an alert is stored.
     */
    @Test
    default void anAuditWriteFailureRefusesTheActionAndStoresNothing() {
        SignedInClient admin = newAdmin();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            JsonNode channel = createChannel(admin.http(), webhook("fail closed " + System.nanoTime(), receiver.url(), "info"));
            String state = storedState();
            long audit = auditHead();
            long alerts = count("select count(*) from alert");
            long outbox = count("select count(*) from alert_delivery");
            jdbc().sql("alter table audit_event add constraint audit_refuses_marker check (detail is null or detail not like '%refuse-this-audit-entry%')")
                    .update();
            try {
                Client.Response r = admin.http().post("/api/accounts", Map.of("displayName", "refuse-this-audit-entry", "emergency", true,
                        "roles", List.of("global-admin")));
                assertProblem(r, 503, "audit.write_failed");
            } finally {
                jdbc().sql("alter table audit_event drop constraint audit_refuses_marker").update();
            }
            try {
                assertThat(storedState()).isEqualTo(state);
                assertThat(auditHead()).isEqualTo(audit);
                assertThat(count("select count(*) from alert")).isEqualTo(alerts);
                assertThat(count("select count(*) from alert_delivery")).isEqualTo(outbox);
                assertThat(count("select count(*) from account where display_name = 'refuse-this-audit-entry'")).isZero();
                alertDelivery().deliverDue();
            } finally {
                deleteChannel(admin.http(), channel);
            }
            assertThat(receiver.requests()).isEmpty();
            assertThat(admin.http().get("/api/audit/verify").json().path("intact").asBoolean()).isTrue();
        }
    }

    @Test
    default void theConsoleShowsChannelsDeliveriesAndRulesAndSendsATestAlert() {
        SignedInClient admin = newAdmin();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            JsonNode channel = createChannel(admin.http(), webhook("console " + System.nanoTime(), receiver.url(), "critical"));
            String id = channel.path("id").asString();
            try {
                Client.Response form = admin.http().send(java.net.http.HttpRequest.newBuilder(admin.http().uri("/admin/alerts/channels/" + id + "/test"))
                        .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("")));
                assertThat(form.status()).as(form.toString()).isEqualTo(302);
                assertThat(receiver.accepted()).hasSize(1);
                Client.Response page = admin.http().getHtml("/admin/alerts");
                assertThat(page.status()).isEqualTo(200);
                assertThat(page.body()).contains(channel.path("name").asString()).contains("Send test alert")
                        .contains("data-delivery-id=\"" + receiver.accepted().get(0).idempotencyKey() + "\"")
                        .contains("data-rule-id=\"emergency-signin\"").contains("name=\"_csrf\"").contains("name=\"receivesCheckpoints\"");

                // The console's form adds a channel that receives checkpoints.
                String name = "console checkpoints " + System.nanoTime();
                Client.Response added = admin.http().send(java.net.http.HttpRequest.newBuilder(admin.http().uri("/admin/alerts/channels"))
                        .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("name=" + java.net.URLEncoder.encode(name, StandardCharsets.UTF_8)
                                + "&type=webhook&minSeverity=critical&url=" + java.net.URLEncoder.encode(receiver.url(), StandardCharsets.UTF_8)
                                + "&receivesCheckpoints=true")));
                // A webhook's secret is shown in the answer itself (a flash attribute would keep it in the session table in clear).
                assertThat(added.status()).as(added.toString()).isEqualTo(200);
                assertThat(added.body()).contains("Channel &#39;" + name + "&#39; added.").contains("id=\"webhook-secret\"");
                JsonNode created = java.util.stream.StreamSupport.stream(admin.http().get("/api/alerts/channels").json().spliterator(), false)
                        .filter(c -> c.path("name").asString().equals(name)).findFirst().orElseThrow();
                assertThat(created.path("receivesCheckpoints").asBoolean()).isTrue();
                deleteChannel(admin.http(), created);
            } finally {
                deleteChannel(admin.http(), channel);
            }
        }
    }


    // ---- alert floods (issue 13): only real emergencies page, coalescing, severity order

    /**
     * Anyone can post to a drill that does not exist or is closed. Such a probe is audited, but it
     * is no emergency event (no emergency account took part), so it raises no alert however often
     * it comes; a refused drill sign-in by a real emergency account still does.
     */
    @Test
    default void probesOfUnknownAndClosedDrillsAreAuditedButRaiseNoAlert() {
        SignedInClient admin = newAdmin();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            JsonNode channel = createChannel(admin.http(), webhook("probes " + System.nanoTime(), receiver.url(), "info"));
            try {
                String closed = startDrill(admin.http(), Map.of());
                assertThat(admin.http().post("/api/drills/" + closed + "/close", "{}").status()).isEqualTo(200);
                await("the drill-start alert", () -> receiver.accepted().size() == 1);

                String state = storedState();
                String windows = windows();
                long head = flushRefusals();
                long alerts = count("select count(*) from alert");
                Client anonymous = client();
                List<String> unknown = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    unknown.add(java.util.UUID.randomUUID().toString());
                }
                unknown.addAll(List.of("no-such-drill", "x".repeat(100), "0", closed.toUpperCase(java.util.Locale.ROOT)));
                for (String id : unknown) {
                    assertProblem(anonymous.post("/api/drills/" + id + "/sign-in", "{}"), 404, "drill.not_found");
                }
                for (int i = 0; i < 10; i++) {
                    assertProblem(anonymous.post("/api/drills/" + closed + "/sign-in", "{\"id\":\"AAAA\"}"), 410, "drill.closed");
                }
                alertDelivery().deliverDue();

                assertThat(count("select count(*) from alert")).as("no alert raised").isEqualTo(alerts);
                assertThat(receiver.requests()).as("nothing delivered").hasSize(1);
                assertThat(windows()).as("no rule counted anything").isEqualTo(windows);
                assertThat(storedState()).isEqualTo(state);
                List<String> probes = jdbc().sql("select action, outcome, reason, emergency, actor from audit_event where seq > :h order by seq")
                        .param("h", head).query((rs, n) -> rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|"
                                + rs.getBoolean(4) + "|" + rs.getString(5)).list();
                // Every probe audited, none as an emergency event: those naming a real (closed) drill one by one,
                // those naming no drill counted into one aggregated entry of the window.
                assertThat(probes).hasSize(10).allMatch(p -> p.equals("drill.signin|failure|drill.closed|false|anonymous (not signed in)"));
                assertThat(aggregatedSince(head)).singleElement().satisfies(e -> {
                    assertThat(e.action()).isEqualTo("drill.signin");
                    assertThat(e.codes()).isEqualTo(java.util.Map.of("drill.not_found", (long) unknown.size()));
                });
                assertThat(count("select count(*) from alert")).as("no alert raised by the aggregated entry either").isEqualTo(alerts);

                // The control: a refused drill sign-in by a real emergency account is an emergency event, and alerts.
                JsonNode account = createAccount(admin.http(), "Break glass " + System.nanoTime(), true, "global-admin");
                String accountId = account.path("id").asString();
                String keyId = registerKey(admin.http(), "Drill key " + System.nanoTime(), "Safe").path("id").asString();
                String otherKey = registerKey(admin.http(), "Other drill key " + System.nanoTime(), "Safe 2").path("id").asString();
                SoftwareAuthenticator key = newKey();
                assertThat(enrol(client(), issueLink(admin.http(), accountId, keyId), key).status()).isEqualTo(201);
                String scoped = startDrill(admin.http(), Map.of("keyId", otherKey));
                assertProblem(drillSignIn(client(), scoped, key, accounts().get(accountId).userHandle()), 400, "drill.out_of_scope");
                await("the drill-signin-failure alert", () -> bodies(receiver.accepted()).stream()
                        .anyMatch(b -> b.path("rules").asString().equals("drill-signin-failure")));
                JsonNode real = bodies(receiver.accepted()).stream().filter(b -> b.path("rules").asString().equals("drill-signin-failure"))
                        .findFirst().orElseThrow();
                assertThat(real.path("severity").asString()).isEqualTo("warning");
                assertThat(real.path("event").path("emergency").asBoolean()).isTrue();
                assertThat(real.path("event").path("target").asString()).isEqualTo(accountId);
                assertThat(real.path("event").path("reason").asString()).isEqualTo("drill.out_of_scope");
                assertThat(admin.http().post("/api/drills/" + scoped + "/close", "{}").status()).isEqualTo(200);
            } finally {
                deleteChannel(admin.http(), channel);
            }
        }
    }

    /**
     * A flood of one rule: the first {@code coalesce-after} alerts are delivered one by one, the
     * rest only counted, and once the clock passes the window exactly one summary arrives, with
     * the count and the audit entries it stands for. The next alert opens a new window.
     */
    @Test
    default void aFloodOfOneRuleIsDeliveredAFewTimesThenSummarisedOnceTheWindowEnds() {
        int after = alertProperties().coalesceAfter();
        Duration window = alertProperties().coalesceWindow();
        SignedInClient admin = newAdmin();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            JsonNode channel = createChannel(admin.http(), webhook("flood " + System.nanoTime(), receiver.url(), "warning"));
            try {
                closeAlertWindows(); // the administrator's own set-up (its key) raised an emergency-change alert
                long head = auditHead();
                int flood = after + 9;
                for (int i = 0; i < flood; i++) {
                    createAccount(admin.http(), "Flood " + i + " " + System.nanoTime(), true);
                }
                List<Long> seqs = auditSince(head).stream().filter(e -> e.action().equals("account.create")).map(AuditRow::seq).toList();
                assertThat(seqs).hasSize(flood);
                awaitDelivered(receiver, after);
                alertDelivery().deliverDue();
                List<JsonNode> delivered = bodies(receiver.accepted());
                assertThat(delivered).as("one by one: the first %d only", after).hasSize(after)
                        .extracting(b -> b.path("event").path("seq").asLong()).containsExactlyElementsOf(seqs.subList(0, after));
                assertThat(delivered.get(after - 1).path("summary").asString()).contains("more alerts of this rule until")
                        .contains("are counted and summarised then");
                assertThat(alertRowsFor(seqs)).as("the counted ones raise no alert row").isEqualTo(after);
                assertThat(window("emergency-change")).isEqualTo(after + "|" + (flood - after) + "|warning|" + seqs.get(after) + "|" + seqs.get(flood - 1));

                clock().advance(window.minusSeconds(1));
                alertDelivery().deliverDue();
                assertThat(receiver.requests()).as("no summary while the window lasts").hasSize(after);

                clock().advance(Duration.ofSeconds(1));
                awaitDelivered(receiver, after + 1);
                alertDelivery().deliverDue();
                assertThat(receiver.requests()).as("exactly one summary").hasSize(after + 1);
                JsonNode summary = bodies(receiver.accepted()).get(after);
                assertThat(summary.path("rules").asString()).isEqualTo("emergency-change");
                assertThat(summary.path("severity").asString()).isEqualTo("warning");
                assertThat(summary.path("test").asBoolean()).isFalse();
                assertThat(summary.path("text").asString()).startsWith("Glasskey alert [WARNING] Change to emergency accounts")
                        .contains(": " + (flood - after) + " more alerts of rule 'emergency-change' since ")
                        .contains("(the first " + after + " of the window were sent one by one)")
                        .contains("[audit #" + seqs.get(after) + " to #" + seqs.get(flood - 1) + "]");
                JsonNode event = summary.path("event");
                assertThat(event.path("coalesced").asBoolean()).isTrue();
                assertThat(event.path("count").asInt()).isEqualTo(flood - after);
                assertThat(event.path("deliveredOneByOne").asInt()).isEqualTo(after);
                assertThat(event.path("firstSeq").asLong()).isEqualTo(seqs.get(after));
                assertThat(event.path("lastSeq").asLong()).isEqualTo(seqs.get(flood - 1));
                assertThat(window("emergency-change")).as("the window is closed").isEqualTo("0|0|null|null|null");

                createAccount(admin.http(), "After the flood " + System.nanoTime(), true);
                awaitDelivered(receiver, after + 2);
                assertThat(bodies(receiver.accepted()).get(after + 1).path("event").path("action").asString())
                        .as("a new window delivers again").isEqualTo("account.create");
                clock().advance(window);
                alertDelivery().deliverDue();
                assertThat(receiver.requests()).as("a window that counted nothing has no summary").hasSize(after + 2);
            } finally {
                deleteChannel(admin.http(), channel);
            }
        }
    }

    /** Several requests raising alerts of one rule at once: every one is delivered or counted, none lost. */
    @Test
    default void concurrentAlertsOfOneRuleLoseNoCount() throws Exception {
        int after = alertProperties().coalesceAfter();
        SignedInClient admin = newAdmin();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            JsonNode channel = createChannel(admin.http(), webhook("concurrent " + System.nanoTime(), receiver.url(), "warning"));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                closeAlertWindows(); // the administrator's own set-up (its key) raised an emergency-change alert
                int threads = 4;
                int each = 6;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> running = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    running.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < each; i++) {
                            createAccount(admin.http(), "Concurrent " + thread + "-" + i + " " + System.nanoTime(), true);
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : running) {
                    f.get(2, TimeUnit.MINUTES);
                }
                int total = threads * each;
                assertThat(window("emergency-change")).startsWith(after + "|" + (total - after) + "|warning|");
                clock().advance(alertProperties().coalesceWindow());
                awaitDelivered(receiver, after + 1);
                alertDelivery().deliverDue();
                List<JsonNode> bodies = bodies(receiver.accepted());
                assertThat(bodies).hasSize(after + 1);
                assertThat(bodies).filteredOn(b -> b.path("event").path("coalesced").asBoolean()).singleElement()
                        .satisfies(b -> assertThat(b.path("event").path("count").asInt()).isEqualTo(total - after));
            } finally {
                pool.shutdownNow();
                deleteChannel(admin.http(), channel);
            }
        }
    }

    /**
     * The row lock itself, without the audit log's own serialisation (which already queues
     * alert-raising transactions): a transaction that has delivered the window's last one-by-one
     * alert holds the rule's row; a second one arriving meanwhile waits for it and then counts its
     * alert, instead of deciding on what it read before the first committed. Then several
     * transactions at once: every alert is delivered or counted, exactly. Deleting the rule
     * delivers what its window counted instead of dropping it.
     */
    @Test
    default void aSecondTransactionWaitsForTheWindowRowAndNoCountIsLostAndARuleDeletionSummarisesIt() throws Exception {
        int after = alertProperties().coalesceAfter();
        SignedInClient admin = newAdmin();
        String ruleId = "flood-" + System.nanoTime();
        assertThat(admin.http().put("/api/alerts/rules/" + ruleId, Map.of("description", "Concurrency probe",
                "actions", "coalescing.probe", "severity", "info")).status()).isEqualTo(200);
        AlertRule rule = new AlertRule(ruleId, "Concurrency probe", List.of("coalescing.probe"), null, null, false, false, Severity.INFO, true);
        assertThat(window(ruleId)).as("a new rule has its window row").isEqualTo("0|0|null|null|null");
        java.util.concurrent.atomic.AtomicLong seq = new java.util.concurrent.atomic.AtomicLong(1_000_000);
        java.util.function.Supplier<Boolean> admitOne = () -> transactions().execute(s -> alertCoalescing().admit(rule, Severity.INFO,
                new AuditEntry(seq.incrementAndGet(), clock().instant(), "test", "coalescing.probe", null, "success", null, false, false,
                        null, null, null, null), Times.now(clock())).deliver());
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            JsonNode channel = createChannel(admin.http(), webhook("deleted rule " + System.nanoTime(), receiver.url(), "info"));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                CountDownLatch firstHolds = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                Future<List<Boolean>> first = pool.submit(() -> transactions().execute(s -> {
                    List<Boolean> delivered = new ArrayList<>();
                    for (int i = 0; i < after; i++) {
                        delivered.add(admitOne.get()); // joins this transaction
                    }
                    firstHolds.countDown();
                    try {
                        assertThat(release.await(1, TimeUnit.MINUTES)).isTrue();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return delivered;
                }));
                assertThat(firstHolds.await(1, TimeUnit.MINUTES)).isTrue();
                Future<Boolean> second = pool.submit(admitOne::get);
                await("the second transaction waiting for the window row", () -> sessionsWaitingOnAlertWindow() > 0);
                release.countDown();
                assertThat(first.get(1, TimeUnit.MINUTES)).as("the first transaction's alerts").hasSize(after).containsOnly(true);
                assertThat(second.get(1, TimeUnit.MINUTES)).as("the second counts on the committed window").isFalse();
                assertThat(window(ruleId)).startsWith(after + "|1|info|");

                int threads = 4;
                int each = 20;
                java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(threads);
                java.util.concurrent.atomic.AtomicInteger delivered = new java.util.concurrent.atomic.AtomicInteger();
                List<Future<?>> running = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    running.add(pool.submit(() -> {
                        together.await();
                        for (int i = 0; i < each; i++) {
                            if (admitOne.get()) {
                                delivered.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    f.get(2, TimeUnit.MINUTES);
                }
                assertThat(delivered.get()).as("the window had delivered its share already").isZero();
                int counted = 1 + threads * each;
                String[] w = window(ruleId).split("\\|");
                assertThat(List.of(w[0], w[1], w[2], w[3])).as("delivered, counted, severity, first entry")
                        .containsExactly(Integer.toString(after), Integer.toString(counted), "info", Long.toString(1_000_000 + after + 1));
                // The last entry is the last one admitted in lock order. In the server an entry's number is
                // taken under the audit head's lock, held to commit, so that is the highest; these synthetic
                // numbers are taken before the window's lock, so any of the concurrent ones can come last.
                assertThat(Long.parseLong(w[4])).as("last entry").isBetween(1_000_000L + after + 2, seq.get());

                assertThat(admin.http().delete("/api/alerts/rules/" + ruleId).status()).isEqualTo(204);
                assertThat(count("select count(*) from alert_window where rule_id = '" + ruleId + "'")).isZero();
                await("the deleted rule's summary", () -> bodies(receiver.accepted()).stream().anyMatch(b -> b.path("rules").asString().equals(ruleId)));
                JsonNode summary = bodies(receiver.accepted()).stream().filter(b -> b.path("rules").asString().equals(ruleId)).findFirst().orElseThrow();
                assertThat(summary.path("event").path("count").asInt()).isEqualTo(counted);
                assertThat(summary.path("severity").asString()).isEqualTo("info");
                assertThat(summary.path("text").asString()).contains("Concurrency probe: " + counted + " more alerts of rule '" + ruleId + "'");
            } finally {
                pool.shutdownNow();
                deleteChannel(admin.http(), channel);
            }
        } finally {
            admin.http().delete("/api/alerts/rules/" + ruleId);
        }
    }

    /** Test alerts bypass the rules: never counted, never held back, however many. */
    @Test
    default void testAlertsAreNeverCoalesced() {
        int tests = alertProperties().coalesceAfter() + 3;
        SignedInClient admin = newAdmin();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            JsonNode channel = createChannel(admin.http(), webhook("tests " + System.nanoTime(), receiver.url(), "critical"));
            try {
                String windows = windows();
                for (int i = 0; i < tests; i++) {
                    Client.Response r = admin.http().post("/api/alerts/channels/" + channel.path("id").asString() + "/test", "{}");
                    assertThat(r.json().path("delivered").asBoolean()).as(r.toString()).isTrue();
                }
                alertDelivery().deliverDue();
                assertThat(bodies(receiver.accepted())).hasSize(tests).allMatch(b -> b.path("test").asBoolean());
                assertThat(windows()).isEqualTo(windows);
            } finally {
                deleteChannel(admin.http(), channel);
            }
        }
    }

    /**
     * Severity order: while a receiver is down, lesser alerts (warnings, info) queue up and are
     * tried once; a critical alert (an emergency sign-in) queued after them is delivered first when
     * the receiver comes back, though it has waited less.
     */
    @Test
    default void aCriticalAlertIsDeliveredBeforeTheLesserOnesQueuedBeforeIt() {
        SignedInClient admin = newAdmin();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            receiver.refuse(Integer.MAX_VALUE);
            JsonNode channel = createChannel(admin.http(), webhook("order " + System.nanoTime(), receiver.url(), "info"));
            String channelId = channel.path("id").asString();
            List<String> drills = new ArrayList<>();
            try {
                // Warnings (changes to an emergency account) and info (drills started) while the receiver is down.
                String accountId = createAccount(admin.http(), "Break glass " + System.nanoTime(), true, "global-admin").path("id").asString();
                String keyId = registerKey(admin.http(), "Order key " + System.nanoTime(), "Safe").path("id").asString();
                SoftwareAuthenticator key = newKey();
                assertThat(enrol(client(), issueLink(admin.http(), accountId, keyId), key).status()).isEqualTo(201);
                for (int i = 0; i < 3; i++) {
                    drills.add(startDrill(admin.http(), Map.of("reason", "order " + i)));
                }
                await("every lesser alert tried once", () -> pending(admin, channelId).size() >= 6
                        && pending(admin, channelId).stream().allMatch(d -> d.path("attempts").asInt() >= 1));

                // Later, the critical one.
                clock().advance(Duration.ofSeconds(1));
                assertThat(signIn(client(), key, accounts().get(accountId).userHandle()).status()).isEqualTo(200);
                await("the critical alert tried once", () -> pending(admin, channelId).stream()
                        .anyMatch(d -> d.path("summary").asString().startsWith("Emergency account signed in") && d.path("attempts").asInt() >= 1));
                int queued = pending(admin, channelId).size();

                // The receiver is back and everything is due again: most severe first.
                receiver.refuse(0);
                int before = receiver.requests().size();
                clock().advance(Duration.ofMinutes(1));
                await("every queued alert", () -> receiver.accepted().size() == queued);
                List<JsonNode> order = bodies(receiver.requests().subList(before, receiver.requests().size()));
                List<Integer> priorities = order.stream().map(b -> Severity.parse(b.path("severity").asString(), "severity").priority).toList();
                assertThat(priorities).as("severities in delivery order: %s", order.stream().map(b -> b.path("severity").asString() + " "
                        + b.path("rules").asString()).toList()).isSorted();
                assertThat(priorities).contains(2, 3);
                int signInAt = java.util.stream.IntStream.range(0, order.size())
                        .filter(i -> order.get(i).path("rules").asString().equals("emergency-signin")).findFirst().orElseThrow();
                assertThat(priorities.subList(0, signInAt + 1)).as("the emergency sign-in before any lesser alert").containsOnly(1);
            } finally {
                receiver.refuse(0);
                for (String drill : drills) {
                    admin.http().post("/api/drills/" + drill + "/close", "{}");
                }
                deleteChannel(admin.http(), channel);
            }
        }
    }

    // ---- helpers (channels: AlertChannels)

    default List<JsonNode> bodies(List<WebhookReceiver.Request> requests) {
        return requests.stream().map(r -> Client.JSON.readTree(r.body())).toList();
    }

    /** Every coalescing window as stored, for before/after comparisons. */
    default String windows() {
        return String.join("\n", jdbc().sql("select rule_id, opened_at, closes_at, delivered, suppressed, severity, first_seq, last_seq"
                + " from alert_window order by rule_id").query((rs, n) -> rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3)
                + "|" + rs.getInt(4) + "|" + rs.getInt(5) + "|" + rs.getString(6) + "|" + rs.getString(7) + "|" + rs.getString(8)).list());
    }

    /** One rule's window: "delivered|suppressed|severity|firstSeq|lastSeq". */
    default String window(String ruleId) {
        return jdbc().sql("select delivered, suppressed, severity, first_seq, last_seq from alert_window where rule_id = :id")
                .param("id", ruleId).query((rs, n) -> rs.getInt(1) + "|" + rs.getInt(2) + "|" + rs.getString(3) + "|"
                        + rs.getString(4) + "|" + rs.getString(5)).single();
    }

    default long alertRowsFor(List<Long> seqs) {
        return jdbc().sql("select count(*) from alert where audit_seq in (:seqs)").param("seqs", seqs).query(Long.class).single();
    }

    /** The channel's undelivered outbox rows, as the API lists them. */
    default List<JsonNode> pending(SignedInClient admin, String channelId) {
        JsonNode rows = admin.http().get("/api/alerts/deliveries?status=pending&channel=" + channelId).json();
        List<JsonNode> list = new ArrayList<>();
        rows.forEach(list::add);
        return list;
    }
}
