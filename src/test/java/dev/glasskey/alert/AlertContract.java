package dev.glasskey.alert;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import dev.glasskey.testing.Client;
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

    AlertReadiness alertReadiness();

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
                String secret = jdbc().sql("select secret from alert_channel where id = :id").param("id", webhook.path("id").asString())
                        .query(String.class).single();
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
    java.util.Optional<dev.glasskey.audit.AuditCheckpoint> checkpoint();

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
                assertThat(added.status()).as(added.toString()).isEqualTo(302);
                JsonNode created = java.util.stream.StreamSupport.stream(admin.http().get("/api/alerts/channels").json().spliterator(), false)
                        .filter(c -> c.path("name").asString().equals(name)).findFirst().orElseThrow();
                assertThat(created.path("receivesCheckpoints").asBoolean()).isTrue();
                deleteChannel(admin.http(), created);
            } finally {
                deleteChannel(admin.http(), channel);
            }
        }
    }
}
