package dev.glasskey.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * The local PostgreSQL server (127.0.0.1:5432, database {@code test}, user {@code postgres}).
 * Each test context gets a fresh schema. Where no server runs, PostgreSQL test classes are
 * disabled with a visible reason — unless {@code GLASSKEY_REQUIRE_POSTGRES} is set (as CI
 * does), in which case they fail instead of skipping.
 */
public final class Postgres {
    public static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String USER = "postgres";
    /**
     * The key-encryption key of the servers a test runs on PostgreSQL (as a deployment of several
     * nodes gives each node the same {@code GLASSKEY_KEK}); the embedded H2 tests use the default
     * {@code master.key} in their data directory instead.
     */
    public static final String KEK = randomKek();

    private Postgres() {}

    /** A key-encryption key as {@code GLASSKEY_KEK} takes it: base64 of 32 random bytes. */
    public static String randomKek() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    /** For {@code @EnabledIf}. */
    public static boolean available() {
        try (Connection c = DriverManager.getConnection(URL, USER, "")) {
            return c.isValid(2);
        } catch (Exception e) {
            if (System.getenv("GLASSKEY_REQUIRE_POSTGRES") != null) {
                throw new IllegalStateException("GLASSKEY_REQUIRE_POSTGRES is set but PostgreSQL is not reachable at " + URL, e);
            }
            return false;
        }
    }

    /** A schema created on first use, shared by every context of one test base class. */
    public static final class LazySchema {
        private String name;

        public synchronized String name() {
            if (name == null) {
                name = freshSchema();
            }
            return name;
        }
    }

    /** Points a test context's datasource at the schema. */
    public static void register(org.springframework.test.context.DynamicPropertyRegistry registry, LazySchema schema) {
        registry.add("spring.datasource.url", () -> URL + "?currentSchema=" + schema.name());
        registry.add("spring.datasource.username", () -> USER);
        registry.add("spring.datasource.password", () -> "");
        registry.add("glasskey.secrets.kek", () -> KEK);
    }

    /** Creates a new empty schema and returns its name. */
    public static String freshSchema() {
        String schema = "gk_test_" + Long.toHexString(System.nanoTime()) + "_" + (int) (Math.random() * 1000);
        try (Connection c = DriverManager.getConnection(URL, USER, ""); Statement s = c.createStatement()) {
            s.execute("create schema " + schema);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create schema on " + URL, e);
        }
        return schema;
    }
}
