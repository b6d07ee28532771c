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
interface PeopleContract extends dev.glasskey.alert.AlertChannels {

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
        // An auditor reads accounts (issue 16: docs/API.md, "Permissions") but changes none.
        assertThat(browser.get("/api/accounts").status()).isEqualTo(200);
        assertProblem(browser.post("/api/accounts/" + accountId + "/disable", "{}"), 403, "auth.forbidden");
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

    // --- self-service passkeys ------------------------------------------------------------------

    /** Asks for options as the signed-in {@code browser} and answers them with {@code key}. */
    private Client.Response addPasskey(Client browser, dev.glasskey.testing.SoftwareAuthenticator key,
                                       dev.glasskey.testing.SoftwareAuthenticator.Tweaks tweaks) {
        Client.Response options = browser.post("/api/me/passkeys/options", "{}");
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        return browser.post("/api/me/passkeys", tweaks == null ? key.register(options.body()) : key.register(options.body(), tweaks));
    }

    @Test
    default void aSignedInPersonAddsListsAndRemovesTheirOwnPasskey() {
        Client admin = newAdmin().http();
        PasswordPerson p = invitePerson(admin);
        Client browser = client();
        assertThat(passwordSignIn(browser, p.signInName(), p.password(), totpCode(p.secret(), 0)).status()).isEqualTo(200);
        assertThat(browser.get("/api/me/passkeys").json().size()).isZero();

        Client.Response options = browser.post("/api/me/passkeys/options", "{}");
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        JsonNode publicKey = options.json().path("publicKey");
        // Discoverable, user verification required; platform or roaming (no attachment asked for a person).
        assertThat(publicKey.path("authenticatorSelection").path("residentKey").asString()).isEqualTo("required");
        assertThat(publicKey.path("authenticatorSelection").path("userVerification").asString()).isEqualTo("required");
        assertThat(publicKey.path("authenticatorSelection").has("authenticatorAttachment")).isFalse();
        assertThat(publicKey.path("user").path("name").asString()).isEqualTo(p.signInName());

        dev.glasskey.testing.SoftwareAuthenticator key = newKey();
        long audit = auditHead();
        Client.Response added = browser.post("/api/me/passkeys", key.register(options.body()));
        assertThat(added.status()).as(added.toString()).isEqualTo(201);
        assertThat(added.json().path("label").asString()).startsWith("Passkey of ");
        assertThat(added.json().path("synced").asBoolean()).isFalse();
        assertThat(auditSince(audit)).extracting(Fixtures.AuditRow::action, Fixtures.AuditRow::outcome)
                .contains(org.assertj.core.groups.Tuple.tuple("credential.register", "success"));
        assertThat(auditSince(audit)).filteredOn(r -> r.action().equals("credential.register")).first()
                .extracting(Fixtures.AuditRow::detail).asString().contains("via self-service");
        JsonNode mine = browser.get("/api/me/passkeys").json();
        assertThat(mine.size()).isEqualTo(1);
        String credentialId = mine.get(0).path("id").asString();

        // It signs the person in (usernameless, as any key): a device-bound key, hwk.
        String handle = accounts().get(p.accountId()).userHandle();
        Client.Response signedIn = signIn(client(), key, handle);
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        assertThat(signedIn.json().path("amr").toString()).isEqualTo("[\"hwk\",\"user\",\"mfa\"]");

        // The same authenticator is not registered twice: the options exclude it.
        JsonNode again = browser.post("/api/me/passkeys/options", "{}").json();
        assertThat(again.path("publicKey").path("excludeCredentials").toString()).contains(key.credentialId(rpId(again), handle));

        // Removing it (the password and app remain): gone from the list, and it signs nobody in.
        assertThat(browser.delete("/api/me/passkeys/" + credentialId).status()).isEqualTo(204);
        assertThat(browser.get("/api/me/passkeys").json().size()).isZero();
        assertProblem(signIn(client(), key, handle), 401, "credential.revoked");
    }

    private static String rpId(JsonNode options) {
        return options.path("publicKey").path("rp").path("id").asString();
    }

    @Test
    default void aPersonCannotRemoveTheirLastPasskeyNorAnotherPersonsAndRefusalsChangeNothing() {
        Client admin = newAdmin().http();
        PasswordPerson p = invitePerson(admin);
        Client browser = client();
        assertThat(passwordSignIn(browser, p.signInName(), p.password(), totpCode(p.secret(), 0)).status()).isEqualTo(200);
        dev.glasskey.testing.SoftwareAuthenticator key = newKey();
        assertThat(addPasskey(browser, key, null).status()).isEqualTo(201);
        String credentialId = browser.get("/api/me/passkeys").json().get(0).path("id").asString();
        // The password and app go (a passkey remains); the password session ends with them.
        assertThat(browser.delete("/api/me/password-and-app").status()).isEqualTo(204);
        Client withKey = client();
        assertThat(signIn(withKey, key, accounts().get(p.accountId()).userHandle()).status()).isEqualTo(200);

        PasswordPerson other = invitePerson(admin);
        Client otherBrowser = client();
        assertThat(passwordSignIn(otherBrowser, other.signInName(), other.password(), totpCode(other.secret(), 0)).status()).isEqualTo(200);

        String before = storedState();
        assertProblem(withKey.delete("/api/me/passkeys/" + credentialId), 409, "account.last_method");
        // Another person's credential, an unknown id, a hostile one: all "no such credential".
        assertProblem(otherBrowser.delete("/api/me/passkeys/" + credentialId), 404, "credential.not_found");
        assertProblem(otherBrowser.delete("/api/me/passkeys/00000000-0000-0000-0000-000000000000"), 404, "credential.not_found");
        assertProblem(otherBrowser.delete("/api/me/passkeys/" + "x".repeat(300)), 404, "credential.not_found");
        assertProblem(otherBrowser.delete("/api/me/passkeys/%27--%20or%201=1"), 404, "credential.not_found");
        // A path the firewall refuses before any handler: its own documented answer.
        assertProblem(otherBrowser.delete("/api/me/passkeys/%27%3B--"), 400, "request.malformed");
        assertThat(otherBrowser.get("/api/me/passkeys").json().size()).isZero();
        // Not signed in: nothing.
        assertProblem(client().post("/api/me/passkeys/options", "{}"), 401, "auth.required");
        assertProblem(client().post("/api/me/passkeys", "{}"), 401, "auth.required");
        assertProblem(client().get("/api/me/passkeys"), 401, "auth.required");
        assertProblem(client().delete("/api/me/passkeys/" + credentialId), 401, "auth.required");
        assertThat(storedState()).isEqualTo(before);
        assertThat(withKey.get("/api/me/passkeys").json().size()).isEqualTo(1);
    }

    @Test
    default void hostileSelfServiceRegistrationsAreRefusedPreciselyAndStoreNothing() {
        Client admin = newAdmin().http();
        PasswordPerson p = invitePerson(admin);
        Client browser = client();
        assertThat(passwordSignIn(browser, p.signInName(), p.password(), totpCode(p.secret(), 0)).status()).isEqualTo(200);
        dev.glasskey.testing.SoftwareAuthenticator key = newKey();
        String before = storedState();
        long audit = auditHead();

        assertProblem(browser.post("/api/me/passkeys", "not json"), 400, "request.malformed");
        assertProblem(browser.post("/api/me/passkeys", "{}"), 400, "ceremony.credential_malformed");
        assertProblem(browser.post("/api/me/passkeys", "[1,2]"), 400, "request.malformed");
        assertProblem(addPasskey(browser, key, dev.glasskey.testing.SoftwareAuthenticator.Tweaks.defaults(baseUrl()).withUserVerified(false)),
                400, "ceremony.user_verification_missing");
        assertProblem(addPasskey(browser, key, dev.glasskey.testing.SoftwareAuthenticator.Tweaks.defaults("https://evil.example")),
                400, "ceremony.origin_mismatch");
        assertProblem(addPasskey(browser, key, dev.glasskey.testing.SoftwareAuthenticator.Tweaks.defaults(baseUrl())
                .withClientDataType("webauthn.get")), 400, "ceremony.wrong_type");

        // A challenge answered twice: the second time it is unknown.
        Client.Response options = browser.post("/api/me/passkeys/options", "{}");
        String response = key.register(options.body());
        assertThat(browser.post("/api/me/passkeys", response).status()).isEqualTo(201);
        String afterOne = storedState();
        assertProblem(browser.post("/api/me/passkeys", response), 400, "ceremony.challenge_unknown");

        // Options asked in one browser, answered from another person's session in another browser.
        Client.Response foreign = browser.post("/api/me/passkeys/options", "{}");
        Client other = client();
        PasswordPerson q = invitePerson(admin);
        assertThat(passwordSignIn(other, q.signInName(), q.password(), totpCode(q.secret(), 0)).status()).isEqualTo(200);
        assertProblem(other.post("/api/me/passkeys", newKey().register(foreign.body())), 400, "ceremony.session_mismatch");
        // The same browser, signed in as someone else meanwhile: the challenge was the first person's.
        Client.Response mine = browser.post("/api/me/passkeys/options", "{}");
        assertThat(passwordSignIn(browser, q.signInName(), q.password(), totpCode(q.secret(), 1)).status()).isEqualTo(200);
        assertProblem(browser.post("/api/me/passkeys", newKey().register(mine.body())), 400, "ceremony.challenge_unknown");
        assertThat(browser.get("/api/me/passkeys").json().size()).isZero();

        // A link's challenge (an enrolment link's ceremony) is not a self-service one.
        String keyId = registerKey(admin, "Link key " + System.nanoTime(), "Desk").path("id").asString();
        String token = issueLink(admin, p.accountId(), keyId);
        Client.Response linkOptions = browser.post("/api/enrolments/" + token + "/options", "{}");
        assertThat(linkOptions.status()).isEqualTo(200);
        String beforeLink = storedState();
        assertProblem(browser.post("/api/me/passkeys", newKey().register(linkOptions.body())), 400, "ceremony.wrong_type");
        assertThat(storedState()).isEqualTo(beforeLink);
        assertThat(auditSince(audit)).filteredOn(r -> r.action().equals("credential.register") && r.outcome().equals("failure"))
                .hasSizeGreaterThanOrEqualTo(7);
        assertThat(afterOne).isNotEqualTo(before);
    }

    @Test
    default void anAdministratorsOwnPasskeyMeetsTheEmergencyStandard() {
        Fixtures.SignedInClient admin = newAdmin();
        Client.Response options = admin.http().post("/api/me/passkeys/options", "{}");
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        assertThat(options.json().path("publicKey").path("authenticatorSelection").path("authenticatorAttachment").asString())
                .isEqualTo("cross-platform");
        String before = storedState();
        assertProblem(admin.http().post("/api/me/passkeys", newKey().register(options.body(),
                dev.glasskey.testing.SoftwareAuthenticator.Tweaks.defaults(baseUrl()).withBackupEligible(true))), 403,
                "enrolment.synced_passkey_refused");
        assertThat(storedState()).isEqualTo(before);
        // A device-bound key is added; the administrator then holds two.
        assertThat(addPasskey(admin.http(), newKey(), null).status()).isEqualTo(201);
        assertThat(admin.http().get("/api/me/passkeys").json().size()).isEqualTo(2);
    }

    // --- notices to the person ------------------------------------------------------------------

    @Test
    default void aPersonIsMailedWhenARecoveryCodeIsUsedAndWhenTheirPasskeysChange() throws Exception {
        Client admin = newAdmin().http();
        try (dev.glasskey.alert.SmtpReceiver smtp = new dev.glasskey.alert.SmtpReceiver()) {
            Map<String, Object> settings = new java.util.HashMap<>();
            settings.put("host", "127.0.0.1");
            settings.put("port", smtp.port());
            settings.put("from", "glasskey@example.org");
            settings.put("to", List.of("security@example.org"));
            settings.put("username", dev.glasskey.alert.SmtpReceiver.USER);
            settings.put("tlsCertificatePem", smtp.certificatePem());
            // Critical only: the administrators' alerts of this test stay out of this mailbox.
            JsonNode channel = createChannel(admin, Map.of("name", "mail " + System.nanoTime(), "type", "email",
                    "minSeverity", "critical", "settings", settings, "password", dev.glasskey.alert.SmtpReceiver.PASSWORD));
            try {
                PasswordPerson p = invitePerson(admin);
                String address = "person." + System.nanoTime() + "@example.org";
                Client.Response set = admin.put("/api/accounts/" + p.accountId() + "/email", Map.of("email", address));
                assertThat(set.status()).as(set.toString()).isEqualTo(200);
                assertThat(admin.get("/api/accounts/" + p.accountId()).json().path("email").asString()).isEqualTo(address);

                Client browser = client();
                assertThat(passwordSignIn(browser, p.signInName(), p.password(), p.recoveryCodes().get(0)).status()).isEqualTo(200);
                await("the recovery-code notice", () -> smtp.mails().stream().anyMatch(m -> m.raw().contains("recovery code was used")));
                dev.glasskey.alert.SmtpReceiver.Mail mail = smtp.mails().stream().filter(m -> m.raw().contains("recovery code was used"))
                        .findFirst().orElseThrow();
                assertThat(mail.raw()).contains("To: " + address).contains("Subject: Glasskey: A recovery code was used to sign in to your account")
                        .doesNotContain("security@example.org");
                assertThat(mail.overTls()).isTrue();
                assertThat(mail.from()).isEqualTo("glasskey@example.org");

                // A passkey added, then removed: one notice each.
                Client.Response added = addPasskey(browser, newKey(), null);
                assertThat(added.status()).as(added.toString()).isEqualTo(201);
                assertThat(browser.delete("/api/me/passkeys/" + added.json().path("id").asString()).status()).isEqualTo(204);
                await("the passkey notices", () -> smtp.mails().stream().filter(m -> m.raw().contains("To: " + address)).count() >= 3);
                assertThat(smtp.mails().stream().filter(m -> m.raw().contains("To: " + address)).map(m -> m.raw()).toList())
                        .anyMatch(r -> r.contains("passkey or security key was added"))
                        .anyMatch(r -> r.contains("passkey or security key was removed"));

                // A person without an address gets no notice.
                PasswordPerson silent = invitePerson(admin);
                int before = smtp.mails().size();
                assertThat(passwordSignIn(client(), silent.signInName(), silent.password(), silent.recoveryCodes().get(0)).status()).isEqualTo(200);
                alertDelivery().deliverDue();
                assertThat(smtp.mails()).hasSize(before);
            } finally {
                deleteChannel(admin, channel);
            }
        }
    }

    @Test
    default void aNoticeAddressIsOneAddressSetOnlyByAnAdministrator() {
        Client admin = newAdmin().http();
        PasswordPerson p = invitePerson(admin);
        Client person = client();
        assertThat(passwordSignIn(person, p.signInName(), p.password(), totpCode(p.secret(), 0)).status()).isEqualTo(200);
        String before = storedState();
        // The notice address is the account's one e-mail address (PUT /api/accounts/{id}/email, account package).
        for (String bad : List.of("   x", "no-at-sign", "Ana <ana@example.org>", "a@b@example.org", "ana@example.org, bob@example.org",
                "ana@exa mple.org", "x".repeat(250) + "@example.org", "ana@example.org\r\nBcc: evil@example.org", "group: a@example.org;",
                "\u0000@example.org", "ana@", "@example.org", "(comment)ana@example.org")) {
            assertProblem(admin.put("/api/accounts/" + p.accountId() + "/email", Map.of("email", bad)), 400, "request.invalid");
            Client.Response invited = admin.post("/api/accounts/invitations", Map.of("displayName", "Bad mail", "signInName",
                    "bad." + System.nanoTime() + "@example.org", "roles", List.of(), "email", bad));
            assertProblem(invited, 400, "request.invalid");
        }
        assertProblem(admin.put("/api/accounts/no-such-account/email", Map.of("email", "a@example.org")), 404, "account.not_found");
        // The person cannot redirect their own notices.
        assertProblem(person.put("/api/accounts/" + p.accountId() + "/email", Map.of("email", "thief@example.org")), 403, "auth.forbidden");
        assertProblem(client().put("/api/accounts/" + p.accountId() + "/email", Map.of("email", "thief@example.org")), 401, "auth.required");
        assertThat(storedState()).isEqualTo(before);

        // At the invitation (not verified), then removed with null.
        Client.Response invited = admin.post("/api/accounts/invitations", Map.of("displayName", "Good mail", "signInName",
                "good." + System.nanoTime() + "@example.org", "roles", List.of(), "email", "good@example.org"));
        assertThat(invited.status()).as(invited.toString()).isEqualTo(201);
        String id = invited.json().path("accountId").asString();
        assertThat(admin.get("/api/accounts/" + id).json().path("email").asString()).isEqualTo("good@example.org");
        assertThat(admin.get("/api/accounts/" + id).json().path("emailVerified").asBoolean()).isFalse();
        Map<String, Object> none = new java.util.HashMap<>();
        none.put("email", null);
        assertThat(admin.put("/api/accounts/" + id + "/email", none).status()).isEqualTo(200);
        assertThat(admin.get("/api/accounts/" + id).json().path("email").isNull()).isTrue();
    }
}
