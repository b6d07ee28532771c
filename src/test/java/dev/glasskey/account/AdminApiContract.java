package dev.glasskey.account;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;

/** The administration API's happy paths over HTTP, each change visible and audited. */
interface AdminApiContract extends Fixtures {

    @Test
    default void accountLifecycleIsVisibleAndAudited() {
        SignedInClient admin = newAdmin();
        Client http = admin.http();
        String id = createAccount(http, "Break glass " + System.nanoTime(), true, "global-admin").path("id").asString();

        JsonNode listed = http.get("/api/accounts").json();
        assertThat(listed.findValuesAsString("id")).contains(id);

        Client.Response disabled = http.post("/api/accounts/" + id + "/disable", "{}");
        assertThat(disabled.status()).isEqualTo(200);
        assertThat(disabled.json().path("enabled").asBoolean()).isFalse();
        assertThat(http.post("/api/accounts/" + id + "/enable", "{}").json().path("enabled").asBoolean()).isTrue();

        Client.Response roles = http.put("/api/accounts/" + id + "/roles", Map.of("roles", List.of("global-admin", "auditor")));
        assertThat(roles.status()).isEqualTo(200);
        assertThat(roles.json().path("roles").toString()).isEqualTo("[\"auditor\",\"global-admin\"]");

        Client.Response renamed = http.put("/api/accounts/" + id + "/display-name", Map.of("displayName", "Break glass North"));
        assertThat(renamed.json().path("displayName").asString()).isEqualTo("Break glass North");

        List<String> actions = http.get("/api/audit?target=" + id).json().findValuesAsString("action");
        assertThat(actions).contains("account.create", "account.disable", "account.enable", "account.roles", "account.rename");
        JsonNode createEntry = http.get("/api/audit?target=" + id).json().valueStream()
                .filter(e -> e.path("action").asString().equals("account.create")).findFirst().orElseThrow();
        assertThat(createEntry.path("actor").asString()).contains(admin.account().id());
        assertThat(createEntry.path("emergency").asBoolean()).isTrue();
    }

    /**
     * Issue 20: an account's e-mail address for relying parties, set by an administrator; verified only when
     * asserted, and unverified again when the address changes without the assertion. Bad addresses first:
     * each refused precisely, nothing stored, nothing audited as a change.
     */
    @Test
    default void anAccountsEmailIsSetVerifiedOnlyWhenAssertedAndBadAddressesChangeNothing() {
        Client http = newAdmin().http();
        String id = createAccount(http, "Mail holder " + System.nanoTime(), false).path("id").asString();
        String emergency = createAccount(http, "Mail team " + System.nanoTime(), true).path("id").asString();
        String state = storedState();
        long head = auditHead();
        java.util.List<String> bad = new java.util.ArrayList<>(List.of("no-at-sign", "@example.org", "ops@", "a@b@example.org",
                "Ops Team <ops@example.org>", "ops@example.org, eve@example.org", "ops@example.org (the team)", "ops @example.org",
                "ops@exa mple.org", "ops\n@example.org", "ops@example.org\r\nBcc: eve@example.org", "öps@example.org",
                "ops@exämple.org", "ops\u0000@example.org", "\"quoted\"@ex\u0007ample.org", "group: ops@example.org;",
                "ops@[300.1.1.1", "a".repeat(250) + "@x.org", "x@" + "d".repeat(300) + ".org"));
        for (String address : bad) {
            Client.Response r = http.put("/api/accounts/" + id + "/email", java.util.Map.of("email", address, "verified", true));
            assertProblem(r, 400, "request.invalid");
            assertThat(r.json().path("field").asString()).as(address).isEqualTo("email");
        }
        Client.Response noAddress = http.put("/api/accounts/" + id + "/email", java.util.Collections.singletonMap("verified", true));
        assertProblem(noAddress, 400, "request.invalid");
        assertThat(noAddress.json().path("field").asString()).isEqualTo("verified");
        for (Object confused : List.of(List.of("ops@example.org"), java.util.Map.of("a", "b"))) {
            Client.Response r = http.put("/api/accounts/" + id + "/email", java.util.Map.of("email", confused));
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
        }
        Client.Response notBoolean = http.put("/api/accounts/" + id + "/email", java.util.Map.of("email", "ops@example.org", "verified", "perhaps"));
        assertThat(notBoolean.status()).as(notBoolean.toString()).isEqualTo(400);
        assertProblem(http.put("/api/accounts/" + java.util.UUID.randomUUID() + "/email", java.util.Map.of("email", "ops@example.org")),
                404, "account.not_found");
        assertThat(storedState()).as("refusals change nothing").isEqualTo(state);
        assertThat(auditSince(head)).noneMatch(e -> e.action().equals("account.email") && e.outcome().equals("success"));

        // Set without the assertion: not verified. Asserted: verified. A new address without it: unverified again.
        Client.Response set = http.put("/api/accounts/" + id + "/email", java.util.Map.of("email", " Ada.Lovelace+ops@Example.org "));
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        assertThat(set.json().path("email").asString()).isEqualTo("Ada.Lovelace+ops@Example.org");
        assertThat(set.json().path("emailVerified").asBoolean()).isFalse();
        assertThat(http.put("/api/accounts/" + id + "/email", java.util.Map.of("email", "ada@example.org", "verified", true))
                .json().path("emailVerified").asBoolean()).isTrue();
        JsonNode changed = http.put("/api/accounts/" + id + "/email", java.util.Map.of("email", "lovelace@example.org")).json();
        assertThat(changed.path("email").asString()).isEqualTo("lovelace@example.org");
        assertThat(changed.path("emailVerified").asBoolean()).isFalse();
        assertThat(http.get("/api/accounts/" + id).json().path("email").asString()).isEqualTo("lovelace@example.org");
        // An emergency account may carry a team's mailbox: an address is not a sign-in method.
        assertThat(http.put("/api/accounts/" + emergency + "/email", java.util.Map.of("email", "oncall@example.org", "verified", true))
                .json().path("emailVerified").asBoolean()).isTrue();
        // Removed: no address, not verified.
        JsonNode removed = http.put("/api/accounts/" + id + "/email", java.util.Collections.singletonMap("email", null)).json();
        assertThat(removed.path("email").isNull()).isTrue();
        assertThat(removed.path("emailVerified").asBoolean()).isFalse();
        assertThat(auditSince(head).stream().filter(e -> e.action().equals("account.email")).map(e -> e.detail()).toList())
                .hasSize(5).anySatisfy(d -> assertThat(d).contains("'ada@example.org' (verified, as the administrator asserts)"))
                .anySatisfy(d -> assertThat(d).contains("has no e-mail address (was 'lovelace@example.org')"));
    }

    @Test
    default void keyInventoryRecordsModelCustodianAndLocation() {
        SignedInClient admin = newAdmin();
        Client http = admin.http();
        String label = "K50 #" + System.nanoTime();
        Client.Response created = http.post("/api/keys", Map.of("label", label, "aaguid", TEST_MODEL.toString().toUpperCase(),
                "serial", "SN-123", "custodian", "Head of IT", "location", "Safe, HQ", "capacity", 100));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.json().path("id").asString();
        assertThat(created.json().path("aaguid").asString()).isEqualTo(TEST_MODEL.toString());
        assertThat(created.json().path("status").asString()).isEqualTo("active");

        Client.Response moved = http.patch("/api/keys/" + id, Map.of("location", "Safe, DR site"));
        assertThat(moved.json().path("location").asString()).isEqualTo("Safe, DR site");
        assertThat(moved.json().path("custodian").asString()).isEqualTo("Head of IT");

        Client.Response retired = http.post("/api/keys/" + id + "/retire", "{\"note\":\"battery swollen\"}");
        assertThat(retired.json().path("status").asString()).isEqualTo("retired");
        assertThat(http.get("/api/audit?target=" + id).json().findValuesAsString("action")).contains("key.register", "key.update", "key.retire");
    }

    @Test
    default void enrolmentOnARecordedModelChecksTheModelAndLinksAreSingleUse() {
        SignedInClient admin = newAdmin();
        Client http = admin.http();
        String account = createAccount(http, "E " + System.nanoTime(), true, "global-admin").path("id").asString();
        String key = http.post("/api/keys", Map.of("label", "Model-checked " + System.nanoTime(), "aaguid", TEST_MODEL.toString()))
                .json().path("id").asString();
        String token = issueLink(http, account, key);
        assertThat(http.get("/api/enrolments").json().findValuesAsString("accountId")).contains(account);

        assertThat(enrol(client(), token, newKey()).status()).isEqualTo(201);
        assertThat(http.get("/api/enrolments").json().findValuesAsString("accountId")).doesNotContain(account);
        JsonNode creds = http.get("/api/keys/" + key + "/credentials").json();
        assertThat(creds.size()).isEqualTo(1);
        assertThat(creds.get(0).path("usable").asBoolean()).isTrue();

        Client.Response revoked = http.post("/api/credentials/" + creds.get(0).path("id").asString() + "/revoke",
                "{\"reason\":\"custodian left\"}");
        assertThat(revoked.json().path("status").asString()).isEqualTo("revoked");
        assertThat(revoked.json().path("usable").asBoolean()).isFalse();
    }

    @Test
    default void reEnrolmentOnTheSameKeyReplacesTheOldCredential() {
        SignedInClient admin = newAdmin();
        Client http = admin.http();
        String account = createAccount(http, "E " + System.nanoTime(), true, "global-admin").path("id").asString();
        String key = registerKey(http, "Re-enrol " + System.nanoTime(), "Safe").path("id").asString();
        var device = newKey();
        assertThat(enrol(client(), issueLink(http, account, key), device).status()).isEqualTo(201);
        assertThat(enrol(client(), issueLink(http, account, key), device).status()).isEqualTo(201);
        JsonNode creds = http.get("/api/accounts/" + account + "/credentials").json();
        // Both were made at the same (test clock) instant, so the listing order is not defined.
        assertThat(creds.findValuesAsString("status")).containsExactlyInAnyOrder("revoked", "active");
        assertThat(signIn(client(), device, accounts().get(account).userHandle()).status()).isEqualTo(200);
    }

    @Test
    default void consoleListsCredentialsAndRevokesOne() {
        SignedInClient admin = newAdmin();
        Client http = admin.http();
        // Revoking an emergency account's only credential must not trip the lockout guard here.
        spareEmergencyAccounts(http, TEST_MODEL, 2);
        String account = createAccount(http, "Console E " + System.nanoTime(), true, "global-admin").path("id").asString();
        String key = registerKey(http, "Console key " + System.nanoTime(), "Safe").path("id").asString();
        assertThat(enrol(client(), issueLink(http, account, key), newKey()).status()).isEqualTo(201);
        String credential = http.get("/api/accounts/" + account + "/credentials").json().get(0).path("id").asString();

        Client.Response page = http.getHtml("/admin");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("data-credential-id=\"" + credential + "\"");

        // The console's confirmation takes a note (issue 18): without one nothing is revoked.
        Client.Response noNote = http.send(java.net.http.HttpRequest.newBuilder(http.uri("/admin/credentials/" + credential + "/revoke"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("note=+")));
        assertThat(noNote.status()).as(noNote.toString()).isEqualTo(400);
        assertThat(noNote.body()).contains("id=\"error-note\"").contains("[request.invalid] Say why");
        assertThat(http.get("/api/accounts/" + account + "/credentials").json().get(0).path("status").asString()).isEqualTo("active");
        Client.Response revoke = http.send(java.net.http.HttpRequest.newBuilder(http.uri("/admin/credentials/" + credential + "/revoke"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("note=key+retired")));
        assertThat(revoke.status()).as(revoke.toString()).isEqualTo(302);
        JsonNode after = http.get("/api/accounts/" + account + "/credentials").json().get(0);
        assertThat(after.path("status").asString()).isEqualTo("revoked");
        assertThat(after.path("statusReason").asString()).isEqualTo("key retired");
        assertThat(http.getHtml("/admin").body()).doesNotContain("data-credential-id=\"" + credential + "\"");
    }
}
