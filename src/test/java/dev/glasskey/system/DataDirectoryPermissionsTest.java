package dev.glasskey.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.glasskey.cli.GlasskeyCommand;
import dev.glasskey.testing.ServerJvm;
import dev.glasskey.testing.CommandOutput;
import dev.glasskey.testing.Servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 14, item 1: the data directory is 0700 and every file in it 0600 from the very first
 * start; a start finding the directory, the database file or master.key open to other users is
 * refused with one paragraph and exit code 77 (in a second JVM, as an operator meets it, and from
 * the command line), unless {@code glasskey.data-dir.allow-open-permissions=true}.
 */
class DataDirectoryPermissionsTest {

    @Test
    void aFreshStartMakesTheDirectoryOwnerOnlyAndEveryFileInIt(@TempDir Path parent) throws Exception {
        Path dataDir = parent.resolve("data");
        try (ConfigurableApplicationContext context = Servers.start(dataDir, "--glasskey.emergency.monitor-initial-delay=PT0S")) {
            Path snapshot = dataDir.resolve("readiness.json");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(snapshot) && System.nanoTime() < deadline) {
                Thread.sleep(50); // bounded wait for the readiness monitor's first run, not a timing assumption
            }
            assertThat(permissions(dataDir)).isEqualTo("rwx------");
            assertThat(files(dataDir)).contains("glasskey.mv.db", "master.key", "readiness.json");
            for (String file : files(dataDir)) {
                assertThat(permissions(dataDir.resolve(file))).as(file).isEqualTo("rw-------");
            }

            // A file H2 makes later (its trace file, a temporary result) gets the process umask: the maintenance pass tightens it.
            Path trace = Files.createFile(dataDir.resolve("glasskey.trace.db"), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-r--r--")));
            Files.setPosixFilePermissions(trace, PosixFilePermissions.fromString("rw-r--r--"));
            assertThat(context.getBean(H2FileMaintenance.class).runOnce()).isTrue();
            assertThat(permissions(trace)).isEqualTo("rw-------");
        }
        for (String file : files(dataDir)) {
            assertThat(permissions(dataDir.resolve(file))).as("%s after the server stopped", file).isEqualTo("rw-------");
        }
    }

    @Test
    void anOpenDataDirectoryStopsTheServerWithItsExitCodeAndTouchesNothing(@TempDir Path parent) throws IOException {
        Path dataDir = Files.createDirectory(parent.resolve("open"));
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        CommandOutput out = ServerJvm.run(List.of("-XX:TieredStopAtLevel=1"), List.of("--glasskey.data-dir=" + dataDir, "--server.port=0"),
                Map.of(), Path.of("target", "open-data-dir.log"));
        assertThat(out.exitCode()).as(out.text()).isEqualTo(StartupRefusal.OPEN_PERMISSIONS).isEqualTo(77);
        assertThat(out.text()).contains("APPLICATION FAILED TO START")
                .contains("The data directory " + dataDir + " is open to other users (rwxr-xr-x; owner-only is rwx------, 700)")
                .contains("chmod 700 " + dataDir).contains("glasskey.data-dir.allow-open-permissions=true");
        assertThat(files(dataDir)).as("nothing created").isEmpty();
        assertThat(permissions(dataDir)).as("nothing changed").isEqualTo("rwxr-xr-x");

        // The command line refuses the same way.
        CommandOutput rewrap = CommandOutput.capture(() -> GlasskeyCommand.run("keys", "rewrap", "--data-dir", dataDir.toString()));
        assertThat(rewrap.exitCode()).as(rewrap.text()).isEqualTo(77);
        assertThat(rewrap.text()).contains("is open to other users");
        assertThat(files(dataDir)).isEmpty();
    }

    @Test
    void anOpenDatabaseFileOrMasterKeyIsRefusedToo(@TempDir Path dataDir) throws IOException {
        Servers.start(dataDir).close();
        Path database = dataDir.resolve("glasskey.mv.db");
        Files.setPosixFilePermissions(database, PosixFilePermissions.fromString("rw-r--r--"));
        assertRefused(dataDir, "The database file " + database + " is open to other users (rw-r--r--; owner-only is rw-------, 600)",
                "chmod 600 " + database);
        assertThat(permissions(database)).isEqualTo("rw-r--r--");

        Files.setPosixFilePermissions(database, PosixFilePermissions.fromString("rw-------"));
        Path masterKey = dataDir.resolve("master.key");
        Files.setPosixFilePermissions(masterKey, PosixFilePermissions.fromString("rw-r-----"));
        assertRefused(dataDir, "The key-encryption key " + masterKey + " is open to other users (rw-r-----", "chmod 600 " + masterKey);

        Files.setPosixFilePermissions(masterKey, PosixFilePermissions.fromString("rw-------"));
        Servers.start(dataDir).close();
    }

    @Test
    void theOverrideRunsAnywayAndLeavesThePermissionsAsTheOperatorSetThem(@TempDir Path parent) throws IOException {
        Path dataDir = Files.createDirectory(parent.resolve("shared"));
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-x---"));
        try (ConfigurableApplicationContext context = Servers.start(dataDir, "--glasskey.data-dir.allow-open-permissions=true")) {
            assertThat(context.isRunning()).isTrue();
        }
        assertThat(permissions(dataDir)).isEqualTo("rwxr-x---");
        assertThat(permissions(dataDir.resolve("glasskey.mv.db"))).as("what Glasskey creates is still owner-only").isEqualTo("rw-------");
        assertThat(permissions(dataDir.resolve("master.key"))).isEqualTo("rw-------");
    }

    @Test
    void onlyEmbeddedH2FileUrlsNameADatabaseFile() {
        assertThat(EmbeddedDatabaseFiles.databaseFile("jdbc:h2:file:/srv/gk/glasskey;WRITE_DELAY=0")).contains(Path.of("/srv/gk/glasskey.mv.db"));
        assertThat(EmbeddedDatabaseFiles.databaseFile("jdbc:h2:/srv/gk/db")).contains(Path.of("/srv/gk/db.mv.db"));
        assertThat(EmbeddedDatabaseFiles.databaseFile("jdbc:h2:~/gk")).contains(Path.of(System.getProperty("user.home"), "gk.mv.db"));
        for (String other : List.of("jdbc:h2:mem:x", "jdbc:h2:tcp://db/gk", "jdbc:h2:nio:/srv/gk", "jdbc:postgresql://db/gk", "")) {
            assertThat(EmbeddedDatabaseFiles.databaseFile(other)).as(other).isEmpty();
        }
    }

    private static void assertRefused(Path dataDir, String problem, String fix) {
        assertThatThrownBy(() -> Servers.start(dataDir).close()).satisfies(e -> {
            StartupRefusal refused = StartupRefusal.in(e);
            assertThat(refused).as("refused: %s", e).isNotNull();
            assertThat(refused.exitCode()).isEqualTo(77);
            assertThat(refused.getMessage()).contains(problem);
            assertThat(refused.action()).contains(fix);
        });
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
