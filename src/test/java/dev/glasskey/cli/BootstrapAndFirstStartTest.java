package dev.glasskey.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.glasskey.GlasskeyApplication;
import dev.glasskey.audit.AuditIntegrity;
import dev.glasskey.audit.PinnedKeys;
import dev.glasskey.system.GlasskeyProperties;
import dev.glasskey.system.ServerKeys;
import dev.glasskey.testing.ApplicationJvm;
import dev.glasskey.testing.CommandOutput;
import dev.glasskey.testing.ServerJvm;
import dev.glasskey.testing.Servers;
import dev.glasskey.webauthn.FirstAdministrator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * First start and the local recovery command, each on its own fresh data directory: the
 * schema and server keys are created, a single-use link is printed, and {@code bootstrap}
 * issues a flagged, audited recovery link.
 */
class BootstrapAndFirstStartTest {

    @Test
    void firstStartCreatesSchemaKeysAndOneAdministratorLink(@TempDir Path dataDir) {
        try (ConfigurableApplicationContext context = start(dataDir)) {
            FirstAdministrator first = context.getBean(FirstAdministrator.class);
            assertThat(first.lastLink()).isPresent();
            assertThat(first.lastLink().get().url()).startsWith("http://localhost:").contains("/enrol/");
            JdbcClient jdbc = context.getBean(JdbcClient.class);
            assertThat(count(jdbc, "select count(*) from server_key where purpose = 'audit-signing'")).isEqualTo(1);
            assertThat(count(jdbc, "select count(*) from server_key where purpose = 'challenge-mac'")).isEqualTo(1);
            assertThat(count(jdbc, "select count(*) from enrolment where purpose = 'first-admin' and used_at is null")).isEqualTo(1);
            // No password, no user store: Boot's generated in-memory user is not there.
            assertThat(context.containsBean("inMemoryUserDetailsManager")).isFalse();
        }
        assertThat(Files.exists(dataDir.resolve("glasskey.mv.db"))).isTrue();
        // A second start with still no administrator enrolled: a fresh link supersedes the first.
        try (ConfigurableApplicationContext context = start(dataDir)) {
            JdbcClient jdbc = context.getBean(JdbcClient.class);
            assertThat(count(jdbc, "select count(*) from enrolment where purpose = 'first-admin'")).isEqualTo(2);
            assertThat(count(jdbc, "select count(*) from enrolment where purpose = 'first-admin' and used_at is null")).isEqualTo(1);
            // The server keys are made once, not at every start.
            assertThat(count(jdbc, "select count(*) from server_key")).isEqualTo(2);
        }
    }

    @Test
    void bootstrapIssuesFlaggedRecoveryLinkAndRefusesWhileServerHoldsTheDatabase(@TempDir Path dataDir) {
        CommandOutput out = CommandOutput.capture(() -> GlasskeyCommand.run("bootstrap", "--reason", "all admins lost their keys",
                "--data-dir", dataDir.toString()));
        assertThat(out.exitCode()).as(out.text()).isZero();
        assertThat(out.text()).contains("/enrol/");

        try (ConfigurableApplicationContext context = start(dataDir)) {
            JdbcClient jdbc = context.getBean(JdbcClient.class);
            assertThat(count(jdbc, "select count(*) from enrolment where purpose = 'bootstrap' and used_at is null")).isEqualTo(1);
            assertThat(count(jdbc, "select count(*) from audit_event where action = 'bootstrap.use' and flagged = true"
                    + " and detail = 'all admins lost their keys' and actor = 'cli (local command line)'")).isEqualTo(1);

            // H2 shares an open database within one JVM, so the lock is tested from a second process,
            // as an operator would meet it.
            CommandOutput locked = runInNewJvm("bootstrap", "--reason", "again", "--data-dir", dataDir.toString());
            assertThat(locked.exitCode()).as(locked.text()).isEqualTo(3);
            assertThat(locked.text()).contains("in use by a running Glasskey server");
        }
    }

    /**
     * Issue 14: with only another port set, the base URL, the origins and so the first-start link
     * follow it; the audit-signing key is pinned outside the database on the first start (and its
     * fingerprint printed), and left alone at the next.
     */
    @Test
    void aPortOnlyStartLinksToItsPortAndPinsTheAuditKeyOnce(@TempDir Path dataDir) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ConfigurableApplicationContext[] started = new ConfigurableApplicationContext[1];
        CommandOutput first = CommandOutput.capture(() -> {
            started[0] = new SpringApplication(GlasskeyApplication.class).run("--glasskey.data-dir=" + dataDir, "--server.port=" + port,
                    "--logging.level.root=warn");
            return 0;
        });
        Path pinnedFile = dataDir.resolve("audit-trusted-keys.pem");
        String pinnedText;
        try (ConfigurableApplicationContext context = started[0]) {
            assertThat(context.getBean(FirstAdministrator.class).lastLink().orElseThrow().url())
                    .startsWith("http://localhost:" + port + "/enrol/");
            GlasskeyProperties properties = context.getBean(GlasskeyProperties.class);
            assertThat(properties.baseUrl()).isEqualTo("http://localhost:" + port);
            assertThat(properties.origins()).containsExactly("http://localhost:" + port);
            assertThat(properties.rpId()).isEqualTo("localhost");
            ServerKeys.SigningKey active = context.getBean(ServerKeys.class).signingKey(ServerKeys.AUDIT_SIGNING);
            PinnedKeys pinned = PinnedKeys.read(pinnedFile);
            assertThat(pinned.keys()).hasSize(1);
            assertThat(pinned.pins(active.publicKey())).isTrue();
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(pinnedFile))).isEqualTo("rw-------");
            assertThat(first.out()).contains("Audit checkpoints are signed with key " + active.id()).contains(pinnedFile.toString())
                    .contains(AuditIntegrity.fingerprint(active.publicKey()));
            pinnedText = Files.readString(pinnedFile);
        }
        CommandOutput second = CommandOutput.capture(() -> {
            new SpringApplication(GlasskeyApplication.class).run("--glasskey.data-dir=" + dataDir, "--server.port=" + port,
                    "--logging.level.root=warn").close();
            return 0;
        });
        assertThat(second.out()).doesNotContain("Audit checkpoints are signed with key");
        assertThat(Files.readString(pinnedFile)).isEqualTo(pinnedText);
    }

    /** {@code glasskey bootstrap --base-url} makes the link for that URL, and refuses one that is not a URL (exit 2, nothing opened). */
    @Test
    void bootstrapTakesTheBaseUrlLikeTheServer(@TempDir Path dataDir) {
        CommandOutput out = CommandOutput.capture(() -> GlasskeyCommand.run("bootstrap", "--reason", "keys lost", "--data-dir",
                dataDir.resolve("a").toString(), "--base-url", "https://glasskey.example.org"));
        assertThat(out.exitCode()).as(out.text()).isZero();
        assertThat(out.out()).contains("https://glasskey.example.org/enrol/");

        CommandOutput refused = CommandOutput.capture(() -> GlasskeyCommand.run("bootstrap", "--reason", "keys lost", "--data-dir",
                dataDir.resolve("b").toString(), "--base-url", "glasskey.example.org"));
        assertThat(refused.exitCode()).as(refused.text()).isEqualTo(2);
        assertThat(refused.err()).contains("bootstrap refused: glasskey.base-url 'glasskey.example.org' is not an absolute http(s) URL");
        assertThat(Files.exists(dataDir.resolve("b"))).isFalse();
    }

    @Test
    void aRelativeDataDirectoryWithoutDotSlashIsAccepted() throws java.io.IOException {
        // H2 itself refuses "data/glasskey"; the server resolves it against the working directory.
        Path relative = Path.of("target", "relative-data-" + System.nanoTime());
        try (ConfigurableApplicationContext context = new SpringApplication(GlasskeyApplication.class).run(
                "--glasskey.data-dir=" + relative, "--server.port=0", "--logging.level.root=warn")) {
            assertThat(context.getEnvironment().getProperty("glasskey.data-dir")).isEqualTo(relative.toAbsolutePath().toString());
        }
        assertThat(Files.exists(relative.resolve("glasskey.mv.db"))).isTrue();
        try (var files = Files.walk(relative)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void readinessExitCodeFollowsTheReportAndFallsBackToTheServersSnapshot(@TempDir Path dataDir) throws Exception {
        // An empty installation has no usable emergency account: fail, exit code 2.
        CommandOutput out = CommandOutput.capture(() -> GlasskeyCommand.run("readiness", "--data-dir", dataDir.toString()));
        assertThat(out.exitCode()).as(out.text()).isEqualTo(2);
        assertThat(out.text()).contains("Emergency readiness: FAIL").contains("[fail] At least 2 usable emergency accounts");
        CommandOutput json = CommandOutput.capture(() -> GlasskeyCommand.run("readiness", "--json", "--data-dir", dataDir.toString()));
        assertThat(json.exitCode()).isEqualTo(2);
        assertThat(json.text()).contains("\"status\" : \"FAIL\"");

        // While a server holds the embedded database, the command reads the snapshot the server writes.
        try (ConfigurableApplicationContext context = Servers.start(dataDir, "--glasskey.emergency.monitor-initial-delay=PT0S")) {
            Path snapshot = dataDir.resolve("readiness.json");
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(snapshot) && System.nanoTime() < deadline) {
                Thread.sleep(50); // bounded wait for the monitor's first run, not a timing assumption
            }
            assertThat(snapshot).exists();
            CommandOutput locked = runInNewJvm("readiness", "--data-dir", dataDir.toString());
            assertThat(locked.exitCode()).as(locked.text()).isEqualTo(2);
            assertThat(locked.text()).contains("from the running server's snapshot");
        }
    }

    @Test
    void bootstrapWithoutReasonIsRefusedByTheParser() {
        CommandOutput out = CommandOutput.capture(() -> GlasskeyCommand.run("bootstrap"));
        assertThat(out.exitCode()).isEqualTo(2);
        assertThat(out.text()).contains("Missing required option: '--reason");
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        return Servers.start(dataDir);
    }

    private static long count(JdbcClient jdbc, String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }


    private static CommandOutput runInNewJvm(String... args) {
        return ServerJvm.run(java.util.List.of(), java.util.List.of(args), java.util.Map.of(), Path.of("target", "cli-" + args[0] + ".log"));
    }

}
