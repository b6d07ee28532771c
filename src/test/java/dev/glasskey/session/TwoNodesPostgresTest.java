package dev.glasskey.session;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.Fixtures;
import dev.glasskey.testing.Postgres;
import dev.glasskey.testing.RelyingParty;
import dev.glasskey.testing.RoundRobinProxy;
import dev.glasskey.testing.ServerJvm;
import dev.glasskey.testing.ServerTest;
import dev.glasskey.testing.SoftwareAuthenticator;
import dev.glasskey.testing.TempDirs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Glasskey nodes (two JVMs) on one PostgreSQL database behind a round-robin HTTP balancer
 * with no sticky sessions: a ceremony started on one node completes on the other, a session
 * opened on one is honoured by both, an OpenID Connect code flow crosses nodes, a node killed
 * with SIGKILL mid-ceremony loses nothing (the ceremony completes on the survivor), the audit
 * chain verifies afterwards, and the jobs that must run once take turns through the database
 * lock instead of both running.
 */
@EnabledIf(value = "dev.glasskey.testing.Postgres#available",
        disabledReason = "PostgreSQL is not reachable on 127.0.0.1:5432: PostgreSQL tests skipped")
class TwoNodesPostgresTest {
    private static final Pattern LINK = Pattern.compile("http://localhost:\\d+/enrol/([A-Za-z0-9_-]+)");
    private static final Duration JOB_INTERVAL = Duration.ofSeconds(4);
    private static final Pattern MONITOR_RAN = Pattern.compile("(?m)^(\\S+)\\s+DEBUG .*readiness monitor ran");

    private final String schema = Postgres.freshSchema();
    private final int[] ports = {freePort(), freePort()};
    private final RoundRobinProxy balancer = new RoundRobinProxy(List.of(ports[0], ports[1]));
    private final ServerJvm[] nodes = new ServerJvm[2];

    @AfterEach
    void stop() {
        for (ServerJvm node : nodes) {
            if (node != null) {
                node.close();
            }
        }
        balancer.close();
    }

    @Test
    void anyNodeServesAnyRequestAndASurvivorFinishesWhatAKilledNodeStarted() throws Exception {
        nodes[0] = start(0);
        awaitReady(0);
        nodes[1] = start(1);
        awaitReady(1);
        // Each node, finding no administrator at its start, prints a first-administrator link (the later
        // supersedes), at the end of its start: a node may answer requests a moment before it has.
        awaitUntil(() -> LINK.matcher(nodes[1].output()).find(), "node B printed the first administrator's link");
        Matcher link = LINK.matcher(nodes[1].output());
        assertThat(link.find()).isTrue();

        String base = balancer.baseUrl();
        Client admin = browser(base);
        SoftwareAuthenticator key = SoftwareAuthenticator.packed(Fixtures.TEST_MODEL).origin(base);

        // Enrolment: options from node A, the credential to node B.
        balancer.nextTo(0);
        Client.Response options = admin.post("/api/enrolments/" + link.group(1) + "/options", "{}");
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        assertThat(balancer.lastNodeFor("POST", "/api/enrolments/")).isEqualTo(0);
        balancer.nextTo(1);
        Client.Response enrolled = admin.post("/api/enrolments/" + link.group(1) + "/credential", key.register(options.body()));
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        assertThat(balancer.lastNodeFor("POST", "/api/enrolments/")).isEqualTo(1);
        String userHandle = database().sql("select user_handle from account").query(String.class).single();

        // Sign-in: options from A, the assertion to B; the session then serves on both.
        assertThat(signInAcross(admin, key, userHandle, 0, 1).status()).isEqualTo(200);
        for (int node : new int[] {0, 1, 0}) {
            balancer.nextTo(node);
            assertThat(admin.get("/api/accounts").status()).as("node %d honours the session", node).isEqualTo(200);
            assertThat(balancer.lastNodeFor("GET", "/api/accounts")).isEqualTo(node);
        }

        // An OpenID Connect code flow that crosses nodes at every step.
        RelyingParty rp = RelyingParty.register(admin, base, Map.of("name", "Two-node RP",
                "redirectUris", List.of("https://rp.example/callback"),
                "grantTypes", List.of("authorization_code", "refresh_token"), "scopes", List.of("openid", "profile")));
        RelyingParty.Attempt attempt = rp.attempt();
        balancer.nextTo(0);
        AuthorizationCode code = attempt.code(admin.navigate(attempt.uri().toString()).location());
        balancer.nextTo(1);
        OIDCTokens tokens = RelyingParty.success(attempt.exchange(code)).getOIDCTokens();
        balancer.nextTo(0);
        OIDCTokens refreshed = RelyingParty.success(rp.refresh(tokens.getRefreshToken())).getOIDCTokens();
        balancer.nextTo(1);
        assertThat(rp.userInfo(refreshed.getAccessToken()).indicatesSuccess()).isTrue();

        // Ending the session on one node ends it on the other.
        Client other = browser(base);
        assertThat(signInAcross(other, key, userHandle, 1, 0).status()).isEqualTo(200);
        balancer.nextTo(0);
        assertThat(other.post("/sign-out", "").status()).isIn(200, 302);
        balancer.nextTo(1);
        assertThat(other.get("/api/session").status()).isEqualTo(401);

        // While both nodes live, each tries every job every interval, and the one whose turn falls inside
        // the other's lease skips it (and says so). Waited for here, before node A is killed: a lone
        // survivor never meets a held lease.
        for (String job : List.of("audit-checkpoint", "readiness-monitor")) {
            awaitUntil(() -> nodes[1].printed("Not executing '" + job + "'. It's locked.")
                    || nodes[0].printed("Not executing '" + job + "'. It's locked."), "a node finds the " + job + " lease held");
        }

        // Node A is killed (SIGKILL) between the options it handed out and the answer: B finishes the ceremony.
        Client survivor = browser(base);
        balancer.nextTo(0);
        Client.Response pending = survivor.post("/api/webauthn/sign-in/options", "{}");
        assertThat(pending.status()).isEqualTo(200);
        assertThat(balancer.lastNodeFor("POST", "/api/webauthn/sign-in/options")).isEqualTo(0);
        nodes[0].process().destroyForcibly();
        assertThat(nodes[0].process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        balancer.nextTo(0);
        Client.Response finished = survivor.post("/api/webauthn/sign-in", key.signIn(pending.body(), userHandle));
        assertThat(finished.status()).as(finished.toString()).isEqualTo(200);
        assertThat(balancer.lastNodeFor("POST", "/api/webauthn/sign-in")).isEqualTo(1);
        assertThat(survivor.get("/api/accounts").status()).isEqualTo(200);
        // What node A had stored (the admin's session, the refresh token's authorization) is all still there.
        assertThat(admin.get("/api/accounts").status()).isEqualTo(200);
        assertThat(RelyingParty.success(rp.refresh(refreshed.getRefreshToken())).getOIDCTokens().getAccessToken()).isNotNull();

        // The audit chain, written by both nodes, verifies.
        Client.Response verify = admin.get("/api/audit/verify");
        assertThat(verify.status()).isEqualTo(200);
        assertThat(verify.json().path("intact").asBoolean()).as(verify.body()).isTrue();

        // The jobs that must run once took turns (above: a node found the other's lease held), and
        // over both nodes no two runs of a job are closer than the interval — one checkpoint, one
        // readiness recheck per interval.
        admin.get("/api/accounts"); // the log grows, so the next turn signs a checkpoint
        awaitUntil(() -> checkpoints().size() >= 2, "two checkpoints");
        awaitUntil(() -> monitorRuns().size() >= 2, "two readiness rechecks");
        assertSpacedByTheInterval("checkpoints", checkpoints());
        assertSpacedByTheInterval("readiness rechecks", monitorRuns());
    }

    private List<Instant> checkpoints() {
        return database().sql("select signed_at from audit_checkpoint order by signed_at")
                .query((rs, n) -> rs.getTimestamp(1).toInstant()).list();
    }

    /** When either node's readiness monitor ran, from the time stamps of the lines it logged. */
    private List<Instant> monitorRuns() {
        List<Instant> runs = new java.util.ArrayList<>();
        for (ServerJvm node : nodes) {
            Matcher m = MONITOR_RAN.matcher(node.output());
            while (m.find()) {
                runs.add(java.time.OffsetDateTime.parse(m.group(1)).toInstant());
            }
        }
        runs.sort(null);
        return runs;
    }

    private static void assertSpacedByTheInterval(String what, List<Instant> runs) {
        for (int i = 1; i < runs.size(); i++) {
            // The lease is judged on the database's clock, the runs are stamped by the nodes': allow for the skew.
            assertThat(Duration.between(runs.get(i - 1), runs.get(i))).as("%s %s", what, runs)
                    .isGreaterThanOrEqualTo(JOB_INTERVAL.minusMillis(500));
        }
    }

    /** A client with its CSRF cookie already set, so that no request of its own goes through the balancer unplanned. */
    private static Client browser(String base) {
        Client c = new Client(base);
        assertThat(c.getHtml("/sign-in").status()).isEqualTo(200);
        assertThat(c.cookie("XSRF-TOKEN")).isNotNull();
        return c;
    }

    private Client.Response signInAcross(Client c, SoftwareAuthenticator key, String userHandle, int optionsNode, int answerNode) {
        balancer.nextTo(optionsNode);
        Client.Response options = c.post("/api/webauthn/sign-in/options", "{}");
        assertThat(options.status()).isEqualTo(200);
        assertThat(balancer.lastNodeFor("POST", "/api/webauthn/sign-in/options")).isEqualTo(optionsNode);
        balancer.nextTo(answerNode);
        Client.Response signedIn = c.post("/api/webauthn/sign-in", key.signIn(options.body(), userHandle));
        assertThat(balancer.lastNodeFor("POST", "/api/webauthn/sign-in")).isEqualTo(answerNode);
        return signedIn;
    }

    private ServerJvm start(int index) {
        Path dataDir = TempDirs.create("glasskey-node-" + index + "-");
        return ServerJvm.start(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), List.of(
                "--server.port=" + ports[index],
                "--glasskey.base-url=" + balancer.baseUrl(),
                "--glasskey.data-dir=" + dataDir,
                "--spring.datasource.url=" + Postgres.URL + "?currentSchema=" + schema,
                "--spring.datasource.username=" + Postgres.USER,
                "--spring.datasource.password=",
                "--glasskey.secrets.kek=" + Postgres.KEK,
                "--glasskey.audit.checkpoint-interval=" + JOB_INTERVAL,
                "--glasskey.emergency.monitor-interval=" + JOB_INTERVAL,
                "--glasskey.emergency.monitor-initial-delay=PT1S",
                "--spring.config.import=" + ServerTest.TEST_PROPERTIES,
                "--logging.level.net.javacrumbs.shedlock=debug",
                "--logging.level.dev.glasskey.emergency.ReadinessMonitor=debug"), Path.of("target", "two-nodes-" + index + ".log"));
    }

    private void awaitReady(int index) {
        HttpClient http = HttpClient.newHttpClient();
        awaitUntil(() -> {
            assertThat(nodes[index].process().isAlive()).as("node %d is running; its output is in %s", index, nodes[index].log()).isTrue();
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + ports[index] + "/sign-in")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, "node " + index + " answers");
    }

    /** Polls a condition, bounded (two minutes): waiting for an event, not assuming a duration. */
    private static void awaitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited too long for: %s", what).isLessThan(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private JdbcClient database() {
        return JdbcClient.create(new DriverManagerDataSource(Postgres.URL + "?currentSchema=" + schema, Postgres.USER, ""));
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
