package dev.glasskey.testing;

import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The running server on PostgreSQL (a fresh schema on the local server). Disabled, with the
 * reason shown, where no PostgreSQL server is reachable; CI sets GLASSKEY_REQUIRE_POSTGRES so
 * that there a missing server fails the build instead.
 */
@EnabledIf(value = "dev.glasskey.testing.Postgres#available",
        disabledReason = "PostgreSQL is not reachable on 127.0.0.1:5432: PostgreSQL tests skipped")
public abstract class PostgresServerTest extends ServerTest {
    static final int PORT = freePort();
    private static final Postgres.LazySchema SCHEMA = new Postgres.LazySchema();

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        listenOn(registry, PORT);
        // Its own data directory: it holds the pinned audit keys of this schema's server (not ./data).
        String dataDir = TempDirs.create("glasskey-pg-").toString();
        registry.add("glasskey.data-dir", () -> dataDir);
        Postgres.register(registry, SCHEMA);
    }

    @Override
    public int port() {
        return PORT;
    }
}
