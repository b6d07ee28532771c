package dev.glasskey.alert;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.glasskey.audit.AuditIntegrity;
import dev.glasskey.testing.ApplicationJvm;
import dev.glasskey.testing.CommandOutput;
import dev.glasskey.testing.Postgres;
import dev.glasskey.testing.ServerTest;
import dev.glasskey.testing.TempDirs;

/**
 * {@link CheckpointCopyContract} on a PostgreSQL schema of its own; the command line runs as an
 * operator runs it next to a PostgreSQL deployment: another JVM, the datasource in the environment.
 */
@EnabledIf(value = "dev.glasskey.testing.Postgres#available",
        disabledReason = "PostgreSQL is not reachable on 127.0.0.1:5432: PostgreSQL tests skipped")
@DirtiesContext
class CheckpointCopyPostgresTest extends ServerTest implements CheckpointCopyContract {
    static final int PORT = freePort();
    static final Path DATA_DIR = TempDirs.create("glasskey-copy-pg-");
    private static final Postgres.LazySchema SCHEMA = new Postgres.LazySchema();

    @DynamicPropertySource
    static void ownServer(DynamicPropertyRegistry registry) {
        listenOn(registry, PORT);
        registry.add("glasskey.data-dir", DATA_DIR::toString);
        Postgres.register(registry, SCHEMA);
    }

    @Autowired
    AlertDelivery alertDelivery;
    @Autowired
    AuditIntegrity integrity;

    @Override
    public int port() {
        return PORT;
    }

    @Override
    public AlertDelivery alertDelivery() {
        return alertDelivery;
    }

    @Override
    public AuditIntegrity integrity() {
        return integrity;
    }

    @Override
    public Path dataDir() {
        return DATA_DIR;
    }

    @Override
    public CommandOutput glasskey(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", DATA_DIR.toString(), "--quiet"));
        ProcessBuilder builder = new ProcessBuilder(ApplicationJvm.command(List.of(), all));
        builder.environment().put("SPRING_DATASOURCE_URL", Postgres.URL + "?currentSchema=" + SCHEMA.name());
        builder.environment().put("SPRING_DATASOURCE_USERNAME", Postgres.USER);
        builder.environment().put("SPRING_DATASOURCE_PASSWORD", "");
        try {
            Path err = java.nio.file.Files.createTempFile(DATA_DIR, "cli-", ".err");
            builder.redirectError(err.toFile());
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("glasskey " + all + " did not finish: " + out);
            }
            return new CommandOutput(process.exitValue(), out, java.nio.file.Files.readString(err));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
