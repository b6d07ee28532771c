package dev.glasskey.testing;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

import tools.jackson.databind.JsonNode;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.audit.RefusalFlush;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.Problems;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a test contract needs from the running server. Contracts are interfaces with default
 * {@code @Test} methods; one class per database implements each ({@code ...H2Test},
 * {@code ...PostgresTest}), so every contract runs on both.
 */
public interface Fixtures {
    UUID TEST_MODEL = UUID.fromString("6c1a9e3e-8f4b-4d0e-9a51-3b2f0c7d1e42");

    record SignedInClient(Client http, Account account, SoftwareAuthenticator key) {}

    int port();

    String baseUrl();

    Client client();

    SoftwareAuthenticator newKey();

    SignedInClient newAdmin();

    Client.Response enrol(Client c, String token, SoftwareAuthenticator key);

    Client.Response enrol(Client c, String token, SoftwareAuthenticator key, SoftwareAuthenticator.Tweaks tweaks);

    Client.Response signIn(Client c, SoftwareAuthenticator key, String userHandle);

    Client.Response signIn(Client c, SoftwareAuthenticator key, String userHandle, SoftwareAuthenticator.Tweaks tweaks);

    JsonNode createAccount(Client admin, String name, boolean emergency, String... roles);

    JsonNode registerKey(Client admin, String label, String location);

    String issueLink(Client admin, String accountId, String keyId);

    String storedState();

    AccountService accounts();

    MutableClock clock();

    JdbcClient jdbc();

    /** A component of the running server, for contracts that drive one in-process (a worker's run, a transaction). */
    <T> T bean(Class<T> type);

    /**
     * Creates {@code count} usable emergency accounts (enabled, global-admin), each enrolled on a
     * key of its own with an attestation of {@code model}. The lockout guard counts every
     * emergency account in the (shared) database, so a test that deliberately breaks emergency
     * access first provides spares that keep the organisation at its minimum. Returns their ids.
     */
    default List<String> spareEmergencyAccounts(Client admin, UUID model, int count) {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            String accountId = createAccount(admin, "Spare " + System.nanoTime(), true, "global-admin").path("id").asString();
            String keyId = registerKey(admin, "Spare key " + System.nanoTime(), "Spare safe").path("id").asString();
            Client.Response r = enrol(client(), issueLink(admin, accountId, keyId), SoftwareAuthenticator.packed(model).origin(baseUrl()));
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            ids.add(accountId);
        }
        return ids;
    }

    /**
     * Empties the organisation of an isolated server (its database serves only the test classes that
     * share it): accounts, keys, credentials, links, drills, the allow-list, alert channels and their
     * outbox, the recorded readiness verdict, application roles, the loaded FIDO metadata and Conditional Access (policies, locations,
     * device CAs, decisions); PIM's assignments, requests and approvers, and its role settings back to their
     * defaults. No alert rule starts the test
     * coalescing what earlier tests raised (V11).
     */
    default void emptyOrganisation() {
        // Conditional Access first (issue 17), its version bumped so the server's cached policies are dropped
        for (String table : List.of("access_decision", "access_policy", "access_location", "access_device_ca")) {
            jdbc().sql("delete from " + table).update();
        }
        jdbc().sql("update access_version set version = version + 1").update();
        bean(dev.glasskey.access.AccessService.class).forgetCached(); // it re-reads the version only every few seconds
        for (String table : List.of("pim_approval", "pim_request", "pim_approver", "pim_assignment",
                "alert_delivery", "alert", "alert_channel", "drill_result", "drill", "credential_registration", "credential",
                "ceremony", "enrolment", "account_password", "account_totp", "recovery_code", "account_role", "account", "security_key", "allowed_model", "readiness_state")) {
            jdbc().sql("delete from " + table).update();
        }
        // Application roles (issue 16 §1) go with their settings; directory roles' settings go back to their defaults.
        jdbc().sql("delete from oidc_client_role").update();
        jdbc().sql("delete from pim_role_setting where role like '%/%'").update();
        jdbc().sql("""
                update pim_role_setting set max_duration_seconds = 3600, approval_required = false, approvals_needed = 1,
                step_up_seconds = 300, request_ttl_seconds = 86400, updated_at = null, updated_by = null""").update();
        jdbc().sql("""
                update alert_window set opened_at = null, closes_at = null, delivered = 0, suppressed = 0, severity = null,
                first_seq = null, last_seq = null, first_at = null, last_at = null""").update();
        jdbc().sql("""
                update mds_blob set serial = 0, next_update = null, sha256 = null, jws = null, loaded_at = null, loaded_by = null,
                source = null where id = 1""").update();
    }

    /** An invited person who has set up a password and an authenticator app (issue 15); {@code secret} is the app's base32 key. */
    record PasswordPerson(String accountId, String signInName, String password, String secret, List<String> recoveryCodes) {}

    /**
     * Invites a person through the API as the given admin and goes through the setup link over HTTP:
     * password, authenticator app, first code. The clock is then moved on one time step, so the
     * confirming code's step (spent) is behind the person's first sign-in.
     */
    default PasswordPerson invitePerson(Client admin, String... roles) {
        String name = "person." + System.nanoTime() + "@example.org";
        Client.Response invited = admin.post("/api/accounts/invitations", Map.of("displayName", "Person " + System.nanoTime(),
                "signInName", name, "roles", List.of(roles)));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        String token = invited.json().path("setupLink").path("token").asString();
        Client browser = client();
        String password = "correct battery " + System.nanoTime();
        Client.Response set = browser.post("/api/setup/" + token + "/password", Map.of("password", password));
        assertThat(set.status()).as(set.toString()).isEqualTo(204);
        Client.Response started = browser.post("/api/setup/" + token + "/totp", "{}");
        assertThat(started.status()).as(started.toString()).isEqualTo(200);
        String secret = secretOf(started.json().path("uri").asString());
        Client.Response confirmed = browser.post("/api/setup/" + token + "/totp/confirm", Map.of("code", totpCode(secret, 0)));
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
        clock().advance(dev.glasskey.totp.Totp.STEP);
        return new PasswordPerson(invited.json().path("accountId").asString(), name, password, secret,
                confirmed.json().path("recoveryCodes").valueStream().map(JsonNode::asString).toList());
    }

    /** The {@code secret} parameter of an {@code otpauth://} URI. */
    static String secretOf(String otpauthUri) {
        return java.util.Arrays.stream(java.net.URI.create(otpauthUri).getRawQuery().split("&"))
                .filter(p -> p.startsWith("secret=")).map(p -> p.substring("secret=".length())).findFirst().orElseThrow();
    }

    /** The authenticator app's code {@code steps} time steps from the server's clock now. */
    default String totpCode(String secret, int steps) {
        return dev.glasskey.totp.Totp.code(secret, dev.glasskey.totp.Totp.step(clock().instant()) + steps);
    }

    /** A password + code sign-in over HTTP. */
    default Client.Response passwordSignIn(Client browser, String signInName, String password, String code) {
        Map<String, String> body = new java.util.HashMap<>();
        body.put("signInName", signInName);
        body.put("password", password);
        body.put("code", code);
        return browser.post("/api/sign-in/password", body);
    }

    /** Starts a drill through the API as the given admin ({@code scope}: accountId, keyId, reason); returns its id. */
    default String startDrill(Client admin, java.util.Map<String, String> scope) {
        Client.Response r = admin.post("/api/drills", scope);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("drill").path("id").asString();
    }

    /** A custodian's drill sign-in over HTTP: sign-in options, then the assertion posted to the drill. */
    default Client.Response drillSignIn(Client browser, String drillId, SoftwareAuthenticator key, String userHandle) {
        Client.Response options = browser.post("/api/webauthn/sign-in/options", "{}");
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        return browser.post("/api/drills/" + drillId + "/sign-in", key.signIn(options.body(), userHandle));
    }

    /** The readiness report, as the given admin reads it over the API. */
    default JsonNode readiness(Client admin) {
        Client.Response r = admin.get("/api/readiness");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /** One check of a readiness report. */
    default JsonNode check(JsonNode report, String id) {
        return java.util.stream.StreamSupport.stream(report.path("checks").spliterator(), false)
                .filter(c -> c.path("id").asString().equals(id)).findFirst().orElseThrow(() -> new AssertionError("no check " + id + " in " + report));
    }

    /** One stored audit log entry, as far as refusal tests look at it. */
    record AuditRow(long seq, String action, String target, String outcome, String reason, boolean flagged, String detail) {}

    /** The sequence number of the newest audit entry (0 while the log is empty). */
    default long auditHead() {
        return jdbc().sql("select coalesce(max(seq), 0) from audit_event").query(Long.class).single();
    }

    /** The audit entries written after entry {@code seq}, oldest first. */
    default List<AuditRow> auditSince(long seq) {
        return jdbc().sql("select seq, action, target, outcome, reason, flagged, detail from audit_event where seq > :seq order by seq")
                .param("seq", seq)
                .query((rs, n) -> new AuditRow(rs.getLong("seq"), rs.getString("action"), rs.getString("target"),
                        rs.getString("outcome"), rs.getString("reason"), rs.getBoolean("flagged"), rs.getString("detail")))
                .list();
    }

    /** A time after every window a test can have counted refusals in, even with the clock moved far ahead. */
    Instant EVERY_WINDOW = Instant.parse("9000-01-01T00:00:00Z");

    /**
     * Writes every refusal counted so far — the current window's too — as aggregated audit entries
     * (what the scheduled flush does once a window is over), and returns the audit head after it.
     * A test calls it before the refusals it looks at, so that it sees only those afterwards.
     */
    default long flushRefusals() {
        bean(RefusalFlush.class).flush(EVERY_WINDOW);
        return auditHead();
    }

    /** One aggregated audit entry: who was refused from where, how often, when, and with which codes. */
    record Aggregated(long seq, String client, String actor, String action, String reason, long refusals,
                      Map<String, Long> codes, Instant first, Instant last, String sample) {}

    /** Flushes the counted refusals and returns the aggregated entries written after entry {@code seq}, oldest first. */
    default List<Aggregated> aggregatedSince(long seq) {
        bean(RefusalFlush.class).flush(EVERY_WINDOW);
        return jdbc().sql("select seq, client, actor, action, reason, detail from audit_event where seq > :seq"
                        + " and detail like '{\"refusals\":%' order by seq")
                .param("seq", seq)
                .query((rs, n) -> {
                    JsonNode detail = Client.JSON.readTree(rs.getString("detail"));
                    Map<String, Long> codes = new java.util.TreeMap<>();
                    detail.path("codes").properties().forEach(e -> codes.put(e.getKey(), e.getValue().asLong()));
                    return new Aggregated(rs.getLong("seq"), rs.getString("client"), rs.getString("actor"), rs.getString("action"),
                            rs.getString("reason"), detail.path("refusals").asLong(), codes, Instant.parse(detail.path("first").asString()),
                            Instant.parse(detail.path("last").asString()), detail.path("sample").asString(null));
                })
                .list();
    }

    /**
     * Asserts that {@code r} is an RFC 9457 problem document for {@code code} with {@code status}:
     * content type {@code application/problem+json}, {@code code}, {@code type} and {@code status}
     * members consistent with {@link ErrorCode}, and nothing of the server's insides (no exception
     * names, stack frames or internal class names) in the body.
     */
    default void assertProblem(Client.Response r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
        assertThat(r.code()).as(r.toString()).isEqualTo(code);
        ErrorCode known = Arrays.stream(ErrorCode.values()).filter(c -> c.code().equals(code)).findFirst().orElse(null);
        assertThat(known).as("code %s is a documented ErrorCode", code).isNotNull();
        assertThat(known.status().value()).as("status of %s", code).isEqualTo(status);
        assertThat(r.json().path("status").asInt()).as(r.toString()).isEqualTo(status);
        assertThat(r.json().path("type").asString()).as(r.toString()).isEqualTo(Problems.TYPE_PREFIX + code);
        assertThat(r.body()).as("no internals in the problem body")
                .doesNotContain("Exception")
                .doesNotContainPattern("\\bat [\\w$.]+\\(")
                .doesNotContainPattern("\\b(java|javax|jakarta|sun|org\\.springframework|org\\.apache|com\\.yubico|com\\.fasterxml|tools\\.jackson|dev\\.glasskey)\\.[a-z]");
    }
}
