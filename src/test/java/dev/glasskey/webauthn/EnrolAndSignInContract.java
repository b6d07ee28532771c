package dev.glasskey.webauthn;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.Fixtures;
import dev.glasskey.testing.SoftwareAuthenticator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The foundation slice end to end over HTTP: an administrator enrols an emergency account on
 * two inventory keys, and each key signs in without a user name. Run on H2 and PostgreSQL by
 * the two subclasses.
 */
interface EnrolAndSignInContract extends Fixtures {

    @Test
    default void emergencyAccountEnrolledOnTwoKeysSignsInWithEither() {
        SignedInClient admin = newAdmin();
        JsonNode account = createAccount(admin.http(), "Break glass " + System.nanoTime(), true, "global-admin");
        String accountId = account.path("id").asString();
        JsonNode keyA = registerKey(admin.http(), "Key A " + System.nanoTime(), "Safe, HQ");
        JsonNode keyB = registerKey(admin.http(), "Key B " + System.nanoTime(), "Safe, DR site");
        SoftwareAuthenticator a = newKey();
        SoftwareAuthenticator b = newKey();

        Client holder = client();
        assertThat(enrol(holder, issueLink(admin.http(), accountId, keyA.path("id").asString()), a).status()).isEqualTo(201);
        assertThat(enrol(holder, issueLink(admin.http(), accountId, keyB.path("id").asString()), b).status()).isEqualTo(201);

        String handle = accounts().get(accountId).userHandle();
        for (SoftwareAuthenticator key : new SoftwareAuthenticator[] {a, b}) {
            Client browser = client();
            Client.Response signIn = signIn(browser, key, handle);
            assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
            assertThat(signIn.json().path("accountId").asString()).isEqualTo(accountId);
            assertThat(signIn.json().path("emergency").asBoolean()).isTrue();
            Client.Response session = browser.get("/api/session");
            assertThat(session.status()).isEqualTo(200);
            assertThat(session.json().path("accountId").asString()).isEqualTo(accountId);
        }

        Client.Response creds = admin.http().get("/api/accounts/" + accountId + "/credentials");
        assertThat(creds.json().size()).isEqualTo(2);
        assertThat(creds.json().get(0).path("signatureCount").asLong()).isEqualTo(1);
        assertThat(creds.json().get(0).path("attestationTrusted").asBoolean()).isFalse();
        assertThat(creds.json().get(0).path("aaguid").asString()).isEqualTo(TEST_MODEL.toString());

        Client.Response audit = admin.http().get("/api/audit?target=" + accountId);
        assertThat(audit.json().findValuesAsString("action")).contains("signin", "credential.register", "account.create");
        assertThat(admin.http().get("/api/audit/verify").json().path("intact").asBoolean()).isTrue();
    }

    @Test
    default void oneKeyCarriesManyAccountsAndSignInChoosesByUserHandle() {
        SignedInClient admin = newAdmin();
        JsonNode key = registerKey(admin.http(), "Shared key " + System.nanoTime(), "Safe, HQ");
        SoftwareAuthenticator k = newKey();
        String[] ids = new String[3];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = createAccount(admin.http(), "Emergency " + i + " " + System.nanoTime(), true, "global-admin").path("id").asString();
            assertThat(enrol(client(), issueLink(admin.http(), ids[i], key.path("id").asString()), k).status()).isEqualTo(201);
        }
        assertThat(k.credentialCount()).isEqualTo(3);
        for (String id : ids) {
            Client.Response r = signIn(client(), k, accounts().get(id).userHandle());
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.json().path("accountId").asString()).isEqualTo(id);
        }
    }

    @Test
    default void lostKeyStopsEveryCredentialOnItAtOnce() {
        SignedInClient admin = newAdmin();
        JsonNode key = registerKey(admin.http(), "Lost key " + System.nanoTime(), "Drawer");
        SoftwareAuthenticator k = newKey();
        String one = createAccount(admin.http(), "E1 " + System.nanoTime(), true, "global-admin").path("id").asString();
        String two = createAccount(admin.http(), "E2 " + System.nanoTime(), true, "global-admin").path("id").asString();
        enrol(client(), issueLink(admin.http(), one, key.path("id").asString()), k);
        enrol(client(), issueLink(admin.http(), two, key.path("id").asString()), k);

        Client.Response lost = admin.http().post("/api/keys/" + key.path("id").asString() + "/lost", "{\"note\":\"left on a train\"}");
        assertThat(lost.status()).as(lost.toString()).isEqualTo(200);
        assertThat(lost.json().path("status").asString()).isEqualTo("lost");

        for (String id : new String[] {one, two}) {
            Client.Response r = signIn(client(), k, accounts().get(id).userHandle());
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.code()).isEqualTo("credential.key_lost");
        }
        assertThat(admin.http().get("/api/keys/" + key.path("id").asString() + "/credentials").json().findValuesAsString("usable"))
                .isNotNull();
    }

    @Test
    default void accountWithoutConsoleRoleLandsOnItsOwnPageNotTheConsole() {
        SignedInClient admin = newAdmin();
        String id = createAccount(admin.http(), "Plain user " + System.nanoTime(), false).path("id").asString();
        String key = registerKey(admin.http(), "Plain key " + System.nanoTime(), "Desk").path("id").asString();
        SoftwareAuthenticator k = newKey();
        enrol(client(), issueLink(admin.http(), id, key), k);
        Client browser = client();
        assertThat(signIn(browser, k, accounts().get(id).userHandle()).status()).isEqualTo(200);

        Client.Response home = browser.getHtml("/");
        assertThat(home.status()).isEqualTo(200);
        assertThat(home.body()).contains("You are signed in").contains("Plain user");
        assertThat(browser.getHtml("/admin").status()).isEqualTo(403);
        assertThat(browser.get("/api/accounts").code()).isEqualTo("auth.forbidden");
    }

    /**
     * A cloned key: two assertions carrying the same signature counter, posted at the same
     * moment. Exactly one may succeed; the other is a counter regression (WebAuthn L3 §7.2 step 22).
     */
    @Test
    default void twoConcurrentAssertionsWithOneCounterCannotBothSucceed() throws Exception {
        SignedInClient admin = newAdmin();
        String id = createAccount(admin.http(), "Cloned " + System.nanoTime(), true, "global-admin").path("id").asString();
        String key = registerKey(admin.http(), "Cloned key " + System.nanoTime(), "Safe").path("id").asString();
        SoftwareAuthenticator k = newKey();
        enrol(client(), issueLink(admin.http(), id, key), k);
        String handle = accounts().get(id).userHandle();

        Client first = client();
        Client second = client();
        String firstOptions = first.post("/api/webauthn/sign-in/options", "{}").body();
        String secondOptions = second.post("/api/webauthn/sign-in/options", "{}").body();
        long counter = k.signatureCounter("localhost", handle);
        String firstResponse = k.signIn(firstOptions, handle);
        k.setCounter("localhost", handle, counter); // the clone signs with the same counter
        String secondResponse = k.signIn(secondOptions, handle);

        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            var a = pool.submit(() -> { start.await(); return first.post("/api/webauthn/sign-in", firstResponse); });
            var b = pool.submit(() -> { start.await(); return second.post("/api/webauthn/sign-in", secondResponse); });
            start.countDown();
            var results = java.util.List.of(a.get(), b.get());
            assertThat(results).extracting(Client.Response::status).containsExactlyInAnyOrder(200, 401);
            assertThat(results).filteredOn(r -> r.status() == 401).singleElement()
                    .extracting(Client.Response::code).isEqualTo("credential.counter_regression");
        } finally {
            pool.shutdownNow();
        }
        Client.Response creds = admin.http().get("/api/accounts/" + id + "/credentials");
        assertThat(creds.json().get(0).path("status").asString()).isEqualTo("suspect");
        assertThat(creds.json().get(0).path("signatureCount").asLong()).isEqualTo(counter + 1);
    }
}
