package dev.glasskey.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.glasskey.GlasskeyApplication;
import dev.glasskey.testing.Client;
import dev.glasskey.testing.CommandOutput;
import dev.glasskey.testing.Prometheus;
import dev.glasskey.testing.ServerJvm;
import dev.glasskey.testing.Servers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18: {@code glasskey status} summarises the server, its database, emergency readiness and
 * alerting — asking the running server on its management port, or, with none running, reading the
 * database — with the exit codes its usage documents; and {@code application.properties} in the
 * working directory is read, by the server and by the command line alike, as the README says.
 */
class StatusCommandTest {

    @Test
    void withNoServerRunningStatusReadsTheDatabaseAndSaysTheServerIsNotRunning(@TempDir Path dir) {
        String url = "http://127.0.0.1:" + freePort() + "/actuator";
        CommandOutput out = CommandOutput.capture(() -> GlasskeyCommand.run("status", "--url", url, "--data-dir", dir.toString()));
        assertThat(out.exitCode()).as(out.toString()).isEqualTo(StatusCommand.NOT_RUNNING).isEqualTo(4);
        assertThat(out.out()).contains("server:    not running (nothing answers at " + url + ")")
                .contains("database:  readable (embedded H2 in " + dir + "), read by this command")
                .contains("readiness: FAIL (0 usable emergency accounts, minimum 2;")
                .contains("[fail] At least 2 usable emergency accounts")
                .contains("alerting:  FAIL No alert channel is enabled");
        assertThat(out.text()).doesNotContain("Exception");
    }

    @Test
    void withTheServerRunningStatusAsksItsManagementPort(@TempDir Path dir) {
        try (ConfigurableApplicationContext server = Servers.start(dir, "--glasskey.emergency.monitor-enabled=false")) {
            String url = Prometheus.managementUrl(server);
            // The server holds the embedded database: the command does not open it, it asks the server.
            CommandOutput out = CommandOutput.capture(() -> GlasskeyCommand.run("status", "--url", url, "--data-dir", dir.toString()));
            assertThat(out.exitCode()).as(out.toString()).isEqualTo(2);
            assertThat(out.out()).contains("server:    running, glasskey development build, ready; health UP at " + url)
                    .contains("database:  up (H2)")
                    .contains("readiness: FAIL (0 usable emergency accounts, minimum 2;")
                    .contains("alerting:  FAIL No alert channel is enabled");
            assertThat(out.text()).doesNotContain("Exception").doesNotContain("in use by");
        }
    }

    @Test
    void statusAndTheServerReadApplicationPropertiesInTheWorkingDirectory(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("elsewhere").resolve("data");
        int management = freePort();
        // No argument names the data directory or the management port: only ./application.properties does.
        Files.writeString(dir.resolve("application.properties"), String.join("\n",
                "glasskey.data-dir=" + data,
                "server.port=0",
                "management.server.port=" + management,
                "glasskey.emergency.monitor-enabled=false",
                "logging.level.root=warn", ""));
        String url = "http://127.0.0.1:" + management + "/actuator";
        try (ServerJvm server = ServerJvm.start(inDirectory(dir, List.of()), dir.resolve("server.log"))) {
            awaitHealthy(server, url + "/health");
            assertThat(data.resolve("glasskey.mv.db")).exists();
            CommandOutput running = runIn(dir, "status");
            assertThat(running.exitCode()).as(running.text()).isEqualTo(2);
            assertThat(running.text()).contains("server:    running").contains("at " + url).contains("readiness: FAIL");
            server.process().destroy(); // SIGTERM: the server closes its database
            assertThat(server.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        CommandOutput stopped = runIn(dir, "status");
        assertThat(stopped.exitCode()).as(stopped.text()).isEqualTo(4);
        assertThat(stopped.text()).contains("server:    not running (nothing answers at " + url + ")")
                .contains("database:  readable (embedded H2 in " + data + ")");
    }

    /** Glasskey in a JVM of its own whose working directory is {@code dir}, with no configuration on its command line. */
    private static ProcessBuilder inDirectory(Path dir, List<String> args) {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), GlasskeyApplication.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).directory(dir.toFile());
    }

    private static CommandOutput runIn(Path dir, String... args) {
        try (ServerJvm jvm = ServerJvm.start(inDirectory(dir, List.of(args)), dir.resolve("cli-" + System.nanoTime() + ".log"))) {
            return jvm.awaitExit(Duration.ofMinutes(2));
        }
    }

    private static void awaitHealthy(ServerJvm server, String url) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(server.process().isAlive()).as("the server ended: %s", server.output()).isTrue();
            try {
                Client.Response r = Prometheus.get(url);
                if (r.status() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(100); // polling a starting server, bounded by the deadline
        }
        throw new AssertionError("the server did not become healthy at " + url + ":\n" + server.output());
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
