package dev.glasskey.web;

import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.glasskey.testing.Postgres;
import dev.glasskey.testing.ServerTest;
import dev.glasskey.testing.TempDirs;

/** {@link RateLimitContract} on PostgreSQL, in a context (and schema) of its own with the real default limits. */
@EnabledIf(value = "dev.glasskey.testing.Postgres#available",
        disabledReason = "PostgreSQL is not reachable on 127.0.0.1:5432: PostgreSQL tests skipped")
class RateLimitPostgresTest extends ServerTest implements RateLimitContract {
    static final int PORT = freePort();
    private static final Postgres.LazySchema SCHEMA = new Postgres.LazySchema();

    @DynamicPropertySource
    static void realLimitsOnPostgres(DynamicPropertyRegistry registry) {
        listenOn(registry, PORT);
        registry.add("glasskey.data-dir", () -> TempDirs.create("glasskey-rate-limit-pg-").toString());
        Postgres.register(registry, SCHEMA);
        // One more cached context on the shared PostgreSQL server: a few connections are all it needs
        // (the server's 100 are shared by every context of the suite and the two-node test's JVMs).
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> 4);
        RateLimitContract.realLimits(registry);
    }

    @Override
    public int port() {
        return PORT;
    }
}
