package dev.glasskey.emergency;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.SoftwareAuthenticator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18 over HTTP, on H2 and PostgreSQL: the lockout guard keeps the last administrator who can
 * sign in; destructive changes take an audited note (refused when malformed, with nothing stored);
 * drills refuse a lost key and close once every pair passed; the matrix keeps a lost key's column;
 * "issue all missing links" per key; the impersonal check's heuristic; duplicate names warned;
 * unknown URLs are 404 and browsers get HTML problem pages. Negative cases first.
 */
public interface ConsoleSafetyContract extends EmergencyWorld {

    String TOO_LONG = "x".repeat(501);

    // ------------------------------------------------------------------------------------------
    // The last administrator who can sign in
    // ------------------------------------------------------------------------------------------

    /** The refusal: 409 with the code, nothing stored, only the flagged refusal audited, a critical alert. */
    default void refusedAsLastAdministrator(String change, java.util.concurrent.Callable<Client.Response> attempt) throws Exception {
        String state = storedState();
        long head = auditHead();
        Client.Response r = attempt.call();
        assertProblem(r, 409, "emergency.last_administrator");
        assertThat(r.json().path("detail").asString()).contains("'" + change + "'").contains("no enabled administrator who can sign in");
        assertThat(storedState()).as("a refused change leaves stored state untouched").isEqualTo(state);
        List<AuditRow> entries = auditSince(head);
        assertThat(entries).as("only the refusal is recorded").hasSize(1);
        assertThat(entries.get(0)).extracting(AuditRow::action, AuditRow::outcome, AuditRow::reason, AuditRow::flagged)
                .containsExactly(change, "failure", "emergency.last_administrator", true);
        assertThat(jdbc().sql("select rules, severity from alert where audit_seq = :seq").param("seq", entries.get(0).seq())
                .query((rs, n) -> rs.getString(1) + "/" + rs.getString(2)).list())
                .as("the refusal raises a critical alert").containsExactly("last-administrator/critical");
    }

    @Test
    default void theOnlyAdministratorCannotDisableThemselves() throws Exception {
        var admin = newAdmin();
        refusedAsLastAdministrator("account.disable",
                () -> admin.http().post("/api/accounts/" + admin.account().id() + "/disable", Map.of("note", "oops")));
        // Still signed in: nothing changed.
        assertThat(admin.http().get("/api/session").status()).isEqualTo(200);
    }

    @Test
    default void theOnlyAdministratorCannotRevokeTheirLastCredentialNorLoseTheirLastKeyNorDropTheirRole() throws Exception {
        var admin = newAdmin();
        JsonNode credential = admin.http().get("/api/accounts/" + admin.account().id() + "/credentials").json().get(0);
        String credentialId = credential.path("id").asString();
        String keyId = credential.path("keyId").asString();
        refusedAsLastAdministrator("credential.revoke",
                () -> admin.http().post("/api/credentials/" + credentialId + "/revoke", Map.of("reason", "test")));
        refusedAsLastAdministrator("key.lost", () -> admin.http().post("/api/keys/" + keyId + "/lost", Map.of("note", "test")));
        refusedAsLastAdministrator("key.retire", () -> admin.http().post("/api/keys/" + keyId + "/retire", Map.of("note", "test")));
        refusedAsLastAdministrator("account.roles", () -> admin.http().put("/api/accounts/" + admin.account().id() + "/roles",
                Map.of("roles", List.of("auditor"))));
    }

    @Test
    default void anAdministratorWithoutAWorkingCredentialDoesNotCount() throws Exception {
        var admin = newAdmin();
        // A second administrator who never enrolled a key cannot sign in: not a way back.
        createAccount(admin.http(), "Administrator without a key", false, "global-admin");
        refusedAsLastAdministrator("account.disable",
                () -> admin.http().post("/api/accounts/" + admin.account().id() + "/disable", "{}"));
    }

    @Test
    default void withASecondAdministratorWhoCanSignInDisablingPassesAndTheNoteIsAudited() {
        var first = newAdmin();
        var second = newAdmin();
        long head = auditHead();
        Client.Response r = second.http().post("/api/accounts/" + first.account().id() + "/disable",
                Map.of("note", "left the company, ticket 4711"));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("enabled").asBoolean()).isFalse();
        assertThat(auditSince(head)).filteredOn(e -> e.action().equals("account.disable")).singleElement()
                .satisfies(e -> assertThat(e.detail()).endsWith("; note: left the company, ticket 4711"));
        // Now the second is the last one.
        assertProblem(second.http().post("/api/accounts/" + second.account().id() + "/disable", "{}"), 409, "emergency.last_administrator");
    }

    // ------------------------------------------------------------------------------------------
    // Notes on destructive changes
    // ------------------------------------------------------------------------------------------

    @Test
    default void aMalformedNoteIsRefusedNamingTheFieldAndStoresNothing() throws Exception {
        World w = world(3, 2, true);
        var receiver = alerting(w.admin());
        try {
            String channel = w.admin().get("/api/alerts/channels").json().get(0).path("id").asString();
            String state = storedState();
            long channels = count("alert_channel");
            long rules = count("alert_rule");
            // Control characters in a query parameter never get past the request firewall (request.malformed),
            // so the deletes are tried with a note that is too long; the JSON bodies with every kind.
            List<Client.Response> refused = new java.util.ArrayList<>();
            for (String note : List.of(TOO_LONG, "line one\nline two", "tab\there", "nul\u0000", "bell\u0007")) {
                refused.add(w.admin().post("/api/accounts/" + w.accounts().get(0) + "/disable", Map.of("note", note)));
                refused.add(w.admin().post("/api/keys/" + w.keys().get(0) + "/lost", Map.of("note", note)));
                refused.add(w.admin().post("/api/keys/" + w.keys().get(0) + "/retire", Map.of("note", note)));
            }
            refused.add(w.admin().delete("/api/alerts/channels/" + channel + "?note=" + TOO_LONG));
            refused.add(w.admin().delete("/api/alerts/rules/drill-start?note=" + TOO_LONG));
            for (Client.Response r : refused) {
                assertProblem(r, 400, "request.invalid");
                assertThat(r.json().path("field").asString()).as(r.toString()).isEqualTo("note");
            }
            assertThat(storedState()).isEqualTo(state);
            assertThat(count("alert_channel")).isEqualTo(channels);
            assertThat(count("alert_rule")).isEqualTo(rules);
            // A good note is kept in each entry.
            long head = auditHead();
            assertThat(w.admin().delete("/api/alerts/channels/" + channel + "?note=replaced%20by%20pager").status()).isEqualTo(204);
            assertThat(w.admin().delete("/api/alerts/rules/drill-start?note=too%20noisy").status()).isEqualTo(204);
            assertThat(auditSince(head)).extracting(AuditRow::action, e -> e.detail().substring(e.detail().lastIndexOf("; note: ")))
                    .contains(org.assertj.core.groups.Tuple.tuple("alert.channel.delete", "; note: replaced by pager"),
                            org.assertj.core.groups.Tuple.tuple("alert.rule.delete", "; note: too noisy"));
        } finally {
            receiver.stop(0);
        }
    }

    default long count(String table) {
        return jdbc().sql("select count(*) from " + table).query(Long.class).single();
    }

    // ------------------------------------------------------------------------------------------
    // Drills: not on a lost key; closed once every pair passed
    // ------------------------------------------------------------------------------------------

    @Test
    default void aDrillOnALostOrRetiredKeyIsRefused() {
        World w = world(3, 3, true);
        assertThat(w.admin().post("/api/keys/" + w.keys().get(0) + "/lost", Map.of("note", "gone")).status()).isEqualTo(200);
        assertThat(w.admin().post("/api/keys/" + w.keys().get(1) + "/retire", Map.of("note", "old")).status()).isEqualTo(200);
        long drills = count("drill");
        for (String key : List.of(w.keys().get(0), w.keys().get(1))) {
            Client.Response r = w.admin().post("/api/drills", Map.of("keyId", key));
            assertProblem(r, 409, "key.not_active");
            assertThat(r.json().path("field").asString()).isEqualTo("keyId");
            assertProblem(w.admin().post("/api/drills", Map.of("keyId", key, "accountId", w.accounts().get(0))), 409, "key.not_active");
        }
        assertThat(count("drill")).as("no drill stored").isEqualTo(drills);
        assertThat(w.admin().post("/api/drills", Map.of("keyId", w.keys().get(2))).status()).isEqualTo(201);
    }

    @Test
    default void aDrillClosesItselfOnceEveryPairItCoversPassed() {
        World w = world(2, 2, true);
        String drill = startDrill(w.admin(), Map.of());
        long head = auditHead();
        int passed = 0;
        for (int a = 0; a < 2; a++) {
            for (int k = 0; k < 2; k++) {
                assertThat(w.admin().get("/api/drills/" + drill).json().path("open").asBoolean()).as("open before pair %d", passed).isTrue();
                Client.Response r = drillSignIn(client(), drill, w.authenticators().get(k), w.handles().get(a));
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                passed++;
            }
        }
        JsonNode view = w.admin().get("/api/drills/" + drill).json();
        assertThat(view.path("open").asBoolean()).isFalse();
        assertThat(view.path("results")).hasSize(4);
        assertThat(auditSince(head)).filteredOn(e -> e.action().equals("drill.close")).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("every one of its 4 pair(s) passed"));
        assertProblem(drillSignIn(client(), drill, w.authenticators().get(0), w.handles().get(0)), 410, "drill.closed");
    }

    @Test
    default void aScopedDrillClosesAfterItsOnePair() {
        World w = world(2, 2, true);
        String drill = startDrill(w.admin(), Map.of("accountId", w.accounts().get(1), "keyId", w.keys().get(0)));
        assertThat(drillSignIn(client(), drill, w.authenticators().get(0), w.handles().get(1)).status()).isEqualTo(200);
        assertThat(w.admin().get("/api/drills/" + drill).json().path("open").asBoolean()).isFalse();
    }

    // ------------------------------------------------------------------------------------------
    // The matrix and enrolment links per key
    // ------------------------------------------------------------------------------------------

    @Test
    default void aLostKeyStaysInTheMatrixFlaggedAndItsCellsSaySo() {
        World w = world(3, 3, true);
        assertThat(w.admin().post("/api/keys/" + w.keys().get(0) + "/lost", Map.of("note", "stolen")).status()).isEqualTo(200);
        JsonNode matrix = w.admin().get("/api/emergency/matrix").json();
        JsonNode lost = column(matrix, w.keys().get(0));
        assertThat(lost.path("status").asString()).isEqualTo("lost");
        assertThat(column(matrix, w.keys().get(1)).path("status").asString()).isEqualTo("active");
        int index = columns(matrix).indexOf(w.keys().get(0));
        assertThat(index).as("after the active keys").isEqualTo(2);
        for (JsonNode row : matrix.path("rows")) {
            assertThat(row.path("cells").get(index).path("state").asString()).isEqualTo("KEY_LOST");
        }
        assertThat(matrix.path("missing").asLong()).isZero();
    }

    @Test
    default void missingLinksForAKeyAreIssuedAllAtOnceAndOnlyForTheMissingPairs() {
        World w = world(3, 3, false); // account i is missing on key i
        Client.Response r = w.admin().post("/api/keys/" + w.keys().get(0) + "/missing-links", "{}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json()).hasSize(1);
        assertThat(r.json().get(0).path("accountId").asString()).isEqualTo(w.accounts().get(0));
        String token = r.json().get(0).path("token").asString();
        assertThat(r.json().get(0).path("url").asString()).isEqualTo(baseUrl() + "/enrol/" + token);
        assertThat(enrol(client(), token, w.authenticators().get(0)).status()).isEqualTo(201);
        Client.Response again = w.admin().post("/api/keys/" + w.keys().get(0) + "/missing-links", "{}");
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json()).as("nothing missing on key 0 any more").isEmpty();
    }

    @Test
    default void missingLinksAreRefusedForAnUnknownOrLostKeyAndForAFullOneNoneIsIssued() {
        World w = world(3, 3, false);
        long links = count("enrolment");
        assertProblem(w.admin().post("/api/keys/no-such-key/missing-links", "{}"), 404, "key.not_found");
        // Key 1 made full: of the one missing account, none can go on it.
        assertThat(w.admin().patch("/api/keys/" + w.keys().get(1), Map.of("capacity", 2)).status()).isEqualTo(200);
        assertProblem(w.admin().post("/api/keys/" + w.keys().get(1) + "/missing-links", "{}"), 409, "key.capacity_exceeded");
        assertThat(w.admin().post("/api/keys/" + w.keys().get(2) + "/lost", Map.of("note", "gone")).status()).isEqualTo(200);
        assertProblem(w.admin().post("/api/keys/" + w.keys().get(2) + "/missing-links", "{}"), 409, "key.not_active");
        assertThat(count("enrolment")).as("no link issued").isEqualTo(links);
    }

    default JsonNode column(JsonNode matrix, String keyId) {
        for (JsonNode c : matrix.path("columns")) {
            if (c.path("keyId").asString().equals(keyId)) return c;
        }
        throw new AssertionError("no column " + keyId + " in " + matrix);
    }

    default List<String> columns(JsonNode matrix) {
        return java.util.stream.StreamSupport.stream(matrix.path("columns").spliterator(), false).map(c -> c.path("keyId").asString()).toList();
    }

    // ------------------------------------------------------------------------------------------
    // Names
    // ------------------------------------------------------------------------------------------

    @Test
    default void anEmergencyAccountThatLooksLikeAPersonsNameWarnsAndTheCheckStatesItsLimit() {
        World w = world(2, 2, true);
        assertCheck(w.admin(), "emergency.impersonal", "PASS", "checked: the exact names of people's accounts here");
        for (String personal : List.of("John Smith", "Mary-Jane O'Neil", "Anna Maria Berg")) {
            w.admin().put("/api/accounts/" + w.accounts().get(0) + "/display-name", Map.of("displayName", personal));
            assertCheck(w.admin(), "emergency.impersonal", "WARN", "'" + personal + "' looks like a person's name");
        }
        for (String functional : List.of("Break-glass One", "Emergency Admin", "Vault North", "BG 1", "john smith 2")) {
            w.admin().put("/api/accounts/" + w.accounts().get(0) + "/display-name", Map.of("displayName", functional));
            assertCheck(w.admin(), "emergency.impersonal", "PASS", "No emergency account");
        }
    }

    @Test
    default void aDuplicateAccountNameIsAcceptedWithAWarning() {
        Client admin = newAdmin().http();
        JsonNode first = createAccount(admin, "Break-glass 1", true, "global-admin");
        assertThat(first.path("warnings")).isEmpty();
        Client.Response second = admin.post("/api/accounts", Map.of("displayName", "break-glass  1", "emergency", true));
        assertThat(second.status()).as(second.toString()).isEqualTo(201);
        assertThat(second.json().path("warnings")).singleElement()
                .satisfies(warning -> assertThat(warning.asString()).startsWith("account.duplicate_name")
                        .contains(first.path("id").asString()));
    }

    // ------------------------------------------------------------------------------------------
    // Unknown URLs and error pages
    // ------------------------------------------------------------------------------------------

    @Test
    default void anUnknownUrlIsNotFoundForAnAdministratorAndForAnonymousCallers() {
        Client admin = newAdmin().http();
        for (String path : List.of("/nothing-here", "/admin/nothing-here", "/api/nothing-here", "/admin/accounts/x/y/z")) {
            assertProblem(admin.get(path), 404, "not_found");
        }
        assertProblem(client().get("/nothing-here"), 404, "not_found");
        // A served path without the role is still refused as before.
        assertProblem(client().get("/api/accounts"), 401, "auth.required");
    }

    @Test
    default void browsersGetTheProblemAsAPageApiClientsAsJson() {
        Client admin = newAdmin().http();
        Client.Response page = admin.getHtml("/admin/accounts/no-such-account/disable");
        assertThat(page.status()).isEqualTo(404);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body()).contains("account.not_found").contains("No such account.").doesNotContain("\"type\"");
        Client.Response unknown = admin.getHtml("/nothing-here");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("text/html");
        assertThat(unknown.body()).contains("not_found");
        Client.Response api = admin.getHtml("/api/accounts/no-such-account");
        assertThat(api.status()).isEqualTo(404);
        assertThat(api.contentType()).startsWith("application/problem+json");
        // A signed-in account without the role gets an HTML page with the code, not JSON.
        var user = newUser();
        Client.Response denied = user.getHtml("/admin");
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.contentType()).startsWith("text/html");
        assertThat(denied.body()).contains("auth.forbidden");
    }

    // ------------------------------------------------------------------------------------------
    // The audit log: filters, search, paging
    // ------------------------------------------------------------------------------------------

    @Test
    default void aMalformedAuditFilterIsRefusedNamingTheField() {
        Client admin = newAdmin().http();
        for (var bad : List.of(List.of("outcome=maybe", "outcome"), List.of("flagged=yes", "flagged"), List.of("from=yesterday", "from"),
                List.of("to=2026-13-01T00:00:00Z", "to"), List.of("q=" + "y".repeat(201), "q"), List.of("actor=" + "a".repeat(201), "actor"))) {
            Client.Response r = admin.get("/api/audit?" + bad.get(0));
            assertProblem(r, 400, "request.invalid");
            assertThat(r.json().path("field").asString()).as(r.toString()).isEqualTo(bad.get(1));
        }
        assertProblem(admin.get("/api/audit?before=notanumber"), 400, "request.invalid");
    }

    @Test
    default void theAuditLogIsSearchedByActionActorOutcomeFlagTimeAndTextAndPaged() {
        World w = world(3, 2, true);
        String marker = "50%_off " + System.nanoTime();
        long head = auditHead();
        assertThat(w.admin().post("/api/keys/" + w.keys().get(0) + "/lost", Map.of("note", marker)).status()).isEqualTo(200);
        // A refused change: a failure, flagged.
        assertThat(w.admin().post("/api/keys/" + w.keys().get(1) + "/lost", Map.of("note", "second")).status()).isEqualTo(409);

        JsonNode byText = w.admin().get("/api/audit?q=" + java.net.URLEncoder.encode(marker.toUpperCase(), java.nio.charset.StandardCharsets.UTF_8)).json();
        assertThat(byText).singleElement().satisfies(e -> assertThat(e.path("action").asString()).isEqualTo("key.lost"));
        // % and _ in the text match only themselves.
        assertThat(w.admin().get("/api/audit?q=50%25%25").json()).isEmpty();
        assertThat(w.admin().get("/api/audit?action=key.").json()).extracting(e -> e.path("action").asString())
                .allMatch(a -> a.startsWith("key.")).contains("key.lost", "key.register");
        // The log outlives each test's organisation: the newest matching entry is this test's.
        assertThat(w.admin().get("/api/audit?action=key.lost&outcome=failure&flagged=true&limit=1").json()).singleElement()
                .satisfies(e -> {
                    assertThat(e.path("reason").asString()).isEqualTo("emergency.lockout_guard");
                    assertThat(e.path("seq").asLong()).isGreaterThan(head);
                });
        assertThat(w.admin().get("/api/audit?action=key.lost&outcome=success&target=" + w.keys().get(0)).json()).hasSize(1);
        assertThat(w.admin().get("/api/audit?action=key.lost&outcome=failure&target=" + w.keys().get(0)).json()).isEmpty();
        assertThat(w.admin().get("/api/audit?actor=" + "no-such-actor").json()).isEmpty();
        assertThat(w.admin().get("/api/audit?from=9000-01-01T00:00:00Z").json()).isEmpty();
        assertThat(w.admin().get("/api/audit?to=2000-01-01T00:00:00Z").json()).isEmpty();

        JsonNode first = w.admin().get("/api/audit?limit=3").json();
        assertThat(first).hasSize(3);
        long last = first.get(2).path("seq").asLong();
        JsonNode next = w.admin().get("/api/audit?limit=3&before=" + last).json();
        assertThat(next).hasSize(3);
        assertThat(next.get(0).path("seq").asLong()).isLessThan(last);
    }

    /** A signed-in account without any role. */
    // ------------------------------------------------------------------------------------------
    // The areas for clients, signing keys, credentials, enrolment links and settings
    // ------------------------------------------------------------------------------------------

    @Test
    default void theNewAreasAndTheirChangesAreForAdministratorsOnly() {
        Client user = newUser();
        Client anonymous = client();
        String state = storedState();
        String clients = jdbc().sql("select count(*) from oauth2_registered_client").query(Long.class).single().toString();
        String keys = jdbc().sql("select count(*) from oidc_signing_key").query(Long.class).single().toString();
        String id = "0".repeat(64);
        for (String page : List.of("/admin/clients", "/admin/clients/some-client", "/admin/clients/some-client/delete", "/admin/signing-keys",
                "/admin/signing-keys/rotate", "/admin/credentials", "/admin/credentials/" + id, "/admin/credentials/" + id + "/revoke",
                "/admin/enrolments", "/admin/enrolments/" + id, "/admin/enrolments/" + id + "/revoke", "/admin/settings")) {
            assertProblem(user.get(page), 403, "auth.forbidden");
            assertProblem(anonymous.get(page), 401, "auth.required");
        }
        for (String change : List.of("/admin/clients", "/admin/clients/some-client/delete", "/admin/signing-keys/rotate",
                "/admin/enrolments/" + id + "/revoke", "/api/enrolments/" + id + "/revoke", "/api/oidc/keys/rotate")) {
            assertProblem(user.post(change, Map.of("note", "not mine to make")), 403, "auth.forbidden");
        }
        assertProblem(user.delete("/api/clients/some-client?note=x"), 403, "auth.forbidden");
        assertThat(storedState()).isEqualTo(state);
        assertThat(jdbc().sql("select count(*) from oauth2_registered_client").query(Long.class).single().toString()).isEqualTo(clients);
        assertThat(jdbc().sql("select count(*) from oidc_signing_key").query(Long.class).single().toString()).isEqualTo(keys);
    }

    @Test
    default void revokingAnEnrolmentLinkEndsItWithTheNoteAuditedAndEveryRefusalChangesNothing() {
        Client admin = newAdmin().http();
        String accountId = createAccount(admin, "Link holder " + System.nanoTime(), false).path("id").asString();
        String keyId = registerKey(admin, "Link key " + System.nanoTime(), "Drawer").path("id").asString();
        String token = issueLink(admin, accountId, keyId);
        String id = dev.glasskey.system.Ids.sha256Hex(token);
        assertThat(admin.get("/api/enrolments").json().findValues("id").stream().map(JsonNode::asString)).contains(id);

        String state = storedState();
        long head = auditHead();
        assertProblem(admin.post("/api/enrolments/" + "f".repeat(64) + "/revoke", Map.of("note", "x")), 404, "enrolment.unknown");
        for (String malformed : List.of("z".repeat(64), "F".repeat(64), "0".repeat(63), "0".repeat(65), token)) {
            assertProblem(admin.post("/api/enrolments/" + malformed + "/revoke", Map.of("note", "x")), 404, "enrolment.unknown");
        }
        Client.Response tooLong = admin.post("/api/enrolments/" + id + "/revoke", Map.of("note", TOO_LONG));
        assertProblem(tooLong, 400, "request.invalid");
        assertThat(tooLong.json().path("field").asString()).isEqualTo("note");
        assertProblem(admin.post("/api/enrolments/" + id + "/revoke", Map.of("note", "two\nlines")), 400, "request.invalid");
        assertThat(storedState()).as("refusals change nothing").isEqualTo(state);
        assertThat(auditSince(head)).noneMatch(e -> e.action().equals("enrolment.revoke") && e.outcome().equals("success"));

        Client.Response revoked = admin.post("/api/enrolments/" + id + "/revoke", Map.of("note", "handed to the wrong person"));
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(204);
        List<AuditRow> entries = auditSince(head).stream().filter(e -> e.action().equals("enrolment.revoke") && e.outcome().equals("success")).toList();
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).target()).isEqualTo(accountId);
        assertThat(entries.get(0).detail()).endsWith("revoked; note: handed to the wrong person");
        assertThat(admin.get("/api/enrolments").json().findValues("id").stream().map(JsonNode::asString)).doesNotContain(id);
        // Listed as revoked, with when and by whom (V24), not as a link that ran out.
        JsonNode listed = link(admin, "revoked", id);
        assertThat(listed.path("state").asString()).isEqualTo("revoked");
        assertThat(listed.path("revokedAt").asString()).isEqualTo(listed.path("expiresAt").asString()).isNotBlank();
        assertThat(listed.path("revokedBy").asString()).isEqualTo(listed.path("createdBy").asString()).isNotBlank();
        assertThat(listed.path("usedAt").isNull()).isTrue();
        assertThat(link(admin, "all", id).path("state").asString()).isEqualTo("revoked");
        assertThat(admin.get("/api/enrolments?state=expired").json().findValuesAsString("id")).doesNotContain(id);
        // Its holder is told it has ended, and nothing is enrolled.
        assertProblem(client().post("/api/enrolments/" + token + "/options", "{}"), 410, "enrolment.expired");
        assertThat(jdbc().sql("select count(*) from credential where account_id = :a").param("a", accountId).query(Long.class).single()).isZero();

        // Revoked, or used: nothing left to revoke.
        String after = storedState();
        assertProblem(admin.post("/api/enrolments/" + id + "/revoke", Map.of("note", "again")), 409, "enrolment.not_pending");
        String used = issueLink(admin, accountId, keyId);
        assertThat(enrol(client(), used, newKey()).status()).isEqualTo(201);
        String usedState = storedState();
        assertProblem(admin.post("/api/enrolments/" + dev.glasskey.system.Ids.sha256Hex(used) + "/revoke", "{}"), 409, "enrolment.not_pending");
        assertThat(storedState()).isEqualTo(usedState).isNotEqualTo(after);
        JsonNode usedLink = link(admin, "used", dev.glasskey.system.Ids.sha256Hex(used));
        assertThat(usedLink.path("usedAt").asString()).isNotBlank();
        assertThat(usedLink.path("revokedAt").isNull()).isTrue();
        assertThat(usedLink.path("revokedBy").isNull()).isTrue();
    }

    /** A link that ran out unused is {@code expired}, never {@code revoked}; an unknown state filter is refused. */
    @Test
    default void enrolmentLinksAreListedByStateAndOneThatRanOutIsExpiredNotRevoked() {
        Client admin = newAdmin().http();
        String accountId = createAccount(admin, "Expiring link holder " + System.nanoTime(), false).path("id").asString();
        String keyId = registerKey(admin, "Expiring link key " + System.nanoTime(), "Drawer").path("id").asString();
        String id = dev.glasskey.system.Ids.sha256Hex(issueLink(admin, accountId, keyId));
        assertThat(link(admin, "pending", id).path("state").asString()).isEqualTo("pending");
        for (String bad : List.of("ended", "PENDING", "", "revoked,used", "all%20")) {
            Client.Response refused = admin.get("/api/enrolments?state=" + bad);
            if (bad.isEmpty()) {
                assertThat(refused.status()).as("no filter: pending").isEqualTo(200);
                continue;
            }
            assertProblem(refused, 400, "request.invalid");
            assertThat(refused.json().path("field").asString()).isEqualTo("state");
        }
        clock().advance(java.time.Duration.ofMinutes(16)); // past glasskey.enrolment-ttl (15 minutes)
        Client later = newAdmin().http();
        assertThat(later.get("/api/enrolments").json().findValuesAsString("id")).doesNotContain(id);
        JsonNode expired = link(later, "expired", id);
        assertThat(expired.path("state").asString()).isEqualTo("expired");
        assertThat(expired.path("revokedAt").isNull()).isTrue();
        assertThat(later.get("/api/enrolments?state=revoked").json().findValuesAsString("id")).doesNotContain(id);
        assertProblem(later.post("/api/enrolments/" + id + "/revoke", Map.of("note", "too late")), 409, "enrolment.not_pending");
    }

    /** The link {@code id} as {@code GET /api/enrolments?state=…} lists it (exactly once). */
    private static JsonNode link(Client admin, String state, String id) {
        Client.Response r = admin.get("/api/enrolments?state=" + state);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<JsonNode> found = r.json().valueStream().filter(n -> n.path("id").asString().equals(id)).toList();
        assertThat(found).as(state + " links").hasSize(1);
        return found.get(0);
    }

    @Test
    default void theConsoleRevokesAnEnrolmentLinkOnlyWithANote() {
        Client admin = newAdmin().http();
        String accountId = createAccount(admin, "Console link holder " + System.nanoTime(), false).path("id").asString();
        String keyId = registerKey(admin, "Console link key " + System.nanoTime(), "Drawer").path("id").asString();
        String id = dev.glasskey.system.Ids.sha256Hex(issueLink(admin, accountId, keyId));
        Client.Response page = admin.getHtml("/admin/enrolments/" + id + "/revoke");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("stops working now");
        String state = storedState();
        Client.Response refused = admin.send(java.net.http.HttpRequest.newBuilder(admin.uri("/admin/enrolments/" + id + "/revoke"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("note=+++")));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("Say why");
        assertThat(storedState()).isEqualTo(state);
    }

    default Client newUser() {
        Client admin = newAdmin().http();
        String id = createAccount(admin, "Plain user " + System.nanoTime(), false).path("id").asString();
        String keyId = registerKey(admin, "Plain key " + System.nanoTime(), "Desk").path("id").asString();
        SoftwareAuthenticator key = newKey();
        assertThat(enrol(client(), issueLink(admin, id, keyId), key).status()).isEqualTo(201);
        Client user = client();
        Client.Response r = signIn(user, key, accounts().get(id).userHandle());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return user;
    }
}
