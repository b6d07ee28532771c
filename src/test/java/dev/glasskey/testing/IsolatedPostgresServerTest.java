package dev.glasskey.testing;

import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/** {@link IsolatedH2ServerTest} on a PostgreSQL schema of its own. */
@EnabledIf(value = "dev.glasskey.testing.Postgres#available", disabledReason = "no PostgreSQL server on 127.0.0.1:5432 (set GLASSKEY_REQUIRE_POSTGRES to fail instead)")
@TestPropertySource(properties = "glasskey.rp-name=Glasskey isolated")
public abstract class IsolatedPostgresServerTest extends ServerTest {
    static final int PORT = freePort();
    private static String schema;

    private static synchronized String schema() {
        if (schema == null) {
            schema = Postgres.freshSchema();
        }
        return schema;
    }

    @DynamicPropertySource
    static void isolatedPostgres(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
        registry.add("glasskey.base-url", () -> "http://localhost:" + PORT);
        registry.add("glasskey.data-dir", () -> TempDirs.create("glasskey-isolated-pg-").toString());
        registry.add("spring.datasource.url", () -> Postgres.URL + "?currentSchema=" + schema());
        registry.add("spring.datasource.username", () -> Postgres.USER);
        registry.add("spring.datasource.password", () -> "");
    }

    @Override
    public int port() {
        return PORT;
    }
}
