package dev.glasskey.alert;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.glasskey.testing.CommandOutput;
import dev.glasskey.testing.Postgres;
import dev.glasskey.testing.ServerJvm;
import dev.glasskey.testing.TempDirs;

/**
 * {@link CheckpointCopyContract} on a PostgreSQL schema of its own; the command line runs as an
 * operator runs it next to a PostgreSQL deployment: another JVM, the datasource in the environment.
 */
@EnabledIf(value = "dev.glasskey.testing.Postgres#available",
        disabledReason = "PostgreSQL is not reachable on 127.0.0.1:5432: PostgreSQL tests skipped")
class CheckpointCopyPostgresTest extends CheckpointCopyServer {
    static final int PORT = freePort();
    static final Path DATA_DIR = TempDirs.create("glasskey-copy-pg-");
    private static final Postgres.LazySchema SCHEMA = new Postgres.LazySchema();

    @DynamicPropertySource
    static void ownServer(DynamicPropertyRegistry registry) {
        listenOn(registry, PORT);
        registry.add("glasskey.data-dir", DATA_DIR::toString);
        Postgres.register(registry, SCHEMA);
    }

    @Override
    public int port() {
        return PORT;
    }

    @Override
    public Path dataDir() {
        return DATA_DIR;
    }

    @Override
    public CommandOutput glasskey(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", DATA_DIR.toString(), "--quiet"));
        try (ServerJvm cli = ServerJvm.start(List.of(), all, Map.of("SPRING_DATASOURCE_URL", Postgres.URL + "?currentSchema=" + SCHEMA.name(),
                "SPRING_DATASOURCE_USERNAME", Postgres.USER, "SPRING_DATASOURCE_PASSWORD", "", "GLASSKEY_KEK", Postgres.KEK), Path.of("target", "checkpoint-copy-cli.log"))) {
            return cli.awaitExit(Duration.ofMinutes(2));
        }
    }
}
