package dev.glasskey.system;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.Postgres;
import dev.glasskey.testing.ServerTest;
import dev.glasskey.testing.TcpProxy;
import dev.glasskey.testing.TempDirs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node whose database goes away answers 503 {@code system.unavailable} problem documents
 * (never a stack trace or a 500), keeps answering what needs no database, and recovers by
 * itself when the database returns: the server's connections to PostgreSQL run through a relay
 * the test cuts and restores.
 */
@EnabledIf(value = "dev.glasskey.testing.Postgres#available",
        disabledReason = "PostgreSQL is not reachable on 127.0.0.1:5432: PostgreSQL tests skipped")
class DatabaseOutagePostgresTest extends ServerTest {
    static final int PORT = freePort();
    static final TcpProxy DATABASE = new TcpProxy("127.0.0.1", 5432);

    @DynamicPropertySource
    static void throughTheRelay(DynamicPropertyRegistry registry) {
        listenOn(registry, PORT);
        String schema = Postgres.freshSchema();
        registry.add("glasskey.data-dir", () -> TempDirs.create("glasskey-outage-").toString());
        registry.add("spring.datasource.url", () -> "jdbc:postgresql://127.0.0.1:" + DATABASE.port() + "/test?currentSchema=" + schema);
        registry.add("spring.datasource.username", () -> Postgres.USER);
        registry.add("spring.datasource.password", () -> "");
        // Give up on a connection within a second while the database is away (the default is 5 s).
        registry.add("spring.datasource.hikari.connection-timeout", () -> "1000");
    }

    @AfterAll
    static void closeRelay() {
        DATABASE.close();
    }

    @Override
    public int port() {
        return PORT;
    }

    @Test
    void whileTheDatabaseIsAwayRequestsAnswer503AndTheNodeRecoversByItself() {
        SignedInClient admin = newAdmin();
        Client anonymous = client();
        assertThat(admin.http().get("/api/accounts").status()).isEqualTo(200);
        assertProblem(anonymous.post("/api/enrolments/no-such-link/options", "{}"), 404, "enrolment.unknown");

        DATABASE.cut();
        try {
            // A signed-in request (its session is read from the database) ...
            assertProblem(admin.http().get("/api/accounts"), 503, "system.unavailable");
            assertProblem(admin.http().get("/api/session"), 503, "system.unavailable");
            // ... a change ...
            assertProblem(admin.http().post("/api/keys", java.util.Map.of("label", "During the outage")), 503, "system.unavailable");
            // ... and an anonymous ceremony that reads the database.
            assertProblem(anonymous.post("/api/enrolments/no-such-link/options", "{}"), 503, "system.unavailable");
            // What needs no database still answers: the sign-in page and stateless sign-in options.
            assertThat(anonymous.getHtml("/sign-in").status()).isEqualTo(200);
            assertThat(anonymous.post("/api/webauthn/sign-in/options", "{}").status()).isEqualTo(200);
        } finally {
            DATABASE.restore();
        }

        // Back: within moments (the pool reconnects on its own schedule) the same session works again,
        // and nothing was lost or half-done.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        Client.Response back = admin.http().get("/api/accounts");
        while (back.status() == 503 && System.nanoTime() < deadline) {
            back = admin.http().get("/api/accounts"); // bounded: each attempt waits at most the pool's connection timeout
        }
        assertThat(back.status()).as(back.toString()).isEqualTo(200);
        assertThat(jdbc.sql("select count(*) from security_key where label = 'During the outage'").query(Long.class).single()).isZero();
        assertProblem(anonymous.post("/api/enrolments/no-such-link/options", "{}"), 404, "enrolment.unknown");
        assertThat(signIn(client(), admin.key(), admin.account().userHandle()).status()).isEqualTo(200);
    }
}
