package dev.glasskey.testing;

import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/** {@link IsolatedH2ServerTest} on a PostgreSQL schema of its own. */
@EnabledIf(value = "dev.glasskey.testing.Postgres#available",
        disabledReason = "PostgreSQL is not reachable on 127.0.0.1:5432: PostgreSQL tests skipped")
@TestPropertySource(properties = "glasskey.rp-name=Glasskey isolated")
public abstract class IsolatedPostgresServerTest extends ServerTest {
    static final int PORT = freePort();
    private static final Postgres.LazySchema SCHEMA = new Postgres.LazySchema();

    @DynamicPropertySource
    static void isolatedPostgres(DynamicPropertyRegistry registry) {
        listenOn(registry, PORT);
        // Made once: the supplier is asked again at every read of the property.
        String dataDir = TempDirs.create("glasskey-isolated-pg-").toString();
        registry.add("glasskey.data-dir", () -> dataDir);
        Postgres.register(registry, SCHEMA);
        MdsBlobs.register(registry);
    }

    @Override
    public int port() {
        return PORT;
    }
}
