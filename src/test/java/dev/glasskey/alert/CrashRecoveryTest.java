package dev.glasskey.alert;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.glasskey.GlasskeyApplication;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.audit.AuditIntegrity;
import dev.glasskey.audit.AuditVerification;
import dev.glasskey.system.Actor;
import dev.glasskey.testing.ApplicationJvm;
import dev.glasskey.testing.Postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Durable delivery across a crash. Alerts are queued (20 flagged 'bootstrap.use' entries, each
 * alerting a webhook and a TCP syslog channel), then the server runs as its own JVM; the webhook
 * receiver takes a few, then holds one request unanswered, and the server is killed with SIGKILL
 * (Process.destroyForcibly) while that request is in flight and the rest are pending. After a
 * restart on the same database every (alert, channel) reaches its receiver under its
 * idempotency key — none missing, a repeated one only ever the same key — and the audit chain
 * still verifies. On H2 (file) and on PostgreSQL.
 */
class CrashRecoveryTest {
    private static final int ALERTS = 20;
    /**
     * Every one of the 20 alerts (one rule) is its own delivery here: this test is about durable
     * delivery, and coalescing would hold all but the first few for a summary (AlertContract covers that).
     */
    private static final String NO_COALESCING = "--glasskey.alerts.coalesce-window=PT0S";
    private static final Pattern SYSLOG_KEY = Pattern.compile("idempotencyKey=\"([0-9a-f-]{36})\"");

    @Test
    void alertsSurviveSigkillOnH2(@TempDir Path dataDir) throws Exception {
        run(List.of("--glasskey.data-dir=" + dataDir), dataDir, () -> {
            // While the server holds the embedded database, the command refuses clearly (exit code 3).
            Process verify = new ProcessBuilder(ApplicationJvm.command(List.of("-XX:TieredStopAtLevel=1"),
                    List.of("audit", "verify", "--data-dir", dataDir.toString()))).redirectErrorStream(true).start();
            String out = new String(verify.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(verify.exitValue()).as(out).isEqualTo(3);
            assertThat(out).contains("in use by a running Glasskey server");
        });
    }

    @Test
    @EnabledIf(value = "dev.glasskey.testing.Postgres#available", disabledReason = "PostgreSQL is not reachable on 127.0.0.1:5432")
    void alertsSurviveSigkillOnPostgres(@TempDir Path dataDir) throws Exception {
        String schema = Postgres.freshSchema();
        run(List.of("--glasskey.data-dir=" + dataDir, "--spring.datasource.url=" + Postgres.URL + "?currentSchema=" + schema,
                "--spring.datasource.username=" + Postgres.USER, "--spring.datasource.password="), dataDir, () -> { });
    }

    interface WhileRunning {
        void check() throws Exception;
    }

    private void run(List<String> database, Path dataDir, WhileRunning whileSecondServerRuns) throws Exception {
        try (WebhookReceiver webhook = new WebhookReceiver(); SyslogListener syslog = SyslogListener.tcp()) {
            // 1. Queue the alerts offline, as the CLI would.
            String webhookChannel;
            String syslogChannel;
            try (ConfigurableApplicationContext context = offline(database)) {
                AlertService alerts = context.getBean(AlertService.class);
                webhookChannel = alerts.create(Actor.CLI, new AlertService.ChannelRequest("crash webhook", "webhook", true, "info",
                        new ChannelSettings(webhook.url(), null, null, null, null, null, null, null, null, null), null)).id();
                syslogChannel = alerts.create(Actor.CLI, new AlertService.ChannelRequest("crash syslog", "syslog", true, "info",
                        new ChannelSettings(null, "127.0.0.1", syslog.port(), null, null, null, null, "tcp", null, null), null)).id();
                Audit audit = context.getBean(Audit.class);
                for (int i = 0; i < ALERTS; i++) {
                    audit.record(AuditEvent.success(Actor.CLI, "bootstrap.use", "crash-" + i, false, "crash test " + i).flag());
                }
            }

            // 2. The server delivers a few, then one webhook call hangs; SIGKILL while it is in flight.
            webhook.holdAfter(5);
            Process first = start(database, dataDir.resolve("server-1.log"));
            try {
                await("a webhook call in flight", () -> webhook.held() == 1, first, dataDir.resolve("server-1.log"));
            } finally {
                first.destroyForcibly();
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            Set<String> beforeCrash = keys(webhook.accepted());
            assertThat(beforeCrash).as("pending at the crash").hasSize(5);
            webhook.release();

            // 3. Restart on the same database: everything arrives.
            Process second = start(database, dataDir.resolve("server-2.log"));
            try {
                await("every alert on both channels", () -> keys(webhook.accepted()).size() == ALERTS
                        && syslogKeys(syslog.messages()).size() == ALERTS, second, dataDir.resolve("server-2.log"));
                whileSecondServerRuns.check();
            } finally {
                second.destroy();
                if (!second.waitFor(30, TimeUnit.SECONDS)) {
                    second.destroyForcibly();
                }
            }

            // 4. Exactly once per (alert, channel) by idempotency key; the chain verifies.
            try (ConfigurableApplicationContext context = offline(database)) {
                JdbcClient jdbc = context.getBean(JdbcClient.class);
                Map<String, Set<String>> expected = jdbc.sql("select id, channel_id from alert_delivery where channel_id in (:a, :b)")
                        .param("a", webhookChannel).param("b", syslogChannel)
                        .query((rs, n) -> Map.entry(rs.getString(2), rs.getString(1))).list().stream()
                        .collect(Collectors.groupingBy(Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toSet())));
                assertThat(expected.get(webhookChannel)).hasSize(ALERTS);
                assertThat(expected.get(syslogChannel)).hasSize(ALERTS);
                assertThat(keys(webhook.accepted())).isEqualTo(expected.get(webhookChannel));
                assertThat(syslogKeys(syslog.messages())).isEqualTo(expected.get(syslogChannel));
                // The call cut off by the crash was sent again under the same key; nothing else was repeated.
                String heldKey = webhook.requests().stream().filter(r -> r.answered() == 0).findFirst().orElseThrow().idempotencyKey();
                assertThat(webhook.accepted()).extracting(WebhookReceiver.Request::idempotencyKey).doesNotHaveDuplicates().contains(heldKey);
                assertThat(jdbc.sql("select count(*) from alert_delivery where status <> 'delivered'").query(Long.class).single()).isZero();
                AuditVerification chain = context.getBean(AuditIntegrity.class).verifyDatabase(n -> { }, 0);
                assertThat(chain.intact()).as(String.valueOf(chain.problem())).isTrue();
                assertThat(chain.entries()).isGreaterThanOrEqualTo(ALERTS + 2);
            }
        }
    }

    private static ConfigurableApplicationContext offline(List<String> database) {
        SpringApplication app = new SpringApplication(GlasskeyApplication.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        List<String> args = new ArrayList<>(database);
        args.add("--glasskey.first-start.enabled=false");
        args.add("--logging.level.root=warn");
        args.add(NO_COALESCING);
        return app.run(args.toArray(String[]::new));
    }

    private static Process start(List<String> database, Path log) throws IOException {
        List<String> command = ApplicationJvm.command(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), database);
        command.addAll(List.of("--server.port=" + freePort(), "--logging.level.root=warn",
                "--glasskey.alerts.poll-interval=PT0.1S", "--glasskey.alerts.lease=PT1S",
                "--glasskey.alerts.retry-initial=PT0.2S", "--glasskey.alerts.retry-max=PT1S", NO_COALESCING));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void await(String what, BooleanSupplier condition, Process server, Path log) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (!server.isAlive()) {
                fail("server exited (" + server.exitValue() + ") before " + what + ":\n" + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what + ":\n" + Files.readString(log));
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }

    private static Set<String> keys(List<WebhookReceiver.Request> requests) {
        return requests.stream().map(WebhookReceiver.Request::idempotencyKey).collect(Collectors.toSet());
    }

    private static Set<String> syslogKeys(List<String> messages) {
        Set<String> keys = new HashSet<>();
        for (String m : messages) {
            Matcher matcher = SYSLOG_KEY.matcher(m);
            if (matcher.find()) {
                keys.add(matcher.group(1));
            }
        }
        return keys;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
