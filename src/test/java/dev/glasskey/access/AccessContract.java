package dev.glasskey.access;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import dev.glasskey.emergency.EmergencyWorld;
import dev.glasskey.testing.Client;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditional Access over HTTP (issue 17): policies, named locations and device CAs stored and
 * audited; hostile documents refused precisely with nothing stored; the lockout guard judging every
 * change by the state after it (refused with the policies and accounts named, state unchanged);
 * what-if. Each test from an empty organisation on a database of its own.
 */
public interface AccessContract extends EmergencyWorld {

    // ------------------------------------------------------------------------------------------
    // Documents
    // ------------------------------------------------------------------------------------------

    static Map<String, Object> policy(String name, String state, Map<String, Object> include, Map<String, Object> grant) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", name);
        p.put("state", state);
        p.put("include", include);
        p.put("resources", Map.of("console", true));
        p.put("grant", grant);
        return p;
    }

    static Map<String, Object> block() {
        return Map.of("block", true);
    }

    static Map<String, Object> allPeople() {
        return Map.of("allPeople", true);
    }

    default String createLocation(Client admin, String name, boolean trusted, String... ranges) {
        Client.Response r = admin.post("/api/access/locations", Map.of("name", name, "trusted", trusted, "ranges", List.of(ranges)));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("id").asString();
    }

    default String createPolicy(Client admin, Map<String, Object> policy) {
        Client.Response r = admin.post("/api/access/policies", policy);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("id").asString();
    }

    /** The Conditional Access changes audited since {@code head} (readiness transitions and the like left out). */
    default List<String> actionsSince(long head) {
        return auditSince(head).stream().map(AuditRow::action).filter(a -> a.startsWith("policy.")).toList();
    }

    /** One policy's result in a decision, by its id (policies made at the same instant have no defined order). */
    static JsonNode result(JsonNode decision, String policyId) {
        return decision.path("policies").valueStream().filter(p -> p.path("id").asString().equals(policyId)).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------------------------------
    // Storage and API
    // ------------------------------------------------------------------------------------------

    @Test
    default void policiesAndLocationsAreStoredAuditedAndReadBack() {
        Client admin = newAdmin().http();
        long head = auditHead();
        String office = createLocation(admin, "Office", true, "198.51.100.0/24", "2001:db8:1::/48");
        Map<String, Object> p = policy("Block outside the office", "report-only", allPeople(), block());
        p.put("exclude", Map.of("emergencyAccounts", true));
        p.put("conditions", Map.of("network", Map.of("anyNetwork", true, "exclude", List.of(office))));
        String id = createPolicy(admin, p);

        JsonNode read = admin.get("/api/access/policies/" + id).json();
        assertThat(read.path("policy").path("name").asString()).isEqualTo("Block outside the office");
        assertThat(read.path("policy").path("state").asString()).isEqualTo("report-only");
        assertThat(read.path("policy").path("conditions").path("network").path("exclude").get(0).asString()).isEqualTo(office);
        assertThat(read.path("policy").path("exclude").path("emergencyAccounts").asBoolean()).isTrue();
        assertThat(admin.get("/api/access/policies").json().findValuesAsString("id")).containsExactly(id);
        JsonNode location = admin.get("/api/access/locations/" + office).json();
        assertThat(location.path("ranges").toString()).isEqualTo("[\"198.51.100.0/24\",\"2001:db8:1::/48\"]");
        assertThat(location.path("trusted").asBoolean()).isTrue();

        Client.Response on = admin.post("/api/access/policies/" + id + "/state", Map.of("state", "on"));
        assertThat(on.json().path("policy").path("state").asString()).as(on.toString()).isEqualTo("on");
        p.put("name", "Block outside the offices");
        Client.Response replaced = admin.put("/api/access/policies/" + id, p);
        assertThat(replaced.json().path("policy").path("name").asString()).as(replaced.toString()).isEqualTo("Block outside the offices");
        assertThat(replaced.json().path("policy").path("state").asString()).isEqualTo("report-only");

        // A location a policy names cannot go; once the policy is gone it can.
        String before = storedState();
        assertProblem(admin.delete("/api/access/locations/" + office), 400, "access.location_unknown");
        assertThat(storedState()).isEqualTo(before);
        assertThat(admin.delete("/api/access/policies/" + id).status()).isEqualTo(204);
        assertThat(admin.delete("/api/access/locations/" + office).status()).isEqualTo(204);
        assertProblem(admin.get("/api/access/policies/" + id), 404, "access.policy_not_found");
        assertProblem(admin.get("/api/access/locations/" + office), 404, "access.location_not_found");

        assertThat(actionsSince(head)).containsExactly("policy.location.create", "policy.create", "policy.state", "policy.update",
                "policy.delete", "policy.location.delete");
    }

    @Test
    default void namesAreUniqueAndUnknownIdsAreNotFound() {
        Client admin = newAdmin().http();
        createLocation(admin, "Office", false, "10.0.0.0/8");
        assertProblem(admin.post("/api/access/locations", Map.of("name", "OFFICE", "ranges", List.of("10.0.0.0/8"))), 409, "access.name_taken");
        createPolicy(admin, policy("P", "on", Map.of("accounts", List.of("nobody-in-particular")), block()));
        assertProblem(admin.post("/api/access/policies", policy("p", "on", Map.of("accounts", List.of("x")), block())), 409,
                "access.name_taken");
        for (String path : List.of("/api/access/policies/nope", "/api/access/policies/nope/state")) {
            Client.Response r = path.endsWith("state") ? admin.post(path, Map.of("state", "on")) : admin.get(path);
            assertProblem(r, 404, "access.policy_not_found");
        }
        assertProblem(admin.put("/api/access/policies/nope", policy("Q", "on", allPeople(), block())), 404, "access.policy_not_found");
        assertProblem(admin.delete("/api/access/policies/nope"), 404, "access.policy_not_found");
        assertProblem(admin.put("/api/access/locations/nope", Map.of("name", "X", "ranges", List.of("10.0.0.0/8"))), 404,
                "access.location_not_found");
        assertProblem(admin.delete("/api/access/locations/nope"), 404, "access.location_not_found");
        assertProblem(admin.delete("/api/access/device-cas/nope"), 404, "access.device_ca_not_found");
    }

    /** Conditional Access is administration: the one permission table gives it to {@code global-admin} only. */
    @Test
    default void onlyGlobalAdministratorsReachConditionalAccess() {
        Client admin = newAdmin().http();
        PasswordPerson auditor = invitePerson(admin, "auditor");
        Client browser = client();
        Client.Response signedIn = passwordSignIn(browser, auditor.signInName(), auditor.password(), totpCode(auditor.secret(), 0));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        Client anonymous = client();
        String before = storedState();
        for (String path : List.of("/api/access/policies", "/api/access/locations", "/api/access/device-cas")) {
            assertThat(browser.get(path).status()).as(path).isEqualTo(403);
            assertThat(browser.post(path, "{}").status()).as(path).isEqualTo(403);
            assertThat(anonymous.get(path).status()).as(path).isIn(401, 403);
        }
        assertThat(browser.post("/api/access/what-if", Map.of("account", auditor.accountId(), "resource", "console", "method", "passkey"))
                .status()).isEqualTo(403);
        assertThat(storedState()).isEqualTo(before);
    }

    /** Hostile policy documents: each refused with its code and field, nothing stored, nothing audited. */
    @Test
    default void hostilePolicyDocumentsAreRefusedPreciselyAndStoreNothing() {
        Client admin = newAdmin().http();
        String office = createLocation(admin, "Office", true, "10.0.0.0/8");
        String base = "\"name\":\"P\",\"state\":\"on\",\"include\":{\"allPeople\":true},\"resources\":{\"console\":true}";
        record Case(String body, int status, String code, String field) {}
        List<Case> cases = new ArrayList<>(List.of(
                new Case("{" + base + "}", 400, "access.policy_invalid", "grant"),
                new Case("{\"state\":\"on\",\"include\":{\"allPeople\":true},\"resources\":{\"console\":true},\"grant\":{\"block\":true}}", 400,
                        "access.policy_invalid", "name"),
                new Case("{\"name\":\"  P\",\"state\":\"on\",\"include\":{\"allPeople\":true},\"resources\":{\"console\":true},\"grant\":{\"block\":true}}",
                        400, "access.policy_invalid", "name"),
                new Case("{\"name\":\"" + "n".repeat(201) + "\",\"state\":\"on\",\"include\":{\"allPeople\":true},\"resources\":{\"console\":true},"
                        + "\"grant\":{\"block\":true}}", 400, "access.policy_invalid", "name"),
                new Case("{\"name\":\"a\\u0000b\",\"state\":\"on\",\"include\":{\"allPeople\":true},\"resources\":{\"console\":true},\"grant\":{\"block\":true}}",
                        400, "access.policy_invalid", "name"),
                new Case("{\"name\":\"P\",\"state\":\"ON\",\"include\":{\"allPeople\":true},\"resources\":{\"console\":true},\"grant\":{\"block\":true}}",
                        400, "access.policy_invalid", "state"),
                new Case("{\"name\":\"P\",\"include\":{\"allPeople\":true},\"resources\":{\"console\":true},\"grant\":{\"block\":true}}",
                        400, "access.policy_invalid", "state"),
                new Case("{\"name\":\"P\",\"state\":\"on\",\"include\":{\"allPeople\":true},\"grant\":{\"block\":true}}", 400,
                        "access.policy_invalid", "resources"),
                new Case("{\"name\":\"P\",\"state\":\"on\",\"resources\":{\"console\":true},\"grant\":{\"block\":true}}", 400,
                        "access.assignment_empty", "include"),
                new Case("{\"name\":\"P\",\"state\":\"on\",\"include\":{\"allPeople\":true},\"resources\":{},\"grant\":{\"block\":true}}", 400,
                        "access.assignment_empty", "resources"),
                new Case("{" + base + ",\"grant\":{}}", 400, "access.controls_invalid", "grant"),
                new Case("{" + base + ",\"grant\":{\"block\":true,\"controls\":[{\"type\":\"compliant-device\"}]}}", 400,
                        "access.controls_invalid", "grant"),
                new Case("{" + base + ",\"grant\":{\"operator\":\"any\",\"controls\":[{\"type\":\"compliant-device\"}]}}", 400,
                        "access.policy_invalid", "grant.operator"),
                new Case("{" + base + ",\"grant\":{\"controls\":[{\"type\":\"magic\"}]}}", 400, "access.policy_invalid", "grant.controls[0].type"),
                new Case("{" + base + ",\"grant\":{\"controls\":[{}]}}", 400, "access.policy_invalid", "grant.controls[0].type"),
                new Case("{" + base + ",\"grant\":{\"controls\":[null]}}", 400, "access.policy_invalid", "grant.controls[0].type"),
                new Case("{" + base + ",\"grant\":{\"controls\":[{\"type\":\"strength\",\"strength\":\"strong\"}]}}", 400,
                        "access.strength_unknown", "grant.controls[0].strength"),
                new Case("{" + base + ",\"grant\":{\"controls\":[{\"type\":\"strength\"}]}}", 400, "access.strength_unknown",
                        "grant.controls[0].strength"),
                new Case("{" + base + ",\"grant\":{\"controls\":[{\"type\":\"strength\",\"strength\":\"allowed-models\"}]}}", 400,
                        "access.strength_models", "grant.controls[0].strength.models"),
                new Case("{" + base + ",\"grant\":{\"controls\":[{\"type\":\"strength\",\"strength\":\"mfa\",\"models\":[\"cb69481e-8ff7-4039-93ec-0a2729a154a8\"]}]}}",
                        400, "access.strength_models", "grant.controls[0].strength.models"),
                new Case("{" + base + ",\"grant\":{\"controls\":[{\"type\":\"strength\",\"strength\":\"allowed-models\",\"models\":[\"not-a-uuid\"]}]}}",
                        400, "access.policy_invalid", "grant.controls[0].models"),
                new Case("{" + base + ",\"grant\":{\"controls\":[{\"type\":\"strength\",\"strength\":\"allowed-models\",\"models\":[\"1-1-1-1-1\"]}]}}",
                        400, "access.policy_invalid", "grant.controls[0].models"),
                new Case("{" + base + ",\"grant\":{\"controls\":[{\"type\":\"compliant-device\",\"strength\":\"mfa\"}]}}", 400,
                        "access.policy_invalid", "grant.controls[0]"),
                new Case("{" + base + ",\"grant\":{},\"signInFrequency\":\"8 hours\"}", 400, "access.sign_in_frequency_invalid", "signInFrequency"),
                new Case("{" + base + ",\"grant\":{},\"signInFrequency\":\"PT0S\"}", 400, "access.sign_in_frequency_invalid",
                        "signInFrequency"),
                new Case("{" + base + ",\"grant\":{},\"signInFrequency\":\"-PT1H\"}", 400, "access.sign_in_frequency_invalid",
                        "signInFrequency"),
                new Case("{" + base + ",\"grant\":{},\"signInFrequency\":\"P366D\"}", 400, "access.sign_in_frequency_invalid",
                        "signInFrequency"),
                new Case("{" + base + ",\"grant\":{\"block\":true},\"conditions\":{\"network\":{\"include\":[\"nowhere\"]}}}", 400,
                        "access.location_unknown", "conditions.network.include"),
                new Case("{" + base + ",\"grant\":{\"block\":true},\"conditions\":{\"network\":{\"excludeTrusted\":true}}}", 400,
                        "access.condition_empty", "conditions.network"),
                new Case("{" + base + ",\"grant\":{\"block\":true},\"conditions\":{\"method\":{}}}", 400, "access.condition_empty",
                        "conditions.method"),
                new Case("{" + base + ",\"grant\":{\"block\":true},\"conditions\":{\"device\":\"shiny\"}}", 400, "access.policy_invalid",
                        "conditions.device"),
                new Case("{\"name\":\"P\",\"state\":\"on\",\"include\":{\"accounts\":[\"\"]},\"resources\":{\"console\":true},\"grant\":{\"block\":true}}",
                        400, "access.policy_invalid", "include.accounts[0]"),
                new Case("{\"name\":\"P\",\"state\":\"on\",\"include\":{\"roles\":[null]},\"resources\":{\"console\":true},\"grant\":{\"block\":true}}",
                        400, "access.policy_invalid", "include.roles[0]"),
                new Case("{\"name\":\"P\",\"state\":\"on\",\"include\":{\"allPeople\":true},\"resources\":{\"clients\":[\"c\\n\"]},\"grant\":{\"block\":true}}",
                        400, "access.policy_invalid", "resources.clients[0]")));
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 501; i++) {
            many.append(i == 0 ? "" : ",").append("\"a").append(i).append('"');
        }
        cases.add(new Case("{\"name\":\"P\",\"state\":\"on\",\"include\":{\"accounts\":" + many + "]},\"resources\":{\"console\":true},"
                + "\"grant\":{\"block\":true}}", 400, "access.policy_invalid", "include.accounts"));
        String before = storedState();
        long head = auditHead();
        for (Case c : cases) {
            Client.Response r = admin.post("/api/access/policies", c.body());
            assertProblem(r, c.status(), c.code());
            assertThat(r.json().path("field").asString()).as(c.body()).isEqualTo(c.field());
        }
        // Not JSON at all, or the wrong JSON types: a request error, never a 500.
        for (String junk : List.of("", "{", "[]", "null", "{\"name\":1,\"state\":[],\"include\":\"all\"}", "{\"grant\":{\"block\":\"maybe\"}}")) {
            Client.Response r = admin.post("/api/access/policies", junk);
            assertThat(r.status()).as(junk + " -> " + r).isEqualTo(400);
        }
        assertThat(storedState()).isEqualTo(before);
        assertThat(actionsSince(head)).doesNotContain("policy.create");
        assertThat(office).isNotEmpty();
    }

    @Test
    default void hostileLocationsAreRefusedPreciselyAndStoreNothing() {
        Client admin = newAdmin().http();
        String before = storedState();
        for (List<String> ranges : List.of(List.<String>of(), List.of("example.com"), List.of("10.0.0.0/8", "10.0.0.0/33"), List.of("::/129"),
                List.of("10.0.0.1 "), List.of("[::1]"), List.of("fe80::1%eth0"), List.of("01.2.3.4"), List.of("::ffff:10.0.0.0/95"))) {
            Client.Response r = admin.post("/api/access/locations", Map.of("name", "L", "trusted", true, "ranges", ranges));
            assertProblem(r, 400, "access.location_invalid");
            assertThat(r.json().path("field").asString()).as(ranges.toString()).startsWith("ranges");
        }
        assertProblem(admin.post("/api/access/locations", Map.of("name", " ", "ranges", List.of("10.0.0.0/8"))), 400, "access.location_invalid");
        assertProblem(admin.post("/api/access/locations", "{\"name\":\"L\",\"ranges\":[null]}"), 400, "access.location_invalid");
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add("10.0.0." + (i % 256));
        }
        assertProblem(admin.post("/api/access/locations", Map.of("name", "L", "ranges", tooMany)), 400, "access.location_invalid");
        assertThat(storedState()).isEqualTo(before);
    }

    @Test
    default void deviceCasMustBeOneValidCaCertificate() {
        Client admin = newAdmin().http();
        DeviceCerts.Issued ca = DeviceCerts.ca("Fleet MDM CA");
        DeviceCerts.Issued device = DeviceCerts.device("laptop-17", ca);
        DeviceCerts.Issued expired = DeviceCerts.ca("Old CA", Instant.parse("2001-01-01T00:00:00Z"), Instant.parse("2002-01-01T00:00:00Z"));
        String before = storedState();
        for (String bad : List.of("", "hello", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                device.pem(), ca.pem() + device.pem(), expired.pem(), "x".repeat(20_000),
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")) {
            Client.Response r = admin.post("/api/access/device-cas", Map.of("name", "MDM", "certificate", bad));
            assertProblem(r, 400, "access.device_ca_invalid");
            assertThat(r.json().path("field").asString()).isEqualTo("certificate");
        }
        assertProblem(admin.post("/api/access/device-cas", Map.of("name", "", "certificate", ca.pem())), 400, "access.device_ca_invalid");
        assertProblem(admin.post("/api/access/device-cas", "{}"), 400, "access.device_ca_invalid");
        assertThat(storedState()).isEqualTo(before);

        long head = auditHead();
        Client.Response added = admin.post("/api/access/device-cas", Map.of("name", "Fleet MDM", "certificate", ca.pem()));
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        assertThat(added.json().path("subject").asString()).isEqualTo("CN=Fleet MDM CA");
        assertThat(added.json().path("sha256").asString()).hasSize(64);
        assertProblem(admin.post("/api/access/device-cas", Map.of("name", "Again", "certificate", ca.pem())), 409,
                "access.device_ca_duplicate");
        assertThat(admin.get("/api/access/device-cas").json().size()).isEqualTo(1);
        assertThat(admin.delete("/api/access/device-cas/" + added.json().path("id").asString()).status()).isEqualTo(204);
        assertThat(actionsSince(head)).containsExactly("policy.device_ca.add", "policy.device_ca.remove");
    }

    // ------------------------------------------------------------------------------------------
    // The lockout guard judges policy changes (issue 17 §5)
    // ------------------------------------------------------------------------------------------

    default void refusedByTheGuard(Client.Response r, String action, String policyName) {
        assertProblem(r, 409, "emergency.lockout_guard");
        assertThat(r.json().path("detail").asString()).contains("'" + action + "'").contains("Break-glass 0").contains("Break-glass 1")
                .contains("policy '" + policyName + "'");
    }

    @Test
    default void aPolicyThatWouldKeepTheEmergencyAccountsOutIsRefusedWithStateUnchanged() {
        World w = world(2, 2, true);
        Client admin = w.admin();
        String before = storedState();
        long head = auditHead();
        refusedByTheGuard(admin.post("/api/access/policies", policy("Block the console", "on", allPeople(), block())), "policy.create",
                "Block the console");
        // Not only the obvious one: a role the emergency accounts hold, a device they cannot present.
        refusedByTheGuard(admin.post("/api/access/policies", policy("Admins on managed devices", "on", Map.of("roles", List.of("global-admin")),
                Map.of("controls", List.of(Map.of("type", "compliant-device"))))), "policy.create", "Admins on managed devices");
        assertThat(storedState()).as("refused changes leave stored state untouched").isEqualTo(before);
        List<AuditRow> entries = auditSince(head);
        assertThat(entries).extracting(AuditRow::action, AuditRow::outcome, AuditRow::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("policy.create", "failure", "emergency.lockout_guard"),
                        org.assertj.core.groups.Tuple.tuple("policy.create", "failure", "emergency.lockout_guard"));

        // Report-only never blocks; switching it on is judged like any change.
        String reportOnly = createPolicy(admin, policy("Block the console", "report-only", allPeople(), block()));
        String state = storedState();
        refusedByTheGuard(admin.post("/api/access/policies/" + reportOnly + "/state", Map.of("state", "on")), "policy.state", "Block the console");
        assertThat(storedState()).isEqualTo(state);

        // Excluding the emergency accounts, it may go on; a security key meets a hardware-key strength.
        Map<String, Object> excluding = policy("Block the console", "on", allPeople(), block());
        excluding.put("exclude", Map.of("emergencyAccounts", true));
        Client.Response replaced = admin.put("/api/access/policies/" + reportOnly, excluding);
        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        createPolicy(admin, policy("Keys for admins", "on", Map.of("roles", List.of("global-admin")),
                Map.of("controls", List.of(Map.of("type", "strength", "strength", "hardware-key")))));

        // Dropping the exclusion again is refused: the guard judges the set after the change.
        state = storedState();
        refusedByTheGuard(admin.put("/api/access/policies/" + reportOnly, policy("Block the console", "on", allPeople(), block())),
                "policy.update", "Block the console");
        assertThat(storedState()).isEqualTo(state);
        assertThat(readiness(admin).path("usableAccounts").asInt()).isEqualTo(2);
    }

    /** A change to accounts that lets a policy in force keep them out is judged the same way: one guard, the state after. */
    @Test
    default void grantingARoleABlockingPolicyTargetsIsRefused() {
        World w = world(2, 2, true);
        Client admin = w.admin();
        createPolicy(admin, policy("No auditors on the console", "on", Map.of("roles", List.of("auditor")), block()));
        String state = storedState();
        Client.Response r = admin.put("/api/accounts/" + w.accounts().get(0) + "/roles", Map.of("roles", List.of("global-admin", "auditor")));
        assertProblem(r, 409, "emergency.lockout_guard");
        assertThat(r.json().path("detail").asString()).contains("policy 'No auditors on the console'").contains("Break-glass 0");
        assertThat(storedState()).isEqualTo(state);
        JsonNode report = readiness(admin);
        assertThat(report.path("usableAccounts").asInt()).isEqualTo(2);
    }

    // ------------------------------------------------------------------------------------------
    // What-if (issue 17 §4)
    // ------------------------------------------------------------------------------------------

    @Test
    default void whatIfShowsWhichPoliciesApplyWhyAndTheOutcome() {
        Client admin = newAdmin().http();
        String person = createAccount(admin, "Dana " + System.nanoTime(), false, "auditor").path("id").asString();
        String office = createLocation(admin, "Office", true, "198.51.100.0/24", "2001:db8:1::/48");
        Map<String, Object> outside = policy("Auditors only from the office", "on", Map.of("roles", List.of("auditor")), block());
        outside.put("conditions", Map.of("network", Map.of("anyNetwork", true, "exclude", List.of(office))));
        String blocking = createPolicy(admin, outside);
        String keys = createPolicy(admin, policy("Keys, reported", "report-only", Map.of("accounts", List.of(person)),
                Map.of("controls", List.of(Map.of("type", "strength", "strength", "hardware-key")))));

        JsonNode away = admin.post("/api/access/what-if", Map.of("account", person, "resource", "console", "address", "203.0.113.9",
                "method", "password-code")).json();
        assertThat(away.path("enforced").path("outcome").asString()).as(away.toString()).isEqualTo("block");
        assertThat(away.path("enforced").path("blockedBy").get(0).asString()).isEqualTo(blocking);
        assertThat(away.path("reportOnly").path("outcome").asString()).isEqualTo("require");
        assertThat(away.path("reportOnly").path("summary").asString()).isEqualTo("would have required strength hardware-key");
        JsonNode first = result(away, blocking);
        assertThat(first.path("applied").asBoolean()).isTrue();
        assertThat(first.path("conditions").findValuesAsString("why")).contains("holds the included role 'auditor'");

        JsonNode inside = admin.post("/api/access/what-if", Map.of("account", person, "resource", "console", "address", "2001:db8:1::7",
                "method", "security-key")).json();
        assertThat(inside.path("enforced").path("outcome").asString()).as(inside.toString()).isEqualTo("allow");
        assertThat(inside.path("reportOnly").path("outcome").asString()).isEqualTo("allow");
        assertThat(result(inside, blocking).path("conditions").findValuesAsString("why"))
                .contains("the address is in the excluded location 'Office'");
        // An IPv6 address whose leading bits spell 198.51.100.0/24 is not in the office.
        JsonNode spelled = admin.post("/api/access/what-if", Map.of("account", person, "resource", "console", "address", "c633:6400::1",
                "method", "security-key")).json();
        assertThat(spelled.path("enforced").path("outcome").asString()).isEqualTo("block");
        // Another resource: not targeted.
        JsonNode client = admin.post("/api/access/what-if", Map.of("account", person, "resource", "client:crm", "method", "passkey")).json();
        assertThat(client.path("enforced").path("outcome").asString()).isEqualTo("allow");
        assertThat(keys).isNotEmpty();
    }

    @Test
    default void whatIfRefusesHostileQuestionsPrecisely() {
        Client admin = newAdmin().http();
        String person = createAccount(admin, "Eve " + System.nanoTime(), false, "auditor").path("id").asString();
        record Case(Map<String, Object> body, int status, String code, String field) {}
        for (Case c : List.of(
                new Case(Map.of("resource", "console", "method", "passkey"), 400, "request.invalid", "account"),
                new Case(Map.of("account", "nobody", "resource", "console", "method", "passkey"), 404, "account.not_found", "account"),
                new Case(Map.of("account", person, "resource", "portal", "method", "passkey"), 400, "request.invalid", "resource"),
                new Case(Map.of("account", person, "resource", "client:", "method", "passkey"), 400, "request.invalid", "resource"),
                new Case(Map.of("account", person, "method", "passkey"), 400, "request.invalid", "resource"),
                new Case(Map.of("account", person, "resource", "console", "method", "sms"), 400, "request.invalid", "method"),
                new Case(Map.of("account", person, "resource", "console"), 400, "request.invalid", "method"),
                new Case(Map.of("account", person, "resource", "console", "method", "passkey", "address", "localhost"), 400, "request.invalid", "address"),
                new Case(Map.of("account", person, "resource", "console", "method", "passkey", "address", "10.0.0.0/8"), 400, "request.invalid", "address"),
                new Case(Map.of("account", person, "resource", "console", "method", "passkey", "address", "[::1]"), 400, "request.invalid", "address"),
                new Case(Map.of("account", person, "resource", "console", "method", "security-key", "attestedModel", "x"), 400, "request.invalid",
                        "attestedModel"),
                new Case(Map.of("account", person, "resource", "console", "method", "passkey", "attestedModel",
                        "cb69481e-8ff7-4039-93ec-0a2729a154a8"), 400, "request.invalid", "attestedModel"),
                new Case(Map.of("account", person, "resource", "console", "method", "passkey", "authAgeSeconds", -1), 400, "request.invalid",
                        "authAgeSeconds"))) {
            Client.Response r = admin.post("/api/access/what-if", c.body());
            assertProblem(r, c.status(), c.code());
            assertThat(r.json().path("field").asString()).as(c.body().toString()).isEqualTo(c.field());
        }
        assertThat(admin.post("/api/access/what-if", "{").status()).isEqualTo(400);
    }
}
