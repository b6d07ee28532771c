package dev.glasskey.emergency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.SoftwareAuthenticator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readiness checks, the matrix, drills and the lockout guard over HTTP, each test from an empty
 * inventory on a database of its own (readiness judges the whole organisation).
 */
public interface EmergencyContract extends EmergencyWorld {

    // ------------------------------------------------------------------------------------------
    // Readiness checks, pass and fail
    // ------------------------------------------------------------------------------------------

    @Test
    default void anEmptyInstallationIsNotReady() {
        Client admin = newAdmin().http();
        JsonNode report = readiness(admin);
        assertThat(report.path("status").asString()).isEqualTo("FAIL");
        assertThat(report.path("usableAccounts").asInt()).isZero();
        assertThat(check(report, "emergency.accounts").path("status").asString()).isEqualTo("FAIL");
        assertThat(check(report, "emergency.keys_per_account").path("status").asString()).isEqualTo("FAIL");
        assertThat(check(report, "emergency.locations").path("status").asString()).isEqualTo("FAIL");
    }

    @Test
    default void noAlertChannelFailsAndATestedOnePasses() throws Exception {
        Client admin = newAdmin().http();
        assertCheck(admin, "emergency.alerting", "FAIL", "No alert channel is enabled");
        var receiver = alerting(admin);
        try {
            assertCheck(admin, "emergency.alerting", "PASS", "1 channel(s) enabled, none failing");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    default void threeAccountsOnTwoKeysInTwoPlacesAllDrilledPass() throws Exception {
        World w = world(3, 2, true);
        drillAll(w, true);
        var receiver = alerting(w.admin());
        try {
            threeAccountsPass(w);
        } finally {
            receiver.stop(0);
        }
    }

    private void threeAccountsPass(World w) {
        JsonNode report = readiness(w.admin());
        for (JsonNode c : report.path("checks")) {
            assertThat(c.path("status").asString()).as(c.toString()).isEqualTo("PASS");
        }
        assertThat(report.path("status").asString()).isEqualTo("PASS");
        assertThat(report.path("usableAccounts").asInt()).isEqualTo(3);
    }

    @Test
    default void anAdministratorLeftWithASyncedPasskeyOnlyWarns() {
        Client admin = newAdmin().http();
        assertCheck(admin, "emergency.administrators", "PASS", "Every administrator");
        // People may use synced passkeys; made an administrator, this one is held to the emergency standard.
        String name = "Promoted " + System.nanoTime();
        String person = createAccount(admin, name, false).path("id").asString();
        String keyId = registerKey(admin, "Phone " + System.nanoTime(), "Pocket").path("id").asString();
        Client.Response enrolled = enrol(client(), issueLink(admin, person, keyId), newKey(),
                SoftwareAuthenticator.Tweaks.defaults().withBackupEligible(true));
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        Client.Response promoted = admin.put("/api/accounts/" + person + "/roles", Map.of("roles", List.of("global-admin")));
        assertThat(promoted.status()).as(promoted.toString()).isEqualTo(200);
        assertCheck(admin, "emergency.administrators", "WARN", "'" + name + "'");
    }

    @Test
    default void twoUsableAccountsWarnAndTheReasonNamesTheBrokenOne() {
        World w = world(3, 2, true);
        assertCheck(w.admin(), "emergency.accounts", "PASS", "3 of 3");
        Client.Response r = w.admin().post("/api/accounts/" + w.accounts().get(0) + "/disable", "{}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertCheck(w.admin(), "emergency.accounts", "WARN", "2 of 3 emergency accounts usable; not usable: 'Break-glass 0");
    }

    @Test
    default void anAccountOnOneKeyWarnsAndOnNoKeyFails() {
        World w = world(3, 2, true);
        assertCheck(w.admin(), "emergency.keys_per_account", "PASS", "at least two keys");
        revokeOn(w, 0, 0);
        assertCheck(w.admin(), "emergency.keys_per_account", "WARN", "On only one working key: 'Break-glass 0");
        revokeOn(w, 0, 1);
        assertCheck(w.admin(), "emergency.keys_per_account", "FAIL", "On no working key: 'Break-glass 0");
    }

    @Test
    default void keysInOnePlaceFail() {
        World w = world(2, 2, true);
        assertCheck(w.admin(), "emergency.locations", "PASS", "2 recorded place(s)");
        assertThat(w.admin().get("/api/emergency/matrix").json().path("locations")).hasSize(2);
        Client.Response r = w.admin().patch("/api/keys/" + w.keys().get(1), Map.of("location", "Safe 0"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertCheck(w.admin(), "emergency.locations", "FAIL", "in 1 recorded place(s)");
        JsonNode locations = w.admin().get("/api/emergency/matrix").json().path("locations");
        assertThat(locations).as("keys in one place share one heading").hasSize(1);
        assertThat(locations.get(0).path("span").asInt()).isEqualTo(2);
    }

    @Test
    default void aMissingPairWarnsAndNamesThePair() {
        World full = world(2, 2, true);
        assertCheck(full.admin(), "emergency.matrix", "PASS", "carry every enabled emergency account");
        emptyInventory();
        World partial = world(2, 2, false);
        assertCheck(partial.admin(), "emergency.matrix", "WARN", "2 missing: 'Break-glass 0");
        JsonNode matrix = partial.admin().get("/api/emergency/matrix").json();
        assertThat(matrix.path("missing").asInt()).isEqualTo(2);
        assertThat(matrix.path("rows").get(0).path("cells").get(0).path("state").asString()).isEqualTo("MISSING");
        assertThat(matrix.path("rows").get(0).path("cells").get(1).path("state").asString()).isEqualTo("UNDRILLED");
    }

    @Test
    default void drillsComeDueThenOverdue() {
        World w = world(2, 2, true);
        assertCheck(w.admin(), "emergency.drills", "FAIL", "never drilled");
        drillAll(w, true);
        assertCheck(w.admin(), "emergency.drills", "PASS", "All 4 pairs drilled");
        clock().advance(Duration.ofDays(80));
        // Months later the administrator's session is long over (glasskey.session.*): a fresh one looks.
        Client later = newAdmin().http();
        assertCheck(later, "emergency.drills", "WARN", "4 of 4 pairs coming due");
        assertThat(later.get("/api/emergency/matrix").json().path("rows").get(0).path("cells").get(0).path("state").asString())
                .isEqualTo("DUE_SOON");
        clock().advance(Duration.ofDays(11));
        assertCheck(newAdmin().http(), "emergency.drills", "FAIL", "4 of 4 pairs overdue");
    }

    @Test
    default void aKeyOverItsCapacityFails() {
        World w = world(3, 2, true);
        assertCheck(w.admin(), "emergency.capacity", "PASS", "room");
        w.admin().patch("/api/keys/" + w.keys().get(0), Map.of("capacity", 3));
        assertCheck(w.admin(), "emergency.capacity", "WARN", "Full:");
        w.admin().patch("/api/keys/" + w.keys().get(0), Map.of("capacity", 2));
        assertCheck(w.admin(), "emergency.capacity", "FAIL", "holds 3 of 2");
    }

    @Test
    default void enrolmentBeyondCapacityIsRefused() {
        World w = world(2, 2, true);
        Client.Response r = w.admin().patch("/api/keys/" + w.keys().get(0), Map.of("capacity", 2));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        String third = createAccount(w.admin(), "Break-glass 2", true, "global-admin").path("id").asString();
        String state = storedState();
        assertProblem(w.admin().post("/api/enrolments", Map.of("accountId", third, "keyId", w.keys().get(0))), 409, "key.capacity_exceeded");
        assertThat(storedState()).isEqualTo(state);
        // A link issued while there was room is refused at enrolment once the key has filled up.
        String token = issueLink(w.admin(), third, w.keys().get(1));
        w.admin().patch("/api/keys/" + w.keys().get(1), Map.of("capacity", 2));
        state = storedState();
        assertProblem(enrol(client(), token, w.authenticators().get(1)), 409, "key.capacity_exceeded");
        assertThat(storedState()).isEqualTo(state);
    }

    @Test
    default void anEmergencyAccountNamedAfterAPersonFailsAndASharedKeyWarns() {
        World w = world(2, 2, true);
        assertCheck(w.admin(), "emergency.impersonal", "PASS", "No emergency account");
        String person = createAccount(w.admin(), "Ada Lovelace", false).path("id").asString();
        Client.Response enrolled = enrol(client(), issueLink(w.admin(), person, w.keys().get(0)), w.authenticators().get(0));
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        assertCheck(w.admin(), "emergency.impersonal", "WARN", "also carries personal account 'Ada Lovelace'");
        w.admin().put("/api/accounts/" + w.accounts().get(1) + "/display-name", Map.of("displayName", "ada lovelace"));
        assertCheck(w.admin(), "emergency.impersonal", "FAIL", "is named after 'Ada Lovelace'");
    }

    @Test
    default void readinessTurningWorseIsAuditedAndFlagged() throws Exception {
        World w = world(3, 2, true);
        drillAll(w, true);
        var receiver = alerting(w.admin());
        try {
            worseIsAudited(w);
        } finally {
            receiver.stop(0);
        }
    }

    private void worseIsAudited(World w) {
        assertThat(w.admin().post("/api/readiness/recheck", "{}").json().path("status").asString()).isEqualTo("PASS");
        long head = auditHead();
        w.admin().patch("/api/keys/" + w.keys().get(1), Map.of("location", "Safe 0"));
        List<AuditRow> entries = auditSince(head).stream().filter(e -> e.action().startsWith("readiness.")).toList();
        assertThat(entries).as("the change itself rechecks readiness").hasSize(1);
        assertThat(entries.get(0).action()).isEqualTo("readiness.degraded");
        assertThat(entries.get(0).flagged()).isTrue();
    }

    // ------------------------------------------------------------------------------------------
    // The lockout guard: every kind of change, refused with the accounts it would break
    // ------------------------------------------------------------------------------------------

    default void assertGuardRefuses(World w, Client.Response r, String change) {
        assertProblem(r, 409, "emergency.lockout_guard");
        assertThat(r.json().path("detail").asString()).contains("'" + change + "'").contains("Break-glass");
    }

    default void refusedLeavesStateAndIsAudited(World w, String change, Callable<Client.Response> attempt) throws Exception {
        String state = storedState();
        long head = auditHead();
        Client.Response r = attempt.call();
        assertGuardRefuses(w, r, change);
        assertThat(storedState()).as("a refused change leaves stored state untouched").isEqualTo(state);
        List<AuditRow> entries = auditSince(head);
        assertThat(entries).as("only the refusal is recorded").hasSize(1);
        assertThat(entries.get(0)).extracting(AuditRow::action, AuditRow::outcome, AuditRow::reason, AuditRow::flagged)
                .containsExactly(change, "failure", "emergency.lockout_guard", true);
        assertThat(jdbc().sql("select rules, severity from alert where audit_seq = :seq").param("seq", entries.get(0).seq())
                .query((rs, n) -> rs.getString(1) + "/" + rs.getString(2)).list())
                .as("the refusal raises a critical alert").containsExactly("lockout-guard/critical");
    }

    @Test
    default void disablingOneOfTwoUsableEmergencyAccountsIsRefused() throws Exception {
        World w = world(2, 2, true);
        refusedLeavesStateAndIsAudited(w, "account.disable",
                () -> w.admin().post("/api/accounts/" + w.accounts().get(0) + "/disable", "{}"));
    }

    @Test
    default void droppingTheAdminRoleIsRefused() throws Exception {
        World w = world(2, 2, true);
        refusedLeavesStateAndIsAudited(w, "account.roles",
                () -> w.admin().put("/api/accounts/" + w.accounts().get(1) + "/roles", Map.of("roles", List.of("auditor"))));
    }

    @Test
    default void revokingTheLastWorkingCredentialIsRefusedButNotAnEarlierOne() throws Exception {
        World w = world(2, 2, true);
        revokeOn(w, 0, 0); // still on key 1: allowed
        String last = credentialOn(w, 0, 1);
        refusedLeavesStateAndIsAudited(w, "credential.revoke",
                () -> w.admin().post("/api/credentials/" + last + "/revoke", Map.of("reason", "test")));
    }

    @Test
    default void markingTheLastKeyLostIsRefused() throws Exception {
        World w = world(2, 2, true);
        Client.Response first = w.admin().post("/api/keys/" + w.keys().get(0) + "/lost", Map.of("note", "first"));
        assertThat(first.status()).as("every account still works on key 1").isEqualTo(200);
        refusedLeavesStateAndIsAudited(w, "key.lost",
                () -> w.admin().post("/api/keys/" + w.keys().get(1) + "/lost", Map.of("note", "second")));
        refusedLeavesStateAndIsAudited(w, "key.retire",
                () -> w.admin().post("/api/keys/" + w.keys().get(1) + "/retire", Map.of("note", "second")));
    }

    @Test
    default void anAllowListThatNoEnrolledKeySatisfiesIsRefused() throws Exception {
        World w = world(2, 2, true);
        java.util.UUID other = java.util.UUID.randomUUID();
        refusedLeavesStateAndIsAudited(w, "allowlist.add", () -> w.admin().put("/api/allow-list/" + other,
                Map.of("name", "Other model", "rootsPem", SoftwareAuthenticator.packed(other).attestationRootPem())));
        // Listing the model the keys really are re-verifies their attestation: nothing breaks.
        Client.Response ok = w.admin().put("/api/allow-list/" + TEST_MODEL,
                Map.of("name", "Test model", "rootsPem", newKey().attestationRootPem()));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(readiness(w.admin()).path("usableAccounts").asInt()).isEqualTo(2);
        // ...and removing it again widens the list to "any model".
        assertThat(w.admin().delete("/api/allow-list/" + TEST_MODEL).status()).isEqualTo(204);
    }

    @Test
    default void withASpareTheSameChangePasses() {
        World w = world(3, 2, true);
        Client.Response r = w.admin().post("/api/accounts/" + w.accounts().get(0) + "/disable", "{}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertGuardRefuses(w, w.admin().post("/api/accounts/" + w.accounts().get(1) + "/disable", "{}"), "account.disable");
    }

    @Test
    default void twoConcurrentChangesCannotTogetherBreakWhatEachAloneMay() throws Exception {
        World w = world(3, 2, true);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Client.Response>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String id = w.accounts().get(i);
                results.add(pool.submit(() -> {
                    start.await();
                    return w.admin().post("/api/accounts/" + id + "/disable", "{}");
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Client.Response> f : results) statuses.add(f.get().status());
            assertThat(statuses).containsExactlyInAnyOrder(200, 409);
        } finally {
            pool.shutdownNow();
        }
        assertThat(readiness(w.admin()).path("usableAccounts").asInt()).isEqualTo(2);
    }

    @Test
    default void anEmptyInstallationCanBuildUp() {
        // Below the minimum, changes that break nothing pass: otherwise nobody could ever set up.
        World w = world(1, 1, true);
        assertThat(readiness(w.admin()).path("usableAccounts").asInt()).isEqualTo(1);
        Client.Response rename = w.admin().put("/api/accounts/" + w.accounts().get(0) + "/display-name", Map.of("displayName", "Break-glass A"));
        assertThat(rename.status()).isEqualTo(200);
        assertGuardRefuses(w, w.admin().post("/api/accounts/" + w.accounts().get(0) + "/disable", "{}"), "account.disable");
    }

    // ------------------------------------------------------------------------------------------
    // Drills
    // ------------------------------------------------------------------------------------------

    @Test
    default void aDrillSignInRecordsThePairAndOpensNoSession() {
        World w = world(2, 2, true);
        String drill = startDrill(w.admin(), Map.of("reason", "quarterly"));
        Client custodian = client();
        Client.Response r = drillSignIn(custodian, drill, w.authenticators().get(1), w.handles().get(0));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("accountId").asString()).isEqualTo(w.accounts().get(0));
        assertThat(r.json().path("keyId").asString()).isEqualTo(w.keys().get(1));
        assertProblem(custodian.get("/api/session"), 401, "auth.required");
        assertProblem(custodian.get("/api/accounts"), 401, "auth.required");
        JsonNode view = w.admin().get("/api/drills/" + drill).json();
        assertThat(view.path("results")).hasSize(1);
        JsonNode cell = w.admin().get("/api/emergency/matrix").json().path("rows").get(0).path("cells").get(1);
        assertThat(cell.path("state").asString()).isEqualTo("READY");
        assertThat(cell.path("lastDrill").asString()).isNotBlank();
        List<AuditRow> drills = auditSince(0).stream().filter(e -> e.action().equals("drill.signin")).toList();
        AuditRow last = drills.get(drills.size() - 1);
        assertThat(last.outcome()).isEqualTo("success");
        assertThat(jdbc().sql("select rules from alert where audit_seq = :seq").param("seq", last.seq()).query(String.class).list())
                .as("a drill sign-in is an emergency sign-in, and alerts").containsExactly("drill-signin");
    }

    @Test
    default void aDrillOfAnotherPairIsRefusedAndChangesNothing() {
        World w = world(2, 2, true);
        String drill = startDrill(w.admin(), Map.of("accountId", w.accounts().get(0), "keyId", w.keys().get(0)));
        String state = storedState();
        Client.Response r = drillSignIn(client(), drill, w.authenticators().get(0), w.handles().get(1));
        assertProblem(r, 400, "drill.out_of_scope");
        assertThat(storedState()).as("the counter did not advance").isEqualTo(state);
        assertThat(w.admin().get("/api/drills/" + drill).json().path("results")).isEmpty();
    }

    @Test
    default void unknownAndClosedDrillsAreRefused() {
        World w = world(2, 1, true);
        assertProblem(drillSignIn(client(), "no-such-drill", w.authenticators().get(0), w.handles().get(0)), 404, "drill.not_found");
        String drill = startDrill(w.admin(), Map.of());
        assertThat(w.admin().post("/api/drills/" + drill + "/close", "{}").status()).isEqualTo(200);
        assertProblem(drillSignIn(client(), drill, w.authenticators().get(0), w.handles().get(0)), 410, "drill.closed");
        String expiring = startDrill(w.admin(), Map.of());
        clock().advance(Duration.ofDays(8));
        assertProblem(drillSignIn(client(), expiring, w.authenticators().get(0), w.handles().get(0)), 410, "drill.closed");
    }

    @Test
    default void drillsAreForEmergencyAccounts() {
        World w = world(2, 1, true);
        String person = createAccount(w.admin(), "Regular person", false).path("id").asString();
        assertProblem(w.admin().post("/api/drills", Map.of("accountId", person)), 400, "request.invalid");
    }

    default String credentialOn(World w, int account, int key) {
        for (JsonNode c : w.admin().get("/api/accounts/" + w.accounts().get(account) + "/credentials").json()) {
            if (c.path("keyId").asString().equals(w.keys().get(key)) && c.path("status").asString().equals("active")) {
                return c.path("id").asString();
            }
        }
        throw new AssertionError("no active credential of account " + account + " on key " + key);
    }

    default void revokeOn(World w, int account, int key) {
        Client.Response r = w.admin().post("/api/credentials/" + credentialOn(w, account, key) + "/revoke", Map.of("reason", "test"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
}
