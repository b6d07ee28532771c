package dev.glasskey.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;

import tools.jackson.databind.JsonNode;

import dev.glasskey.GlasskeyApplication;
import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.account.Roles;
import dev.glasskey.system.Actor;
import dev.glasskey.webauthn.Enrolment;
import dev.glasskey.webauthn.EnrolmentLink;
import dev.glasskey.webauthn.EnrolmentService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The running server on a real port, on a real database, driven over HTTP. Subclasses pick
 * the database ({@link H2ServerTest}, {@link PostgresServerTest}); all test classes on one
 * database share one running server (Spring's context cache), so tests never assume an
 * empty database.
 */
// The background readiness monitor is off: its audit entries would land at arbitrary moments in
// the shared database; tests drive readiness explicitly.
@SpringBootTest(classes = GlasskeyApplication.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
        properties = "glasskey.emergency.monitor-enabled=false")
@TestPropertySource(locations = ServerTest.TEST_PROPERTIES)
@Import(TestClockConfiguration.class)
public abstract class ServerTest implements Fixtures {
    /** The shared property set of test servers (rate limits far above what tests send, refusals flushed on demand). */
    public static final String TEST_PROPERTIES = "classpath:glasskey-test.properties";

    @Autowired
    protected MutableClock clock;
    @Autowired
    protected JdbcClient jdbc;
    @Autowired
    protected AccountService accounts;
    @Autowired
    protected EnrolmentService enrolments;
    @Autowired
    private org.springframework.context.ApplicationContext context;

    public abstract int port();

    public String baseUrl() {
        return "http://localhost:" + port();
    }

    public Client client() {
        return new Client(baseUrl());
    }

    /** A new security key (software), packed attestation from the test model, speaking our origin. */
    public SoftwareAuthenticator newKey() {
        return SoftwareAuthenticator.packed(TEST_MODEL).origin(baseUrl());
    }

    /**
     * A freshly created administrator, enrolled over HTTP with its own key and signed in over
     * HTTP. Set-up only: the account and its link are made through the services, the
     * ceremonies through the API.
     */
    public SignedInClient newAdmin() {
        Account admin = accounts.create(Actor.SYSTEM, "Test admin " + UUID.randomUUID().toString().substring(0, 8), false,
                Set.of(Roles.GLOBAL_ADMIN));
        EnrolmentLink link = enrolments.issueAdministratorLink(Actor.SYSTEM, admin.id(), Enrolment.FIRST_ADMIN);
        SoftwareAuthenticator key = newKey();
        Client c = client();
        assertThat(enrol(c, link.token(), key).status()).isEqualTo(201);
        Client.Response signIn = signIn(c, key, admin.userHandle());
        assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
        return new SignedInClient(c, admin, key);
    }


    /** The whole registration ceremony over HTTP. */
    public Client.Response enrol(Client c, String token, SoftwareAuthenticator key) {
        return enrol(c, token, key, null);
    }

    public Client.Response enrol(Client c, String token, SoftwareAuthenticator key, SoftwareAuthenticator.Tweaks tweaks) {
        Client.Response options = c.post("/api/enrolments/" + token + "/options", "{}");
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        String response = tweaks == null ? key.register(options.body()) : key.register(options.body(), tweaks);
        return c.post("/api/enrolments/" + token + "/credential", response);
    }

    /** The whole sign-in ceremony over HTTP, choosing the account by user handle on the key. */
    public Client.Response signIn(Client c, SoftwareAuthenticator key, String userHandle) {
        return signIn(c, key, userHandle, null);
    }

    public Client.Response signIn(Client c, SoftwareAuthenticator key, String userHandle, SoftwareAuthenticator.Tweaks tweaks) {
        Client.Response options = c.post("/api/webauthn/sign-in/options", "{}");
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        String response = tweaks == null ? key.signIn(options.body(), userHandle) : key.signIn(options.body(), userHandle, tweaks);
        return c.post("/api/webauthn/sign-in", response);
    }

    /** Creates an account through the API as the given admin. */
    public JsonNode createAccount(Client admin, String name, boolean emergency, String... roles) {
        Client.Response r = admin.post("/api/accounts", Map.of("displayName", name, "emergency", emergency, "roles", List.of(roles)));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    /** Registers an inventory key through the API as the given admin. */
    public JsonNode registerKey(Client admin, String label, String location) {
        Client.Response r = admin.post("/api/keys", Map.of("label", label, "location", location, "custodian", "Custodian of " + label));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    /** Issues an enrolment link through the API; returns the token. */
    public String issueLink(Client admin, String accountId, String keyId) {
        Client.Response r = admin.post("/api/enrolments", Map.of("accountId", accountId, "keyId", keyId));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("token").asString();
    }

    /**
     * Everything a refused ceremony or change must leave as it was: accounts, roles, keys,
     * credentials (with counters), enrolment links, the allow-list, and PIM's assignments, requests,
     * approvals and role settings. (The audit log grows
     * by design: a refusal is recorded.)
     */
    public String storedState() {
        StringBuilder sb = new StringBuilder();
        for (String sql : List.of(
                "select id, display_name, emergency, enabled, user_handle, updated_at from account order by id",
                "select account_id, role from account_role order by account_id, role",
                "select id, label, aaguid, serial, custodian, location, capacity, status from security_key order by id",
                "select id, credential_id, account_id, key_id, signature_count, status, status_reason, last_used_at from credential order by id",
                "select token_hash, used_at, expires_at from enrolment order by token_hash",
                "select id, sign_in_name from account order by id",
                "select account_id, hash from account_password order by account_id",
                "select account_id, status, last_step from account_totp order by account_id",
                "select account_id, code_hash, used_at from recovery_code order by account_id, code_hash",
                "select aaguid, name from allowed_model order by aaguid",
                "select id, name, state, definition, updated_at from access_policy order by id",
                "select id, name, trusted, ranges, updated_at from access_location order by id",
                "select id, name, sha256 from access_device_ca order by id",
                "select version from access_version",
                "select id, account_id, role, kind, starts_at, ends_at, emergency_activatable, source, ended_at from pim_assignment order by id",
                "select id, status, decided_at, decision_reason, assignment_id from pim_request order by id",
                "select request_id, approver_id from pim_approval order by request_id, approver_id",
                "select role, max_duration_seconds, approval_required, approvals_needed, step_up_seconds, request_ttl_seconds from pim_role_setting order by role",
                "select role, account_id from pim_approver order by role, account_id")) {
            jdbc.sql(sql).query(rs -> {
                int n = rs.getMetaData().getColumnCount();
                for (int i = 1; i <= n; i++) {
                    sb.append(rs.getString(i)).append('|');
                }
                sb.append('\n');
            });
            sb.append("--\n");
        }
        return sb.toString();
    }

    @Override
    public AccountService accounts() {
        return accounts;
    }

    @Override
    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public MutableClock clock() {
        return clock;
    }

    @Override
    public JdbcClient jdbc() {
        return jdbc;
    }


    /** The port a test context listens on, and the base URL (and so the WebAuthn origin) it names. */
    protected static void listenOn(org.springframework.test.context.DynamicPropertyRegistry registry, int port) {
        registry.add("server.port", () -> port);
        registry.add("glasskey.base-url", () -> "http://localhost:" + port);
    }

    protected static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
