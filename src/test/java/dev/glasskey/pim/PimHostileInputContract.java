package dev.glasskey.pim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import dev.glasskey.testing.Client;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16, hostile input on every {@code /api/pim/*} endpoint: malformed JSON, wrong JSON types,
 * missing, empty and oversized fields, unknown ids, out-of-range durations and settings, foreign
 * requests, self-approval and replays. Each refusal has its precise code (never a 500) and leaves
 * PIM's rows exactly as they were.
 */
interface PimHostileInputContract extends dev.glasskey.testing.Fixtures {

    @org.junit.jupiter.api.BeforeEach
    default void emptyOrganisationFirst() {
        clock().reset();
        emptyOrganisation();
    }

    @org.junit.jupiter.api.AfterEach
    default void realTimeAgain() {
        clock().reset();
    }

    // The helpers of PimContract (not extended: its tests would run twice).
    record Person(Client http, String id, String handle, dev.glasskey.testing.SoftwareAuthenticator key) {}

    default Person person(Client admin, String name, boolean emergency) {
        String id = createAccount(admin, name + " " + System.nanoTime(), emergency).path("id").asString();
        String keyId = registerKey(admin, "Key of " + name + " " + System.nanoTime(), "Desk").path("id").asString();
        dev.glasskey.testing.SoftwareAuthenticator key = newKey();
        Client.Response enrolled = enrol(client(), issueLink(admin, id, keyId), key);
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        Client http = client();
        String handle = accounts().get(id).userHandle();
        assertThat(signIn(http, key, handle).status()).isEqualTo(200);
        return new Person(http, id, handle, key);
    }

    default void signInAgain(Person p) {
        assertThat(signIn(p.http(), p.key(), p.handle()).status()).isEqualTo(200);
    }

    default JsonNode assign(Client admin, String accountId, String role, String kind) {
        Client.Response r = admin.post("/api/pim/assignments", Map.of("accountId", accountId, "role", role, "kind", kind, "reason", "on call"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    default Client.Response activate(Person p, String role) {
        return p.http().post("/api/pim/me/activations", Map.of("role", role, "justification", "INC-42 database restore"));
    }

    /** A PUT with a body sent as written (malformed JSON, wrong types). */
    default Client.Response putRaw(Client c, String path, String json) {
        return c.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(c.baseUrl() + path))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(json)));
    }

    /** PIM's rows as text: what no refusal may change. */
    default List<String> pimRows() {
        List<String> rows = new ArrayList<>();
        for (String table : List.of("pim_assignment", "pim_request", "pim_approval", "pim_approver", "pim_role_setting", "account_role")) {
            rows.add(table + ": " + jdbc().sql("select * from " + table).query().listOfRows().stream().map(Object::toString).sorted().toList());
        }
        return rows;
    }

    private void refused(Client.Response r, int status, String code) {
        assertProblem(r, status, code);
    }

    private static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    default void activationRefusesEveryClassOfBadInputAndChangesNothing() {
        SignedInClient admin = newAdmin();
        Person p = person(admin.http(), "Operator", false);
        assign(admin.http(), p.id(), "auditor", "eligible");
        List<String> before = pimRows();
        String path = "/api/pim/me/activations";

        refused(p.http().post(path, "{\"role\": "), 400, "request.malformed");
        refused(p.http().post(path, "[]"), 400, "request.malformed");
        refused(p.http().post(path, "\"auditor\""), 400, "request.malformed");
        refused(p.http().post(path, "{\"role\": \"auditor\", \"justification\": \"x\", \"durationMinutes\": \"ten\"}"), 400, "request.malformed");
        refused(p.http().post(path, "{\"role\": \"auditor\", \"justification\": \"x\", \"durationMinutes\": 99999999999}"), 400, "request.malformed");
        refused(p.http().post(path, "{\"role\": [\"auditor\"], \"justification\": \"x\"}"), 400, "request.malformed");
        refused(p.http().post(path, "{\"role\": \"auditor\", \"justification\": {\"a\": 1}}"), 400, "request.malformed");

        refused(p.http().post(path, body("justification", "x")), 400, "role.unknown");
        refused(p.http().post(path, body("role", "", "justification", "x")), 400, "role.unknown");
        refused(p.http().post(path, body("role", "root", "justification", "x")), 400, "role.unknown");
        refused(p.http().post(path, body("role", "x".repeat(5000), "justification", "x")), 400, "role.unknown");
        refused(p.http().post(path, body("role", "no-such-client/admin", "justification", "x")), 400, "role.unknown");
        refused(p.http().post(path, body("role", "auditor")), 400, "request.invalid");
        refused(p.http().post(path, body("role", "auditor", "justification", "   ")), 400, "request.invalid");
        refused(p.http().post(path, body("role", "auditor", "justification", "x".repeat(501))), 400, "request.invalid");
        refused(p.http().post(path, body("role", "auditor", "justification", "two\nlines")), 400, "request.invalid");
        refused(p.http().post(path, body("role", "auditor", "justification", "x", "ticket", "t".repeat(101))), 400, "request.invalid");
        for (int minutes : new int[] {0, -1, 61, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            refused(p.http().post(path, body("role", "auditor", "justification", "x", "durationMinutes", minutes)), 400, "pim.duration_invalid");
        }
        refused(p.http().post(path, body("role", "global-admin", "justification", "x")), 403, "pim.not_eligible");
        refused(p.http().post(path, body("role", "key-custodian", "justification", "x")), 403, "pim.not_eligible");
        // Stale sign-in: step-up first.
        clock().advance(Duration.ofMinutes(6));
        refused(p.http().post(path, body("role", "auditor", "justification", "x")), 401, "pim.step_up_required");
        refused(client().post(path, body("role", "auditor", "justification", "x")), 401, "auth.required");
        assertThat(pimRows()).isEqualTo(before);
    }

    @Test
    default void deactivationRefusesUnknownForeignNotRunningAndReplayed() {
        SignedInClient admin = newAdmin();
        Person p = person(admin.http(), "Operator", false);
        Person other = person(admin.http(), "Other", false);
        String eligibility = assign(admin.http(), p.id(), "auditor", "eligible").path("id").asString();
        Client.Response activated = activate(p, "auditor");
        assertThat(activated.status()).as(activated.toString()).isEqualTo(201);
        String id = activated.json().path("activation").path("id").asString();
        List<String> before = pimRows();

        for (String bad : List.of("no-such-id", "00000000-0000-0000-0000-000000000000", "x".repeat(300), eligibility)) {
            refused(p.http().post("/api/pim/me/activations/" + bad + "/deactivate", "{}"), 409, "pim.not_active");
        }
        refused(other.http().post("/api/pim/me/activations/" + id + "/deactivate", "{}"), 409, "pim.not_active");
        refused(client().post("/api/pim/me/activations/" + id + "/deactivate", "{}"), 401, "auth.required");
        assertThat(pimRows()).isEqualTo(before);

        assertThat(p.http().post("/api/pim/me/activations/" + id + "/deactivate", "{}").status()).isEqualTo(200);
        List<String> after = pimRows();
        refused(p.http().post("/api/pim/me/activations/" + id + "/deactivate", "{}"), 409, "pim.not_active");
        assertThat(pimRows()).isEqualTo(after);
    }

    @Test
    default void approvalAndDenialRefuseForeignSelfReplayedExpiredAndBadInput() {
        SignedInClient admin = newAdmin();
        Person requester = person(admin.http(), "Requester", false);
        Person a1 = person(admin.http(), "Approver one", false);
        Person a2 = person(admin.http(), "Approver two", false);
        Person outsider = person(admin.http(), "Outsider", false);
        assign(admin.http(), requester.id(), "key-custodian", "eligible");
        assign(admin.http(), a1.id(), "key-custodian", "eligible");
        Client.Response set = admin.http().put("/api/pim/roles/key-custodian", Map.of("approvalRequired", true, "approvalsNeeded", 2,
                "approvers", List.of(a1.id(), a2.id()), "requestTtlMinutes", 5));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        Client.Response asked = activate(requester, "key-custodian");
        assertThat(asked.status()).as(asked.toString()).isEqualTo(202);
        String request = asked.json().path("request").path("id").asString();
        // A second request while one waits.
        refused(activate(requester, "key-custodian"), 409, "pim.request_pending");
        List<String> before = pimRows();

        for (String bad : List.of("no-such-request", "00000000-0000-0000-0000-000000000000", "y".repeat(300))) {
            refused(a1.http().post("/api/pim/approvals/" + bad + "/approve", "{}"), 404, "pim.request_not_found");
            refused(a1.http().post("/api/pim/approvals/" + bad + "/deny", body("reason", "no")), 404, "pim.request_not_found");
        }
        refused(outsider.http().post("/api/pim/approvals/" + request + "/approve", "{}"), 403, "pim.not_approver");
        refused(outsider.http().post("/api/pim/approvals/" + request + "/deny", body("reason", "no")), 403, "pim.not_approver");
        refused(requester.http().post("/api/pim/approvals/" + request + "/approve", "{}"), 403, "pim.self_approval");
        refused(requester.http().post("/api/pim/approvals/" + request + "/deny", body("reason", "no")), 403, "pim.self_approval");
        refused(a1.http().post("/api/pim/approvals/" + request + "/deny", "{\"reason\": "), 400, "request.malformed");
        refused(a1.http().post("/api/pim/approvals/" + request + "/deny", "{\"reason\": [1]}"), 400, "request.malformed");
        refused(a1.http().post("/api/pim/approvals/" + request + "/deny", "{}"), 400, "request.invalid");
        refused(a1.http().post("/api/pim/approvals/" + request + "/deny", body("reason", "")), 400, "request.invalid");
        refused(a1.http().post("/api/pim/approvals/" + request + "/deny", body("reason", "r".repeat(501))), 400, "request.invalid");
        refused(client().post("/api/pim/approvals/" + request + "/approve", "{}"), 401, "auth.required");
        assertThat(pimRows()).isEqualTo(before);

        // One approval of two; the same approver again is a replay.
        assertThat(a1.http().post("/api/pim/approvals/" + request + "/approve", "{}").status()).isEqualTo(200);
        List<String> once = pimRows();
        refused(a1.http().post("/api/pim/approvals/" + request + "/approve", "{}"), 409, "pim.already_approved");
        assertThat(pimRows()).isEqualTo(once);

        // Past its TTL: neither approved nor denied any more.
        clock().advance(Duration.ofMinutes(5));
        refused(a2.http().post("/api/pim/approvals/" + request + "/approve", "{}"), 410, "pim.request_expired");
        refused(a2.http().post("/api/pim/approvals/" + request + "/deny", body("reason", "late")), 410, "pim.request_expired");
        assertThat(pimRows()).isEqualTo(once);

        // A decided request is not decided again.
        signInAgain(requester);
        Client.Response again = activate(requester, "key-custodian");
        assertThat(again.status()).as(again.toString()).isEqualTo(202);
        String second = again.json().path("request").path("id").asString();
        assertThat(a2.http().post("/api/pim/approvals/" + second + "/deny", body("reason", "not now")).status()).isEqualTo(200);
        List<String> denied = pimRows();
        refused(a1.http().post("/api/pim/approvals/" + second + "/approve", "{}"), 409, "pim.request_not_pending");
        refused(a2.http().post("/api/pim/approvals/" + second + "/deny", body("reason", "again")), 409, "pim.request_not_pending");
        assertThat(pimRows()).isEqualTo(denied);
    }

    @Test
    default void assignmentAndRemovalRefuseEveryClassOfBadInput() {
        SignedInClient admin = newAdmin();
        Person p = person(admin.http(), "Operator", false);
        String existing = assign(admin.http(), p.id(), "auditor", "eligible").path("id").asString();
        List<String> before = pimRows();
        Client http = admin.http();
        String path = "/api/pim/assignments";

        refused(http.post(path, "{\"accountId\": "), 400, "request.malformed");
        refused(http.post(path, "[]"), 400, "request.malformed");
        refused(http.post(path, "{\"accountId\": \"" + p.id() + "\", \"role\": \"auditor\", \"kind\": \"eligible\", \"reason\": \"r\", "
                + "\"emergencyActivatable\": \"maybe\"}"), 400, "request.malformed");
        refused(http.post(path, "{\"accountId\": {\"id\": 1}, \"role\": \"auditor\", \"kind\": \"eligible\", \"reason\": \"r\"}"), 400, "request.malformed");
        refused(http.post(path, body("role", "auditor", "kind", "eligible", "reason", "r")), 400, "request.invalid");
        refused(http.post(path, body("accountId", "", "role", "auditor", "kind", "eligible", "reason", "r")), 400, "request.invalid");
        refused(http.post(path, body("accountId", "00000000-0000-0000-0000-000000000000", "role", "key-custodian", "kind", "eligible",
                "reason", "r")), 404, "account.not_found");
        refused(http.post(path, body("accountId", "z".repeat(5000), "role", "key-custodian", "kind", "eligible", "reason", "r")), 404,
                "account.not_found");
        refused(http.post(path, body("accountId", p.id(), "role", "superuser", "kind", "eligible", "reason", "r")), 400, "role.unknown");
        refused(http.post(path, body("accountId", p.id(), "kind", "eligible", "reason", "r")), 400, "role.unknown");
        for (String kind : List.of("", "ELIGIBLE", "permanent", "x".repeat(1000))) {
            refused(http.post(path, body("accountId", p.id(), "role", "key-custodian", "kind", kind, "reason", "r")), 400, "request.invalid");
        }
        refused(http.post(path, body("accountId", p.id(), "role", "key-custodian", "kind", "eligible")), 400, "request.invalid");
        refused(http.post(path, body("accountId", p.id(), "role", "key-custodian", "kind", "eligible", "reason", "x".repeat(501))), 400,
                "request.invalid");
        for (String end : List.of("tomorrow", "2020-01-01T00:00:00Z", "2099-13-01T00:00:00Z", "1e9")) {
            refused(http.post(path, body("accountId", p.id(), "role", "key-custodian", "kind", "eligible", "reason", "r", "endsAt", end)), 400,
                    "request.invalid");
        }
        refused(http.post(path, body("accountId", p.id(), "role", "key-custodian", "kind", "eligible", "reason", "r",
                "emergencyActivatable", true)), 400, "request.invalid");
        refused(http.post(path, body("accountId", p.id(), "role", "auditor", "kind", "eligible", "reason", "again")), 409, "pim.assignment_exists");
        refused(http.post(path, body("accountId", admin.account().id(), "role", "global-admin", "kind", "active", "reason", "again")), 409,
                "pim.assignment_exists");
        refused(p.http().post(path, body("accountId", p.id(), "role", "global-admin", "kind", "active", "reason", "me")), 403, "auth.forbidden");

        for (String bad : List.of("no-such-assignment", "00000000-0000-0000-0000-000000000000", "q".repeat(300))) {
            refused(http.post(path + "/" + bad + "/remove", "{}"), 404, "pim.assignment_not_found");
        }
        refused(http.post(path + "/" + existing + "/remove", "{\"note\": "), 400, "request.malformed");
        refused(p.http().post(path + "/" + existing + "/remove", "{}"), 403, "auth.forbidden");
        assertThat(pimRows()).isEqualTo(before);

        assertThat(http.post(path + "/" + existing + "/remove", "{}").status()).isEqualTo(200);
        List<String> removed = pimRows();
        refused(http.post(path + "/" + existing + "/remove", "{}"), 404, "pim.assignment_not_found");
        assertThat(pimRows()).isEqualTo(removed);
    }

    @Test
    default void roleSettingsRefuseEveryClassOfBadInput() {
        SignedInClient admin = newAdmin();
        Person p = person(admin.http(), "Operator", false);
        List<String> before = pimRows();
        Client http = admin.http();
        String path = "/api/pim/roles/key-custodian";

        refused(putRaw(http, path, "{\"maxDurationMinutes\": "), 400, "request.malformed");
        refused(putRaw(http, path, "[]"), 400, "request.malformed");
        refused(putRaw(http, path, "{\"maxDurationMinutes\": \"sixty\"}"), 400, "request.malformed");
        refused(putRaw(http, path, "{\"approvalRequired\": \"sometimes\"}"), 400, "request.malformed");
        refused(putRaw(http, path, "{\"approvers\": \"" + p.id() + "\"}"), 400, "request.malformed");
        refused(putRaw(http, path, "{\"approvalsNeeded\": 1e100}"), 400, "request.malformed");
        for (Map<String, Object> bad : List.of(body("maxDurationMinutes", 0), body("maxDurationMinutes", 1441), body("maxDurationMinutes", -60),
                body("maxDurationMinutes", Integer.MAX_VALUE), body("stepUpMinutes", 0), body("stepUpMinutes", 61), body("requestTtlMinutes", 4),
                body("requestTtlMinutes", 10081), body("approvalsNeeded", 0), body("approvalsNeeded", 11),
                body("approvers", List.of("not-an-id")), body("approvers", List.of("x".repeat(36))),
                body("approvalRequired", true, "approvers", List.of()),
                body("approvalRequired", true, "approvalsNeeded", 2, "approvers", List.of(p.id())))) {
            refused(http.put(path, bad), 400, "pim.settings_invalid");
        }
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            many.add(java.util.UUID.randomUUID().toString());
        }
        refused(http.put(path, body("approvers", many)), 400, "pim.settings_invalid");
        refused(putRaw(http, path, "{\"approvers\": [null]}"), 400, "pim.settings_invalid");
        refused(http.put(path, body("approvers", List.of("00000000-0000-0000-0000-000000000000"))), 404, "account.not_found");
        refused(http.put("/api/pim/roles/superuser", body("maxDurationMinutes", 30)), 400, "role.unknown");
        refused(http.put("/api/pim/roles/no-such-client/admin", body("maxDurationMinutes", 30)), 400, "role.unknown");
        refused(http.get("/api/pim/roles/superuser/history"), 400, "role.unknown");
        refused(p.http().put(path, body("maxDurationMinutes", 30)), 403, "auth.forbidden");
        assertThat(pimRows()).isEqualTo(before);
    }
}
