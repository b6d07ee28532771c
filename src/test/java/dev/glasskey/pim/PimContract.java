package dev.glasskey.pim;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import dev.glasskey.system.Times;
import dev.glasskey.testing.Client;
import dev.glasskey.testing.Fixtures;
import dev.glasskey.testing.SoftwareAuthenticator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16 (PIM), over HTTP on a database of its own: held roles are permanent active assignments;
 * an eligible role is activated by its holder (step-up, duration, justification), is in the session at
 * the next request and leaves it at its end or on deactivation; approval by N of the approvers (never
 * one's own, within the request's TTL, denial with a reason); emergency activation with no approver,
 * flagged and alerted; the lockout guard counts eligible emergency accounts. Every refusal with its
 * code, and stored state untouched. Time moves only through the test clock.
 */
interface PimContract extends Fixtures {

    /** A signed-in account with a key of its own. */
    record Person(Client http, String id, String handle, SoftwareAuthenticator key) {}

    @BeforeEach
    default void emptyOrganisationFirst() {
        clock().reset();
        emptyOrganisation();
    }

    @AfterEach
    default void realTimeAgain() {
        clock().reset();
    }

    default Person person(Client admin, String name, boolean emergency) {
        String id = createAccount(admin, name + " " + System.nanoTime(), emergency).path("id").asString();
        String keyId = registerKey(admin, "Key of " + name + " " + System.nanoTime(), "Desk").path("id").asString();
        SoftwareAuthenticator key = newKey();
        Client.Response enrolled = enrol(client(), issueLink(admin, id, keyId), key);
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        Client http = client();
        String handle = accounts().get(id).userHandle();
        Client.Response signedIn = signIn(http, key, handle);
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        return new Person(http, id, handle, key);
    }

    /** A fresh security-key sign-in of the same person (step-up). */
    default void signInAgain(Person p) {
        Client.Response r = signIn(p.http(), p.key(), p.handle());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }

    default JsonNode assign(Client admin, String accountId, String role, String kind, Object... extra) {
        Client.Response r = admin.post("/api/pim/assignments", assignment(accountId, role, kind, extra));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    default Map<String, Object> assignment(String accountId, String role, String kind, Object... extra) {
        Map<String, Object> body = new HashMap<>(Map.of("accountId", accountId, "role", role, "kind", kind, "reason", "on call"));
        for (int i = 0; i < extra.length; i += 2) {
            body.put((String) extra[i], extra[i + 1]);
        }
        return body;
    }

    default Client.Response activate(Person p, String role, Object... extra) {
        Map<String, Object> body = new HashMap<>(Map.of("role", role, "justification", "INC-42 database restore"));
        for (int i = 0; i < extra.length; i += 2) {
            body.put((String) extra[i], extra[i + 1]);
        }
        return p.http().post("/api/pim/me/activations", body);
    }

    default List<String> sessionRoles(Person p) {
        return p.http().get("/api/session").json().path("roles").valueStream().map(JsonNode::asString).toList();
    }

    // ------------------------------------------------------------------------------------------

    @Test
    default void heldRolesAreActivePermanentAssignmentsAndRolesHaveTheirDefaults() {
        SignedInClient admin = newAdmin();
        JsonNode assignments = admin.http().get("/api/pim/assignments").json();
        JsonNode held = assignments.valueStream().filter(a -> a.path("accountId").asString().equals(admin.account().id())).findFirst().orElseThrow();
        assertThat(held.path("role").asString()).isEqualTo("global-admin");
        assertThat(held.path("kind").asString()).isEqualTo("active");
        assertThat(held.path("permanent").asBoolean()).isTrue();
        assertThat(held.path("source").asString()).isEqualTo("held");

        JsonNode mine = admin.http().get("/api/pim/me").json();
        assertThat(mine.path("roles").toString()).isEqualTo("[\"global-admin\"]");
        assertThat(mine.path("active").findValuesAsString("role")).containsExactly("global-admin");

        JsonNode roles = admin.http().get("/api/pim/roles").json();
        assertThat(roles.findValuesAsString("role")).containsExactlyInAnyOrderElementsOf(dev.glasskey.account.Roles.ALL);
        for (JsonNode r : roles) {
            assertThat(r.path("maxDurationMinutes").asInt()).isEqualTo(60);
            assertThat(r.path("approvalRequired").asBoolean()).isFalse();
            assertThat(r.path("stepUpMinutes").asInt()).isEqualTo(5);
        }
        // The caller's own views are open to every signed-in account; administration is not.
        Person nobody = person(admin.http(), "Nobody", false);
        assertThat(nobody.http().get("/api/pim/me").status()).isEqualTo(200);
        assertThat(nobody.http().get("/api/pim/approvals").json().size()).isZero();
        assertProblem(nobody.http().get("/api/pim/assignments"), 403, "auth.forbidden");
        assertProblem(nobody.http().get("/api/pim/roles"), 403, "auth.forbidden");
        assertProblem(nobody.http().post("/api/pim/assignments", assignment(nobody.id(), "global-admin", "active")), 403, "auth.forbidden");
        assertProblem(client().get("/api/pim/me"), 401, "auth.required");
    }

    @Test
    default void anActivatedRoleIsInTheSessionAtTheNextRequestAndLeavesItAtItsEnd() {
        SignedInClient admin = newAdmin();
        Person p = person(admin.http(), "Operator", false);
        assertProblem(p.http().get("/api/accounts"), 403, "auth.forbidden");
        String eligibility = assign(admin.http(), p.id(), "global-admin", "eligible").path("id").asString();
        assertProblem(p.http().get("/api/accounts"), 403, "auth.forbidden");

        Client.Response activated = activate(p, "global-admin", "durationMinutes", 15, "ticket", "CHG-7");
        assertThat(activated.status()).as(activated.toString()).isEqualTo(201);
        assertThat(activated.json().path("outcome").asString()).isEqualTo("activation");
        JsonNode activation = activated.json().path("activation");
        assertThat(activation.path("endsAt").asString()).isEqualTo(Times.now(clock()).plus(Duration.ofMinutes(15)).toString());
        assertThat(activation.path("ticket").asString()).isEqualTo("CHG-7");

        // The very next request has the role; the session was not re-created.
        assertThat(p.http().get("/api/accounts").status()).isEqualTo(200);
        assertThat(sessionRoles(p)).containsExactly("global-admin");
        JsonNode mine = p.http().get("/api/pim/me").json();
        assertThat(mine.path("eligible").findValuesAsString("id")).containsExactly(eligibility);
        assertThat(mine.path("active").findValuesAsString("id")).containsExactly(activation.path("id").asString());

        clock().advance(Duration.ofMinutes(14));
        assertThat(p.http().get("/api/accounts").status()).isEqualTo(200);
        clock().advance(Duration.ofMinutes(1));
        assertProblem(p.http().get("/api/accounts"), 403, "auth.forbidden");
        assertThat(sessionRoles(p)).isEmpty();

        // Again, then ended early by its holder: gone at the next request.
        signInAgain(p);
        String again = activate(p, "global-admin").json().path("activation").path("id").asString();
        assertThat(p.http().get("/api/accounts").status()).isEqualTo(200);
        Client.Response ended = p.http().post("/api/pim/me/activations/" + again + "/deactivate", "{}");
        assertThat(ended.status()).as(ended.toString()).isEqualTo(200);
        assertThat(ended.json().path("endedAt").asString()).isEqualTo(Times.now(clock()).toString());
        assertProblem(p.http().get("/api/accounts"), 403, "auth.forbidden");
        assertProblem(p.http().post("/api/pim/me/activations/" + again + "/deactivate", "{}"), 409, "pim.not_active");

        // The administrator's session sat unused through the 15 minutes above: its idle timeout ended it.
        Client.Response adminAgain = signIn(admin.http(), admin.key(), admin.account().userHandle());
        assertThat(adminAgain.status()).as(adminAgain.toString()).isEqualTo(200);
        List<String> actions = admin.http().get("/api/audit?target=" + p.id()).json().findValuesAsString("action");
        assertThat(actions).contains("pim.assign", "pim.activate", "pim.deactivate");
        JsonNode history = admin.http().get("/api/pim/roles/global-admin/history").json();
        assertThat(history.findValuesAsString("id")).containsExactly(again, activation.path("id").asString());
    }

    @Test
    default void activationRefusalsNameTheirCodeAndChangeNothing() {
        SignedInClient admin = newAdmin();
        Person p = person(admin.http(), "Operator", false);
        assign(admin.http(), p.id(), "key-custodian", "eligible");
        String state = storedState();

        assertProblem(activate(p, "auditor"), 403, "pim.not_eligible");
        assertProblem(activate(p, "root"), 400, "role.unknown");
        assertProblem(p.http().post("/api/pim/me/activations", Map.of("justification", "x")), 400, "role.unknown");
        assertProblem(p.http().post("/api/pim/me/activations", Map.of("role", "key-custodian")), 400, "request.invalid");
        assertProblem(activate(p, "key-custodian", "justification", "  "), 400, "request.invalid");
        assertProblem(activate(p, "key-custodian", "justification", "a\u0000b"), 400, "request.invalid");
        assertProblem(activate(p, "key-custodian", "justification", "x".repeat(501)), 400, "request.invalid");
        assertProblem(activate(p, "key-custodian", "ticket", "T".repeat(101)), 400, "request.invalid");
        assertProblem(activate(p, "key-custodian", "ticket", "line\nbreak"), 400, "request.invalid");
        for (int minutes : new int[] {0, -5, 61, Integer.MAX_VALUE}) {
            assertProblem(activate(p, "key-custodian", "durationMinutes", minutes), 400, "pim.duration_invalid");
        }
        assertProblem(p.http().post("/api/pim/me/activations", "{\"role\":"), 400, "request.malformed");
        assertProblem(p.http().post("/api/pim/me/activations", "{\"role\":\"key-custodian\",\"durationMinutes\":\"soon\"}"), 400,
                "request.malformed");
        assertProblem(p.http().post("/api/pim/me/activations/nope/deactivate", "{}"), 409, "pim.not_active");
        assertThat(storedState()).as("refused activations change nothing").isEqualTo(state);

        // Step-up: the sign-in is older than the role's step-up age (5 min).
        clock().advance(Duration.ofMinutes(5).plusSeconds(1));
        Client.Response stale = activate(p, "key-custodian");
        assertProblem(stale, 401, "pim.step_up_required");
        assertThat(stale.json().path("detail").asString()).contains("max_age=300");
        assertThat(storedState()).isEqualTo(state);
        signInAgain(p);
        assertThat(activate(p, "key-custodian").status()).isEqualTo(201);
        assertProblem(activate(p, "key-custodian"), 409, "pim.already_active");
        // Nobody activates another's role: an activation's id is only its holder's to end.
        Person other = person(admin.http(), "Other", false);
        String id = p.http().get("/api/pim/me").json().path("active").get(0).path("id").asString();
        assertProblem(other.http().post("/api/pim/me/activations/" + id + "/deactivate", "{}"), 409, "pim.not_active");
    }

    @Test
    default void approvalNeedsNOfTheApproversNeverOnesOwnAndRequestsExpire() {
        SignedInClient admin = newAdmin();
        Person requester = person(admin.http(), "Requester", false);
        Person first = person(admin.http(), "Approver one", false);
        Person second = person(admin.http(), "Approver two", false);
        Person outsider = person(admin.http(), "Outsider", false);
        assign(admin.http(), requester.id(), "key-custodian", "eligible");

        String state = storedState();
        assertProblem(admin.http().put("/api/pim/roles/key-custodian", Map.of("approvalRequired", true)), 400, "pim.settings_invalid");
        assertProblem(admin.http().put("/api/pim/roles/key-custodian", Map.of("approvalRequired", true, "approvalsNeeded", 3,
                "approvers", List.of(first.id(), second.id()))), 400, "pim.settings_invalid");
        assertProblem(admin.http().put("/api/pim/roles/key-custodian", Map.of("approvers", List.of("../etc"))), 400, "pim.settings_invalid");
        for (int minutes : new int[] {0, 1441, -1}) {
            assertProblem(admin.http().put("/api/pim/roles/key-custodian", Map.of("maxDurationMinutes", minutes)), 400, "pim.settings_invalid");
        }
        assertProblem(admin.http().put("/api/pim/roles/key-custodian", Map.of("stepUpMinutes", 61)), 400, "pim.settings_invalid");
        assertProblem(admin.http().put("/api/pim/roles/key-custodian", Map.of("requestTtlMinutes", 4)), 400, "pim.settings_invalid");
        assertProblem(admin.http().put("/api/pim/roles/root", Map.of("maxDurationMinutes", 30)), 400, "role.unknown");
        assertThat(storedState()).as("refused settings change nothing").isEqualTo(state);

        Client.Response set = admin.http().put("/api/pim/roles/key-custodian", Map.of("approvalRequired", true, "approvalsNeeded", 2,
                "approvers", List.of(first.id(), second.id(), requester.id()), "requestTtlMinutes", 30, "maxDurationMinutes", 120));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        assertThat(set.json().path("approvers").size()).isEqualTo(3);

        Client.Response asked = activate(requester, "key-custodian", "durationMinutes", 90);
        assertThat(asked.status()).as(asked.toString()).isEqualTo(202);
        String request = asked.json().path("request").path("id").asString();
        assertThat(asked.json().path("request").path("status").asString()).isEqualTo("pending");
        assertThat(sessionRoles(requester)).isEmpty();
        assertProblem(activate(requester, "key-custodian"), 409, "pim.request_pending");
        assertThat(first.http().get("/api/pim/approvals").json().findValuesAsString("id")).containsExactly(request);
        assertThat(requester.http().get("/api/pim/approvals").json().size()).as("not one's own").isZero();

        state = storedState();
        assertProblem(requester.http().post("/api/pim/approvals/" + request + "/approve", "{}"), 403, "pim.self_approval");
        assertProblem(requester.http().post("/api/pim/approvals/" + request + "/deny", Map.of("reason", "no")), 403, "pim.self_approval");
        assertProblem(outsider.http().post("/api/pim/approvals/" + request + "/approve", "{}"), 403, "pim.not_approver");
        assertProblem(first.http().post("/api/pim/approvals/nope/approve", "{}"), 404, "pim.request_not_found");
        assertProblem(first.http().post("/api/pim/approvals/" + request + "/deny", "{}"), 400, "request.invalid");
        assertThat(storedState()).isEqualTo(state);

        Client.Response one = first.http().post("/api/pim/approvals/" + request + "/approve", "{}");
        assertThat(one.json().path("status").asString()).as(one.toString()).isEqualTo("pending");
        assertProblem(first.http().post("/api/pim/approvals/" + request + "/approve", "{}"), 409, "pim.already_approved");
        assertThat(sessionRoles(requester)).isEmpty();
        clock().advance(Duration.ofMinutes(10));
        Client.Response two = second.http().post("/api/pim/approvals/" + request + "/approve", "{}");
        assertThat(two.json().path("status").asString()).as(two.toString()).isEqualTo("approved");
        assertThat(sessionRoles(requester)).as("in the requester's session at its next request").containsExactly("key-custodian");
        JsonNode active = requester.http().get("/api/pim/me").json().path("active").get(0);
        assertThat(active.path("endsAt").asString()).as("the duration counts from the approval")
                .isEqualTo(Times.now(clock()).plus(Duration.ofMinutes(90)).toString());
        assertThat(active.path("requestId").asString()).isEqualTo(request);
        assertProblem(first.http().post("/api/pim/approvals/" + request + "/deny", Map.of("reason", "late")), 409, "pim.request_not_pending");

        // Denied with a reason, shown to the requester.
        requester.http().post("/api/pim/me/activations/" + active.path("id").asString() + "/deactivate", "{}");
        signInAgain(requester);
        String denied = activate(requester, "key-custodian").json().path("request").path("id").asString();
        Client.Response no = second.http().post("/api/pim/approvals/" + denied + "/deny", Map.of("reason", "not during the freeze"));
        assertThat(no.json().path("status").asString()).as(no.toString()).isEqualTo("denied");
        JsonNode shown = requester.http().get("/api/pim/me").json().path("requests").valueStream()
                .filter(r -> r.path("id").asString().equals(denied)).findFirst().orElseThrow();
        assertThat(shown.path("decisionReason").asString()).isEqualTo("not during the freeze");
        assertThat(sessionRoles(requester)).isEmpty();

        // A request expires after its TTL however many approved it by then (10 min from here on; sessions idle out after 15).
        assertThat(admin.http().put("/api/pim/roles/key-custodian", Map.of("requestTtlMinutes", 10)).status()).isEqualTo(200);
        String late = activate(requester, "key-custodian").json().path("request").path("id").asString();
        first.http().post("/api/pim/approvals/" + late + "/approve", "{}");
        clock().advance(Duration.ofMinutes(10));
        state = storedState();
        assertProblem(second.http().post("/api/pim/approvals/" + late + "/approve", "{}"), 410, "pim.request_expired");
        assertThat(storedState()).isEqualTo(state);
        assertThat(second.http().get("/api/pim/approvals").json().size()).isZero();
        assertThat(requester.http().get("/api/pim/me").json().path("requests").valueStream()
                .filter(r -> r.path("id").asString().equals(late)).findFirst().orElseThrow().path("status").asString()).isEqualTo("expired");
        assertThat(sessionRoles(requester)).isEmpty();
        List<String> actions = admin.http().get("/api/audit?target=" + requester.id()).json().findValuesAsString("action");
        assertThat(actions).contains("pim.request", "pim.approve", "pim.activate", "pim.deny");
    }

    @Test
    default void anEmergencyAccountActivatesGlobalAdminWithoutAnyApproverFlaggedAndAlerted() {
        SignedInClient admin = newAdmin();
        Person approver = person(admin.http(), "Approver", false);
        Person emergency = person(admin.http(), "Break-glass", true);
        JsonNode eligible = assign(admin.http(), emergency.id(), "global-admin", "eligible");
        assertThat(eligible.path("emergencyActivatable").asBoolean()).as("global-admin always is, for an emergency account").isTrue();
        // No setting can put an approver in its way.
        Client.Response set = admin.http().put("/api/pim/roles/global-admin", Map.of("approvalRequired", true, "approvalsNeeded", 1,
                "approvers", List.of(approver.id(), admin.account().id())));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        assertProblem(emergency.http().get("/api/accounts"), 403, "auth.forbidden");

        long head = auditHead();
        Client.Response r = activate(emergency, "global-admin", "justification", "IdP outage, INC-1");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().path("outcome").asString()).isEqualTo("emergency");
        assertThat(emergency.http().get("/api/accounts").status()).isEqualTo(200);
        assertThat(approver.http().get("/api/pim/approvals").json().size()).as("nothing waits for an approver").isZero();

        AuditRow entry = auditSince(head).stream().filter(e -> e.action().equals("pim.emergency_activation")).findFirst().orElseThrow();
        assertThat(entry.flagged()).isTrue();
        assertThat(entry.target()).isEqualTo(emergency.id());
        assertThat(entry.detail()).contains("without approval").contains("IdP outage, INC-1")
                .contains("approvers skipped").contains(accounts().get(approver.id()).displayName()).contains(admin.account().displayName());
        String rules = jdbc().sql("select rules from alert where audit_seq = :seq").param("seq", entry.seq()).query(String.class).single();
        assertThat(rules).contains("pim-emergency-activation");
        String severity = jdbc().sql("select severity from alert where audit_seq = :seq").param("seq", entry.seq()).query(String.class).single();
        assertThat(severity).isEqualTo("critical");

        // A non-emergency account with the same eligibility waits for its approver.
        Person person = person(admin.http(), "Person", false);
        assign(admin.http(), person.id(), "global-admin", "eligible");
        assertThat(activate(person, "global-admin").status()).isEqualTo(202);
        Client.Response notEmergency = admin.http().post("/api/pim/assignments",
                assignment(person.id(), "key-custodian", "eligible", "emergencyActivatable", true));
        assertProblem(notEmergency, 400, "request.invalid");
        assertThat(notEmergency.json().path("field").asString()).isEqualTo("emergencyActivatable");
    }

    @Test
    default void assignmentRefusalsNameTheirCodeAndChangeNothing() {
        SignedInClient admin = newAdmin();
        Person p = person(admin.http(), "Operator", false);
        assign(admin.http(), p.id(), "auditor", "eligible");
        String state = storedState();
        Client http = admin.http();
        assertProblem(http.post("/api/pim/assignments", assignment(p.id(), "root", "eligible")), 400, "role.unknown");
        assertProblem(http.post("/api/pim/assignments", assignment(p.id(), "auditor", "someday")), 400, "request.invalid");
        assertProblem(http.post("/api/pim/assignments", assignment(p.id(), "auditor", "active", "reason", "")), 400, "request.invalid");
        assertProblem(http.post("/api/pim/assignments", assignment(p.id(), "auditor", "active", "endsAt", "tomorrow")), 400, "request.invalid");
        assertProblem(http.post("/api/pim/assignments", assignment(p.id(), "auditor", "active", "endsAt",
                clock().instant().minusSeconds(1).toString())), 400, "request.invalid");
        assertProblem(http.post("/api/pim/assignments", assignment("00000000-0000-0000-0000-000000000000", "auditor", "eligible")), 404,
                "account.not_found");
        assertProblem(http.post("/api/pim/assignments", Map.of("role", "auditor")), 400, "request.invalid");
        assertProblem(http.post("/api/pim/assignments", assignment(p.id(), "auditor", "eligible")), 409, "pim.assignment_exists");
        assertProblem(http.post("/api/pim/assignments", assignment(admin.account().id(), "global-admin", "active")), 409, "pim.assignment_exists");
        assertProblem(http.post("/api/pim/assignments/nope/remove", "{}"), 404, "pim.assignment_not_found");
        assertThat(storedState()).isEqualTo(state);

        // A time-bound active assignment ends by itself.
        String until = clock().instant().plus(Duration.ofMinutes(10)).toString();
        JsonNode bound = assign(http, p.id(), "global-admin", "active", "endsAt", until);
        assertThat(bound.path("permanent").asBoolean()).isFalse();
        assertThat(p.http().get("/api/accounts").status()).isEqualTo(200);
        clock().advance(Duration.ofMinutes(10));
        assertProblem(p.http().get("/api/accounts"), 403, "auth.forbidden");
        // A permanent active assignment is a held role.
        JsonNode held = assign(http, p.id(), "auditor", "active");
        assertThat(held.path("source").asString()).isEqualTo("held");
        assertThat(accounts().get(p.id()).roles()).containsExactly("auditor");
    }

    @Test
    default void theLockoutGuardCountsEmergencyAccountsThatCanActivateGlobalAdminOnTheirOwn() {
        SignedInClient admin = newAdmin();
        Person a = person(admin.http(), "Break-glass A", true);
        Person b = person(admin.http(), "Break-glass B", true);
        assertThat(readiness(admin.http()).path("usableAccounts").asInt()).isZero();
        String eligibleA = assign(admin.http(), a.id(), "global-admin", "eligible").path("id").asString();
        assign(admin.http(), b.id(), "global-admin", "eligible");
        assertThat(readiness(admin.http()).path("usableAccounts").asInt()).as("eligible, emergency-activatable: usable").isEqualTo(2);

        // An eligibility with an end runs out by itself: it does not make an account usable.
        Person c = person(admin.http(), "Break-glass C", true);
        assign(admin.http(), c.id(), "global-admin", "eligible", "endsAt", clock().instant().plus(Duration.ofDays(30)).toString());
        assertThat(readiness(admin.http()).path("usableAccounts").asInt()).isEqualTo(2);

        String state = storedState();
        long head = auditHead();
        Client.Response refused = admin.http().post("/api/pim/assignments/" + eligibleA + "/remove", Map.of("note", "rotation"));
        assertProblem(refused, 409, "emergency.lockout_guard");
        assertThat(refused.json().path("detail").asString()).contains("'pim.remove'").contains("Break-glass A");
        assertThat(storedState()).as("a refused change leaves stored state untouched").isEqualTo(state);
        assertThat(auditSince(head)).extracting(AuditRow::action, AuditRow::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("pim.remove", "emergency.lockout_guard"));

        // With a third usable account the same removal passes.
        assign(admin.http(), c.id(), "global-admin", "active");
        Client.Response removed = admin.http().post("/api/pim/assignments/" + eligibleA + "/remove", Map.of("note", "rotation"));
        assertThat(removed.status()).as(removed.toString()).isEqualTo(200);
        assertThat(readiness(admin.http()).path("usableAccounts").asInt()).isEqualTo(2);
    }
}
