package dev.glasskey.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

import org.springframework.context.ConfigurableApplicationContext;

import dev.glasskey.emergency.ReadinessCheck;
import dev.glasskey.emergency.ReadinessJson;
import dev.glasskey.emergency.ReadinessReport;
import dev.glasskey.emergency.ReadinessService;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Readiness for monitoring: exit code 0 pass, 1 warn, 2 fail (also when readiness cannot be
 * determined). Reads the database; while a server holds the embedded database, reads the
 * snapshot the server writes into the data directory instead, and fails if it is stale.
 */
@Command(mixinStandardHelpOptions = true, name = "readiness", description = "Check emergency readiness. Exit code 0 pass, 1 warn, 2 fail.")
class ReadinessCommand implements Callable<Integer> {
    /** The server rewrites the snapshot every monitor interval (5 minutes by default). */
    static final Duration MAX_SNAPSHOT_AGE = Duration.ofMinutes(15);

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--data-dir", description = "Data directory of the embedded database (default: as the server, ./data or GLASSKEY_DATA_DIR).")
    String dataDir;

    @Override
    public Integer call() {
        ReadinessReport report;
        try (ConfigurableApplicationContext context = dataDir == null ? GlasskeyCommand.offlineContext()
                : GlasskeyCommand.offlineContext("--glasskey.data-dir=" + dataDir)) {
            report = context.getBean(ReadinessService.class).report();
        } catch (RuntimeException e) {
            if (!(e instanceof GlasskeyCommand.DatabaseHeld)) {
                System.err.println("readiness unknown: cannot read the database: " + GlasskeyCommand.describe(e));
                return ReadinessCheck.Status.FAIL.exitCode();
            }
            Integer fromSnapshot = fromSnapshot();
            if (fromSnapshot != null) {
                return fromSnapshot;
            }
            return ReadinessCheck.Status.FAIL.exitCode();
        }
        print(report, null);
        return report.status().exitCode();
    }

    private Integer fromSnapshot() {
        String dir = dataDir != null ? dataDir : System.getenv().getOrDefault("GLASSKEY_DATA_DIR", "./data");
        Path file = Path.of(dir).resolve("readiness.json");
        try {
            ReadinessReport report = ReadinessJson.read(Files.readString(file));
            Duration age = Duration.between(report.computedAt(), Instant.now());
            if (age.compareTo(MAX_SNAPSHOT_AGE) > 0) {
                System.err.println("readiness unknown: the running server's snapshot " + file + " is " + age.toMinutes()
                        + " minutes old (more than " + MAX_SNAPSHOT_AGE.toMinutes() + "); is the server's readiness monitor running?");
                return ReadinessCheck.Status.FAIL.exitCode();
            }
            print(report, "from the running server's snapshot " + file);
            return report.status().exitCode();
        } catch (Exception e) {
            System.err.println("readiness unknown: a server holds the database and its snapshot " + file + " cannot be read: " + e.getMessage());
            return null;
        }
    }

    private void print(ReadinessReport report, String source) {
        if (json) {
            System.out.println(ReadinessJson.write(report));
            return;
        }
        System.out.println("Emergency readiness: " + report.status().value().toUpperCase() + " (" + report.usableAccounts()
                + " usable emergency accounts, minimum " + report.minimum() + "; computed " + report.computedAt()
                + (source == null ? "" : ", " + source) + ")");
        for (ReadinessCheck c : report.checks()) {
            System.out.println("  [" + c.status().value() + "] " + c.title());
            System.out.println("         " + c.reason());
            if (c.fix() != null) {
                System.out.println("         fix: " + c.fix());
            }
        }
    }
}
