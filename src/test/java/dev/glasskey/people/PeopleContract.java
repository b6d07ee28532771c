package dev.glasskey.people;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.Fixtures;
import dev.glasskey.testing.QrImages;
import dev.glasskey.totp.Totp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * People (issue 15) over HTTP: invitations, the setup link (password rules, the authenticator app
 * confirmed by a first code), sign-in with name + password + code (one answer for every wrong part,
 * audited precisely; each time step once; ±1 step), the session it opens, and the refusals that keep
 * emergency accounts and administrators on security keys. Every refusal leaves stored state as it was.
 */
interface PeopleContract extends Fixtures {

    // --- invitation and setup ------------------------------------------------------------------

    @Test
    default void anInvitedPersonSetsUpAPasswordAndAnAppThenSignsInWithNameCaseInsensitively() throws Exception {
        Client admin = newAdmin().http();
        String name = "Ana." + System.nanoTime() + "@Example.org";
        Client.Response invited = admin.post("/api/accounts/invitations", Map.of("displayName", "Ana Lima", "signInName", name,
                "roles", List.of("auditor")));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        String accountId = invited.json().path("accountId").asString();
        String url = invited.json().path("setupLink").path("url").asString();
        String token = invited.json().path("setupLink").path("token").asString();
        assertThat(url).isEqualTo(baseUrl() + "/setup/" + token);
        assertThat(admin.get("/api/accounts/" + accountId).json().path("signInName").asString()).isEqualTo(name);

        Client person = client();
        JsonNode view = person.get("/api/setup/" + token).json();
        assertThat(view.path("signInName").asString()).isEqualTo(name);
        assertThat(view.path("passwordSet").asBoolean()).isFalse();
        String password = "four words make a passphrase";
        assertThat(person.post("/api/setup/" + token + "/password", Map.of("password", password)).status()).isEqualTo(204);
        assertThat(person.get("/api/setup/" + token).json().path("passwordSet").asBoolean()).isTrue();

        Client.Response started = person.post("/api/setup/" + token + "/totp", "{}");
        assertThat(started.status()).as(started.toString()).isEqualTo(200);
        String uri = started.json().path("uri").asString();
        assertThat(uri).startsWith("otpauth://totp/").contains("algorithm=SHA1&digits=6&period=30");
        // The QR code carries exactly the URI; the manual key is the same secret.
        assertThat(QrImages.decode(started.json().path("qrCode").asString())).isEqualTo(uri);
        String secret = Fixtures.secretOf(uri);
        assertThat(started.json().path("manualKey").asString().replace(" ", "")).isEqualTo(secret);
        // The secret is stored sealed, never as the key the app holds.
        String stored = jdbc().sql("select secret from account_totp where account_id = :a").param("a", accountId).query(String.class).single();
        assertThat(stored).startsWith("gk-enc:v1:").doesNotContain(secret);

        Client.Response confirmed = person.post("/api/setup/" + token + "/totp/confirm", Map.of("code", totpCode(secret, 0)));
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
        List<String> recovery = confirmed.json().path("recoveryCodes").valueStream().map(JsonNode::asString).toList();
        assertThat(recovery).hasSize(10).doesNotHaveDuplicates().allMatch(c -> c.matches("[A-Z2-7]{4}(-[A-Z2-7]{4}){3}"));
        // Stored hashed only.
        assertThat(jdbc().sql("select code_hash from recovery_code where account_id = :a").param("a", accountId).query(String.class).list())
                .hasSize(10).noneMatch(h -> recovery.stream().anyMatch(c -> h.contains(c.replace("-", ""))));
        // The link is spent by the confirmation.
        assertProblem(person.get("/api/setup/" + token), 404, "enrolment.unknown");

        clock().advance(Totp.STEP);
        Client browser = client();
        Client.Response signedIn = passwordSignIn(browser, name.toUpperCase(java.util.Locale.ROOT), password, totpCode(secret, 0));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        assertThat(signedIn.json().path("accountId").asString()).isEqualTo(accountId);
        JsonNode session = browser.get("/api/session").json();
        assertThat(session.path("amr").toString()).isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");
        assertThat(session.path("acr").asString()).isEqualTo("mfa");
        assertThat(session.path("credentialId").isNull() || session.path("credentialId").isMissingNode()).isTrue();
        JsonNode sessions = browser.get("/api/sessions").json();
        assertThat(sessions.get(0).path("amr").toString()).isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");

        List<String> actions = admin.get("/api/audit?target=" + accountId).json().findValuesAsString("action");
        assertThat(actions).contains("account.create", "enrolment.issue", "password.set", "totp.start", "totp.confirm", "signin.password");
        // No administrator page for a person without a role that has one.
        assertProblem(browser.get("/api/accounts"), 403, "auth.forbidden");
    }

    @Test
    default void aSetupLinkRefusesStepsOutOfOrderAndWrongCodesChangingNothing() {
        Client admin = newAdmin().http();
        Client.Response invited = admin.post("/api/accounts/invitations", Map.of("displayName", "Out of order",
                "signInName", "order." + System.nanoTime() + "@example.org"));
        String token = invited.json().path("setupLink").path("token").asString();
        Client person = client();
        String before = storedState();
        assertProblem(person.post("/api/setup/" + token + "/totp/confirm", Map.of("code", "123456")), 409, "password.missing");
        assertThat(person.post("/api/setup/" + token + "/password", Map.of("password", "a fine long passphrase")).status()).isEqualTo(204);
        String withPassword = storedState();
        assertThat(withPassword).isNotEqualTo(before);
        assertProblem(person.post("/api/setup/" + token + "/totp/confirm", Map.of("code", "123456")), 409, "totp.not_started");
        String secret = Fixtures.secretOf(person.post("/api/setup/" + token + "/totp", "{}").json().path("uri").asString());
        String pending = storedState();
        for (String wrong : List.of(totpCode(secret, 2), totpCode(secret, -2), "12345", "abcdef", "")) {
            assertProblem(person.post("/api/setup/" + token + "/totp/confirm", Map.of("code", wrong)), 400, "totp.code_invalid");
        }
        assertThat(storedState()).isEqualTo(pending);
        // A restarted set-up replaces the pending secret: codes of the old one no longer count.
        String renewed = Fixtures.secretOf(person.post("/api/setup/" + token + "/totp", "{}").json().path("uri").asString());
        assertThat(renewed).isNotEqualTo(secret);
        assertThat(person.post("/api/setup/" + token + "/totp/confirm", Map.of("code", totpCode(renewed, 1))).status()).isEqualTo(200);
        long audit = auditHead();
        assertProblem(person.post("/api/setup/" + token + "/password", Map.of("password", "another long passphrase")), 404, "enrolment.unknown");
        assertThat(auditSince(audit)).extracting(Fixtures.AuditRow::action, Fixtures.AuditRow::reason)
                .contains(org.assertj.core.groups.Tuple.tuple("password.set", "enrolment.unknown"));
    }

    @Test
    default void passwordRulesAreNistsAndARefusedPasswordIsNotStored() {
        Client admin = newAdmin().http();
        String name = "rules." + System.nanoTime() + "@example.org";
        String token = admin.post("/api/accounts/invitations", Map.of("displayName", "Rules", "signInName", name))
                .json().path("setupLink").path("token").asString();
        Client person = client();
        String before = storedState();
        assertProblem(person.post("/api/setup/" + token + "/password", Map.of("password", "elevenchars")), 400, "password.too_short");
        assertProblem(person.post("/api/setup/" + token + "/password", Map.of("password", "x".repeat(257))), 400, "password.too_long");
        assertProblem(person.post("/api/setup/" + token + "/password", Map.of("password", "Password1234")), 400, "password.blocklisted");
        assertProblem(person.post("/api/setup/" + token + "/password", Map.of("password", "1q2w3e4r5t6y")), 400, "password.blocklisted");
        assertProblem(person.post("/api/setup/" + token + "/password", Map.of("password", "my " + name + " pass")), 400, "password.blocklisted");
        assertProblem(person.post("/api/setup/" + token + "/password", "{}"), 400, "request.invalid");
        assertProblem(person.post("/api/setup/" + token + "/password", "not json"), 400, "request.malformed");
        assertThat(storedState()).isEqualTo(before);
        // No composition rules: lower-case words only are fine.
        assertThat(person.post("/api/setup/" + token + "/password", Map.of("password", "only lower case words")).status()).isEqualTo(204);
    }

    @Test
    default void unknownExpiredAndKeyLinksAreNotSetupLinks() {
        Client admin = newAdmin().http();
        Client person = client();
        assertProblem(person.get("/api/setup/no-such-link"), 404, "enrolment.unknown");
        assertProblem(person.post("/api/setup/" + "x".repeat(300) + "/password", Map.of("password", "a fine long passphrase")), 404,
                "enrolment.unknown");
        // A key enrolment link is not a setup link, and a setup link permits no key ceremony.
        String account = createAccount(admin, "Key person " + System.nanoTime(), false).path("id").asString();
        String key = registerKey(admin, "Setup-test key " + System.nanoTime(), "Safe").path("id").asString();
        String keyLink = issueLink(admin, account, key);
        assertProblem(person.get("/api/setup/" + keyLink), 404, "enrolment.unknown");
        String setup = admin.post("/api/accounts/invitations", Map.of("displayName", "Expiring", "signInName",
                "expiring." + System.nanoTime() + "@example.org")).json().path("setupLink").path("token").asString();
        assertProblem(person.post("/api/enrolments/" + setup + "/options", "{}"), 404, "enrolment.unknown");
        clock().advance(Duration.ofDays(30));
        assertProblem(person.get("/api/setup/" + setup), 410, "enrolment.expired");
    }

    // --- who may hold these methods ----------------------------------------------------------------

    @Test
    default void emergencyAccountsRefuseEverySignInNameAndNonKeyMethod() {
        Client admin = newAdmin().http();
        String emergency = createAccount(admin, "Break glass " + System.nanoTime(), true, "global-admin").path("id").asString();
        String before = storedState();
        assertProblem(admin.put("/api/accounts/" + emergency + "/sign-in-name", Map.of("signInName", "bg@example.org")), 409, "account.key_only");
        assertProblem(admin.post("/api/accounts/" + emergency + "/setup-link", "{}"), 409, "account.key_only");
        assertThat(storedState()).isEqualTo(before);
        // A person's account can be given a name and then a setup link; an administrator is invited by key only.
        String regular = createAccount(admin, "Later person " + System.nanoTime(), false, "auditor").path("id").asString();
        assertProblem(admin.post("/api/accounts/" + regular + "/setup-link", "{}"), 400, "request.invalid");
        String later = "later." + System.nanoTime() + "@example.org";
        assertThat(admin.put("/api/accounts/" + regular + "/sign-in-name", Map.of("signInName", later)).json().path("signInName").asString())
                .isEqualTo(later);
        assertThat(admin.post("/api/accounts/" + regular + "/setup-link", "{}").json().path("url").asString()).contains("/setup/");
        String adminAccount = createAccount(admin, "Admin person " + System.nanoTime(), false, "global-admin").path("id").asString();
        assertThat(admin.put("/api/accounts/" + adminAccount + "/sign-in-name", Map.of("signInName", "adm." + System.nanoTime() + "@example.org"))
                .status()).isEqualTo(200);
        String beforeAdmin = storedState();
        assertProblem(admin.post("/api/accounts/" + adminAccount + "/setup-link", "{}"), 403, "account.key_required");
        assertProblem(admin.post("/api/accounts/invitations", Map.of("displayName", "Would-be admin", "signInName",
                "admin." + System.nanoTime() + "@example.org", "roles", List.of("global-admin"))), 403, "account.key_required");
        assertThat(storedState()).isEqualTo(beforeAdmin);
    }

    @Test
    default void signInNamesAreUniqueWithoutCase() {
        Client admin = newAdmin().http();
        String name = "unique." + System.nanoTime() + "@example.org";
        assertThat(admin.post("/api/accounts/invitations", Map.of("displayName", "First", "signInName", name)).status()).isEqualTo(201);
        String before = storedState();
        assertProblem(admin.post("/api/accounts/invitations", Map.of("displayName", "Second", "signInName", name.toUpperCase(java.util.Locale.ROOT))),
                409, "account.sign_in_name_taken");
        String other = createAccount(admin, "Other " + System.nanoTime(), false).path("id").asString();
        String withOther = storedState();
        assertProblem(admin.put("/api/accounts/" + other + "/sign-in-name", Map.of("signInName", " " + name + " ")), 409, "account.sign_in_name_taken");
        assertProblem(admin.post("/api/accounts/invitations", Map.of("displayName", "Spaces", "signInName", "has space@example.org")), 400, "request.invalid");
        assertProblem(admin.post("/api/accounts/invitations", Map.of("displayName", "Long", "signInName", "x".repeat(255))), 400, "request.invalid");
        assertProblem(admin.post("/api/accounts/invitations", Map.of("displayName", "None")), 400, "request.invalid");
        assertThat(storedState()).isEqualTo(withOther);
        assertThat(before).isNotEqualTo(withOther);
    }

    // --- sign-in ---------------------------------------------------------------------------------

    @Test
    default void everyWrongPartGetsOneAnswerAndThePreciseReasonIsAudited() {
        Client admin = newAdmin().http();
        PasswordPerson p = invitePerson(admin, "auditor");
        Client browser = client();
        String before = storedState();
        long audit = flushRefusals();
        Map<String, Client.Response> attempts = new java.util.LinkedHashMap<>();
        attempts.put("signin.password_wrong", passwordSignIn(browser, p.signInName(), p.password() + "!", totpCode(p.secret(), 0)));
        attempts.put("signin.code_wrong", passwordSignIn(browser, p.signInName(), p.password(), totpCode(p.secret(), -2)));
        attempts.put("signin.code_wrong ", passwordSignIn(browser, p.signInName(), p.password(), totpCode(p.secret(), 2)));
        attempts.put("signin.code_wrong  ", passwordSignIn(browser, p.signInName(), p.password(), null));
        attempts.put("signin.code_wrong   ", passwordSignIn(browser, p.signInName(), p.password(), "0000000"));
        attempts.put("signin.password_wrong ", passwordSignIn(browser, p.signInName(), null, totpCode(p.secret(), 0)));
        // A name nobody has names nothing real: counted in the aggregated entry of its window, not one entry each.
        List<Client.Response> unknown = List.of(
                passwordSignIn(browser, "nobody." + System.nanoTime() + "@example.org", p.password(), totpCode(p.secret(), 0)),
                passwordSignIn(browser, null, p.password(), totpCode(p.secret(), 0)),
                passwordSignIn(browser, "x".repeat(2000), p.password(), totpCode(p.secret(), 0)));
        java.util.stream.Stream.concat(attempts.values().stream(), unknown.stream()).forEach(r -> assertProblem(r, 401, "signin.failed"));
        // Word for word the same answer, whichever part was wrong.
        assertThat(java.util.stream.Stream.concat(attempts.values().stream(), unknown.stream()).map(r -> r.json().path("detail").asString())
                .distinct()).hasSize(1);
        assertThat(storedState()).isEqualTo(before);
        assertThat(auditSince(audit)).filteredOn(e -> e.action().equals("signin.password"))
                .extracting(Fixtures.AuditRow::outcome, Fixtures.AuditRow::target, Fixtures.AuditRow::reason)
                .containsExactlyElementsOf(attempts.keySet().stream()
                        .map(k -> org.assertj.core.groups.Tuple.tuple("failure", p.accountId(), k.strip())).toList());
        assertThat(aggregatedSince(audit)).filteredOn(a -> a.action().equals("signin.password"))
                .extracting(Fixtures.Aggregated::reason, Fixtures.Aggregated::refusals)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("signin.unknown_name", 3L));
        assertProblem(browser.get("/api/session"), 401, "auth.required");
    }

    @Test
    default void eachTimeStepSignsInOnceWithinOneStepEitherSide() {
        Client admin = newAdmin().http();
        PasswordPerson p = invitePerson(admin);
        String code = totpCode(p.secret(), 0);
        assertThat(passwordSignIn(client(), p.signInName(), p.password(), code).status()).isEqualTo(200);
        long audit = auditHead();
        String before = storedState();
        // The same code again — from another browser, right away — is a replay.
        Client.Response replay = passwordSignIn(client(), p.signInName(), p.password(), code);
        assertProblem(replay, 401, "signin.failed");
        // So is the code of the step before, once a later step was accepted.
        assertProblem(passwordSignIn(client(), p.signInName(), p.password(), totpCode(p.secret(), -1)), 401, "signin.failed");
        assertThat(storedState()).isEqualTo(before);
        assertThat(auditSince(audit)).extracting(Fixtures.AuditRow::reason).containsExactly("signin.code_replayed", "signin.code_replayed");
        // A clock one step ahead of the server's is accepted, once.
        assertThat(passwordSignIn(client(), p.signInName(), p.password(), totpCode(p.secret(), 1)).status()).isEqualTo(200);
        assertProblem(passwordSignIn(client(), p.signInName(), p.password(), totpCode(p.secret(), 1)), 401, "signin.failed");
        // A code that was valid, typed too late (two steps on), has expired.
        String slow = totpCode(p.secret(), 2);
        clock().advance(Totp.STEP.multipliedBy(4));
        assertProblem(passwordSignIn(client(), p.signInName(), p.password(), slow), 401, "signin.failed");
        assertThat(passwordSignIn(client(), p.signInName(), p.password(), totpCode(p.secret(), -1)).status()).isEqualTo(200);
    }

    @Test
    default void administratorsAndDisabledPeopleAreRefusedEvenWithTheRightPasswordAndCode() {
        Client admin = newAdmin().http();
        PasswordPerson p = invitePerson(admin, "auditor");
        Client browser = client();
        assertThat(passwordSignIn(browser, p.signInName(), p.password(), totpCode(p.secret(), 0)).status()).isEqualTo(200);
        assertThat(admin.put("/api/accounts/" + p.accountId() + "/roles", Map.of("roles", List.of("auditor", "global-admin"))).status())
                .isEqualTo(200);
        // The session made with a password and code ends at its next request: the account now needs a key.
        assertProblem(browser.get("/api/session"), 401, "session.ended");
        // Readiness: an administrator whose only method is a password and code cannot sign in.
        JsonNode check = check(readiness(admin), "people.administrator_methods");
        assertThat(check.path("status").asString()).as(check.toString()).isEqualToIgnoringCase("fail");
        assertThat(check.path("reason").asString()).contains(admin.get("/api/accounts/" + p.accountId()).json().path("displayName").asString());
        clock().advance(Totp.STEP);
        long audit = auditHead();
        String before = storedState();
        assertProblem(passwordSignIn(client(), p.signInName(), p.password(), totpCode(p.secret(), 0)), 403, "account.key_required");
        assertThat(storedState()).isEqualTo(before);
        assertThat(auditSince(audit)).extracting(Fixtures.AuditRow::action, Fixtures.AuditRow::reason, Fixtures.AuditRow::flagged)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("signin.password", "account.key_required", true));

        assertThat(admin.put("/api/accounts/" + p.accountId() + "/roles", Map.of("roles", List.of("auditor"))).status()).isEqualTo(200);
        assertThat(check(readiness(admin), "people.administrator_methods").path("reason").asString())
                .doesNotContain(admin.get("/api/accounts/" + p.accountId()).json().path("displayName").asString());
        assertThat(admin.post("/api/accounts/" + p.accountId() + "/disable", "{}").status()).isEqualTo(200);
        assertProblem(passwordSignIn(client(), p.signInName(), p.password(), totpCode(p.secret(), 0)), 403, "account.disabled");
    }

    @Test
    default void aPasswordSessionIsTheDatabaseSessionAndSignOutEverywhereEndsIt() {
        Client admin = newAdmin().http();
        PasswordPerson p = invitePerson(admin);
        Client browser = client();
        assertThat(passwordSignIn(browser, p.signInName(), p.password(), totpCode(p.secret(), 0)).status()).isEqualTo(200);
        assertThat(admin.get("/api/accounts/" + p.accountId() + "/sessions").json().size()).isEqualTo(1);
        assertThat(admin.post("/api/accounts/" + p.accountId() + "/sign-out-everywhere", "{}").json().path("sessionsEnded").asInt()).isEqualTo(1);
        assertProblem(browser.get("/api/session"), 401, "auth.required");
        // It expires after the regular lifetime, like a key sign-in.
        Client again = client();
        assertThat(passwordSignIn(again, p.signInName(), p.password(), totpCode(p.secret(), 1)).status()).isEqualTo(200);
        assertThat(again.get("/api/session").status()).isEqualTo(200);
        clock().advance(Duration.ofHours(9));
        assertThat(again.get("/api/session").status()).isEqualTo(401);
    }

    @Test
    default void anAdministratorResetEndsEverySessionAndIssuesANewSetupLink() {
        Client admin = newAdmin().http();
        PasswordPerson p = invitePerson(admin, "auditor");
        Client browser = client();
        assertThat(passwordSignIn(browser, p.signInName(), p.password(), totpCode(p.secret(), 0)).status()).isEqualTo(200);
        long audit = auditHead();
        Client.Response reset = admin.post("/api/accounts/" + p.accountId() + "/reset-methods", Map.of("note", "phone stolen"));
        assertThat(reset.status()).as(reset.toString()).isEqualTo(201);
        assertThat(auditSince(audit)).extracting(Fixtures.AuditRow::action, Fixtures.AuditRow::flagged)
                .contains(org.assertj.core.groups.Tuple.tuple("account.reset_methods", true));
        assertThat(browser.get("/api/session").status()).isEqualTo(401);
        assertProblem(passwordSignIn(client(), p.signInName(), p.password(), totpCode(p.secret(), 1)), 401, "signin.failed");
        // The new link sets everything up again.
        String token = reset.json().path("token").asString();
        Client person = client();
        assertThat(person.post("/api/setup/" + token + "/password", Map.of("password", "a brand new passphrase")).status()).isEqualTo(204);
        String secret = Fixtures.secretOf(person.post("/api/setup/" + token + "/totp", "{}").json().path("uri").asString());
        assertThat(person.post("/api/setup/" + token + "/totp/confirm", Map.of("code", totpCode(secret, 0))).status()).isEqualTo(200);
        assertThat(passwordSignIn(client(), p.signInName(), "a brand new passphrase", totpCode(secret, 1)).status()).isEqualTo(200);

        String emergency = createAccount(admin, "Reset glass " + System.nanoTime(), true, "global-admin").path("id").asString();
        String before = storedState();
        assertProblem(admin.post("/api/accounts/" + emergency + "/reset-methods", "{}"), 409, "account.key_only");
        assertProblem(admin.post("/api/accounts/no-such-account/reset-methods", "{}"), 404, "account.not_found");
        assertThat(storedState()).isEqualTo(before);
    }

    @Test
    default void aPersonCannotRemoveTheirLastMethod() {
        Client admin = newAdmin().http();
        PasswordPerson p = invitePerson(admin);
        Client browser = client();
        assertThat(passwordSignIn(browser, p.signInName(), p.password(), totpCode(p.secret(), 0)).status()).isEqualTo(200);
        String before = storedState();
        assertProblem(browser.delete("/api/me/password-and-app"), 409, "account.last_method");
        assertThat(storedState()).isEqualTo(before);
        // With a security key besides, the password and app may go; the session made with them ends.
        String key = registerKey(admin, "Person key " + System.nanoTime(), "Desk").path("id").asString();
        assertThat(enrol(client(), issueLink(admin, p.accountId(), key), newKey()).status()).isEqualTo(201);
        assertThat(browser.delete("/api/me/password-and-app").status()).isEqualTo(204);
        assertProblem(browser.get("/api/session"), 401, "session.ended");
        assertProblem(passwordSignIn(client(), p.signInName(), p.password(), totpCode(p.secret(), 1)), 401, "signin.failed");
    }

    @Test
    default void aRecoveryCodeStandsInForTheAppOnceAndItsUseIsFlagged() {
        Client admin = newAdmin().http();
        PasswordPerson p = invitePerson(admin);
        String code = p.recoveryCodes().get(3);
        long audit = auditHead();
        // Any case, spaces for dashes: the same code.
        Client browser = client();
        Client.Response signedIn = passwordSignIn(browser, p.signInName(), p.password(), code.toLowerCase(java.util.Locale.ROOT).replace('-', ' '));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        assertThat(signedIn.json().path("amr").toString()).isEqualTo("[\"pwd\",\"otp\",\"mfa\"]");
        assertThat(auditSince(audit)).extracting(Fixtures.AuditRow::action, Fixtures.AuditRow::flagged)
                .contains(org.assertj.core.groups.Tuple.tuple("recovery_code.use", true), org.assertj.core.groups.Tuple.tuple("signin.password", false));
        JsonNode methods = browser.get("/api/me/methods").json();
        assertThat(methods.path("recoveryCodesLeft").asLong()).isEqualTo(9);
        assertThat(methods.path("authenticatorApp").asBoolean()).isTrue();

        String before = storedState();
        long refused = auditHead();
        // Used once: a second use, a made-up code and a wrong password with a good code are the one answer.
        assertProblem(passwordSignIn(client(), p.signInName(), p.password(), code), 401, "signin.failed");
        assertProblem(passwordSignIn(client(), p.signInName(), p.password(), "AAAA-BBBB-CCCC-DDDD"), 401, "signin.failed");
        assertProblem(passwordSignIn(client(), p.signInName(), p.password() + "x", p.recoveryCodes().get(4)), 401, "signin.failed");
        assertThat(storedState()).isEqualTo(before);
        assertThat(auditSince(refused)).extracting(Fixtures.AuditRow::reason)
                .containsExactly("signin.recovery_code_wrong", "signin.recovery_code_wrong", "signin.password_wrong");

        // A new set replaces the old one, shown once.
        Client.Response renewed = browser.post("/api/me/recovery-codes", "{}");
        assertThat(renewed.status()).as(renewed.toString()).isEqualTo(200);
        assertThat(renewed.json().path("recoveryCodes").size()).isEqualTo(10);
        assertProblem(passwordSignIn(client(), p.signInName(), p.password(), p.recoveryCodes().get(4)), 401, "signin.failed");
        assertThat(passwordSignIn(client(), p.signInName(), p.password(), renewed.json().path("recoveryCodes").get(0).asString()).status())
                .isEqualTo(200);
        assertProblem(client().post("/api/me/recovery-codes", "{}"), 401, "auth.required");
    }
}
