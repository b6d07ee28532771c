package dev.glasskey.access;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.token.RefreshToken;

import tools.jackson.databind.JsonNode;

import dev.glasskey.emergency.EmergencyWorld;
import dev.glasskey.oidc.OidcFixtures;
import dev.glasskey.testing.Client;
import dev.glasskey.testing.RelyingParty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditional Access enforced where access is granted (issue 17 §2-§3), over HTTP against the
 * running server: at sign-in (password + code and security key), at every OpenID Connect
 * authorization including single sign-on reuse, at refresh, at PIM activation; every decision in
 * the decision log (report-only as what it would have done), none while no policy is in force.
 * The test client connects from the loopback address, so a named location "Here" of the loopback
 * ranges is where it is.
 */
public interface ConditionalAccessContract extends EmergencyWorld, OidcFixtures {

    static Map<String, Object> policy(String name, String state, Map<String, Object> include, Map<String, Object> resources,
                                      Map<String, Object> grant) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", name);
        p.put("state", state);
        p.put("include", include);
        p.put("resources", resources);
        p.put("grant", grant);
        return p;
    }

    static Map<String, Object> account(String id) {
        return Map.of("accounts", List.of(id));
    }

    static Map<String, Object> console() {
        return Map.of("console", true);
    }

    static Map<String, Object> client(RelyingParty rp) {
        return Map.of("clients", List.of(rp.clientId.getValue()));
    }

    static Map<String, Object> block() {
        return Map.of("block", true);
    }

    static Map<String, Object> require(String strength) {
        return Map.of("controls", List.of(Map.of("type", "strength", "strength", strength)));
    }

    default String here(Client admin) {
        Client.Response r = admin.post("/api/access/locations", Map.of("name", "Here", "trusted", false,
                "ranges", List.of("127.0.0.0/8", "::1/128")));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("id").asString();
    }

    default String create(Client admin, Map<String, Object> policy) {
        Client.Response r = admin.post("/api/access/policies", policy);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("id").asString();
    }

    default Map<String, Object> fromHere(Map<String, Object> policy, String here) {
        Map<String, Object> p = new LinkedHashMap<>(policy);
        p.put("conditions", Map.of("network", Map.of("include", List.of(here))));
        return p;
    }

    default JsonNode decisions(Client admin, String query) {
        Client.Response r = admin.get("/api/access/decisions" + query);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().path("decisions");
    }

    // ------------------------------------------------------------------------------------------
    // Sign-in
    // ------------------------------------------------------------------------------------------

    @Test
    default void aBlockByNetworkRefusesTheSignInRecordsItAndReportOnlyOnlyRecords() {
        Client admin = newAdmin().http();
        PasswordPerson p = invitePerson(admin);
        String here = here(admin);
        String id = create(admin, fromHere(policy("No sign-in from here", "on", account(p.accountId()), console(), block()), here));
        long head = auditHead();

        Client browser = client();
        Client.Response refused = passwordSignIn(browser, p.signInName(), p.password(), totpCode(p.secret(), 0));
        assertProblem(refused, 403, "access.blocked");
        assertThat(refused.json().path("detail").asString()).contains("No sign-in from here");
        assertProblem(browser.get("/api/session"), 401, "auth.required");

        JsonNode log = decisions(admin, "?account=" + p.accountId());
        assertThat(log.size()).isEqualTo(1);
        JsonNode d = log.get(0);
        assertThat(d.path("event").asString()).isEqualTo("sign-in");
        assertThat(d.path("resource").asString()).isEqualTo("console");
        assertThat(d.path("enforced").asString()).isEqualTo("block");
        assertThat(d.path("clientAddress").asString()).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
        assertThat(d.path("decision").path("enforced").path("blockedBy").get(0).asString()).isEqualTo(id);
        JsonNode result = AccessContract.result(d.path("decision"), id);
        assertThat(result.path("applied").asBoolean()).isTrue();
        assertThat(result.path("conditions").toString()).contains("the address is in the location 'Here'");
        assertThat(auditSince(head)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("access.block");
            assertThat(e.reason()).isEqualTo("access.blocked");
            assertThat(e.target()).isEqualTo(p.accountId());
        });

        // Report-only: the sign-in goes through; the log says what the policy would have done.
        assertThat(admin.post("/api/access/policies/" + id + "/state", Map.of("state", "report-only")).status()).isEqualTo(200);
        clock().advance(dev.glasskey.totp.Totp.STEP); // a later decision (the log is newest first), and a new code
        Client.Response signedIn = passwordSignIn(browser, p.signInName(), p.password(), totpCode(p.secret(), 0));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        assertThat(browser.get("/api/session").status()).isEqualTo(200);
        JsonNode latest = decisions(admin, "?account=" + p.accountId() + "&limit=1").get(0);
        assertThat(latest.path("enforced").asString()).isEqualTo("allow");
        assertThat(latest.path("reportOnly").asString()).isEqualTo("block");
        assertThat(latest.path("decision").path("reportOnly").path("summary").asString()).startsWith("would have blocked");
        assertThat(decisions(admin, "?account=" + p.accountId() + "&result=block").size()).isEqualTo(1);
        assertThat(decisions(admin, "?account=" + p.accountId() + "&result=allow").size()).isEqualTo(1);
    }

    @Test
    default void aRequiredStrengthRefusesAPasswordAndAdmitsASecurityKey() {
        Client admin = newAdmin().http();
        PasswordPerson p = invitePerson(admin);
        create(admin, policy("Phishing-resistant only", "on", account(p.accountId()), console(), require("phishing-resistant")));
        Client browser = client();
        Client.Response refused = passwordSignIn(browser, p.signInName(), p.password(), totpCode(p.secret(), 0));
        assertProblem(refused, 403, "access.requirement_unmet");
        assertThat(refused.json().path("detail").asString()).contains("strength phishing-resistant").contains("Phishing-resistant only");
        assertProblem(browser.get("/api/session"), 401, "auth.required");
        assertThat(decisions(admin, "?account=" + p.accountId()).get(0).path("enforced").asString()).isEqualTo("require");

        // The same strength for a person with a security key: signed in.
        String keyPerson = createAccount(admin, "Key person", false).path("id").asString();
        create(admin, policy("Keys for the key person", "on", account(keyPerson), console(), require("hardware-key")));
        String keyId = registerKey(admin, "Key " + System.nanoTime(), "Desk").path("id").asString();
        var key = newKey();
        assertThat(enrol(client(), issueLink(admin, keyPerson, keyId), key).status()).isEqualTo(201);
        Client.Response signedIn = signIn(client(), key, accounts().get(keyPerson).userHandle());
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        assertThat(decisions(admin, "?account=" + keyPerson).get(0).path("enforced").asString()).isEqualTo("allow");
    }

    /** Nothing in force, nothing to record: sign-ins and authorizations write no decision row. */
    @Test
    default void withoutPoliciesInForceNothingIsRecorded() {
        Client admin = newAdmin().http();
        PasswordPerson p = invitePerson(admin);
        String off = create(admin, policy("Off", "off", account(p.accountId()), console(), block()));
        assertThat(passwordSignIn(client(), p.signInName(), p.password(), totpCode(p.secret(), 0)).status()).isEqualTo(200);
        assertThat(decisions(admin, "").size()).isZero();
        assertThat(admin.delete("/api/access/policies/" + off).status()).isEqualTo(204);
        Person person = person(admin, false);
        RelyingParty rp = confidentialClient(admin, "ES256");
        authorize(person, rp.attempt());
        assertThat(decisions(admin, "").size()).isZero();
    }

    @Test
    default void whatIfAnswersForTheAddressGiven() {
        Client admin = newAdmin().http();
        PasswordPerson p = invitePerson(admin);
        String here = here(admin);
        create(admin, fromHere(policy("No sign-in from here", "on", account(p.accountId()), console(), block()), here));
        Map<String, Object> ask = new HashMap<>(Map.of("account", p.accountId(), "resource", "console", "method", "password-code",
                "address", "127.0.0.1"));
        assertThat(admin.post("/api/access/what-if", ask).json().path("enforced").path("outcome").asString()).isEqualTo("block");
        ask.put("address", "198.51.100.1");
        assertThat(admin.post("/api/access/what-if", ask).json().path("enforced").path("outcome").asString()).isEqualTo("allow");
        assertThat(decisions(admin, "").size()).as("what-if records nothing").isZero();
    }

    // ------------------------------------------------------------------------------------------
    // OpenID Connect
    // ------------------------------------------------------------------------------------------

    @Test
    default void everyAuthorizationIsJudgedSingleSignOnReuseIncluded() {
        Client admin = newAdmin().http();
        Person person = person(admin, false);
        RelyingParty a = confidentialClient(admin, "ES256");
        RelyingParty b = confidentialClient(admin, "ES256");
        authorize(person, a.attempt()); // before any policy: a code
        String id = create(admin, policy("Not client A", "on", account(person.accountId()), client(a), block()));

        // The same signed-in browser (single sign-on reuse): A is refused at its redirect URI, B is not.
        RelyingParty.Attempt attempt = a.attempt();
        Client.Redirect refused = person.browser().navigate(attempt.uri().toString());
        assertThat(refused.status()).isEqualTo(302);
        assertThat(attempt.error(refused.location()).getCode()).isEqualTo("access_denied");
        authorize(person, b.attempt());

        JsonNode log = decisions(admin, "?account=" + person.accountId());
        assertThat(log.size()).isEqualTo(2);
        assertThat(log.valueStream().map(d -> d.path("event").asString()).distinct().toList()).containsExactly("authorize");
        JsonNode blocked = decisions(admin, "?account=" + person.accountId() + "&result=block").get(0);
        assertThat(blocked.path("resource").asString()).isEqualTo("client '" + a.clientId.getValue() + "'");
        assertThat(blocked.path("decision").path("enforced").path("blockedBy").get(0).asString()).isEqualTo(id);
        assertThat(blocked.path("session").isString()).as("the session's sid: one sign-in's decisions").isTrue();
        assertThat(decisions(admin, "?session=" + blocked.path("session").asString()).size()).isEqualTo(2);
    }

    @Test
    default void aSignInFrequencySendsTheBrowserToSignInAgainAsMaxAgeDoes() {
        Client admin = newAdmin().http();
        Person person = person(admin, false);
        RelyingParty rp = confidentialClient(admin, "ES256");
        Map<String, Object> p = policy("Every ten minutes for this client", "on", account(person.accountId()), client(rp),
                Map.of("block", false, "controls", List.of()));
        p.put("signInFrequency", "PT10M");
        create(admin, p);
        authorize(person, rp.attempt()); // just signed in

        clock().advance(Duration.ofMinutes(11)); // past the frequency, within the session's idle timeout (15 min)
        RelyingParty.Attempt attempt = rp.attempt();
        Client.Redirect again = person.browser().navigate(attempt.uri().toString());
        assertThat(again.status()).isEqualTo(302);
        assertThat(again.location()).contains("/sign-in?next=");
        assertThat(decisions(admin, "?account=" + person.accountId() + "&result=require").size()).isEqualTo(1);
        RelyingParty.Attempt silent = rp.attempt().prompt("none"); // no page may be shown: the relying party is told
        Client.Redirect loginRequired = person.browser().navigate(silent.uri().toString());
        assertThat(silent.error(loginRequired.location()).getCode()).isEqualTo("login_required");

        assertThat(signIn(person.browser(), person.key(), person.userHandle()).status()).isEqualTo(200);
        clock().reset();
        Client.Redirect done = person.browser().navigate(attempt.uri().toString());
        assertThat(done.status()).isEqualTo(302);
        assertThat(attempt.code(done.location())).isNotNull();
    }

    @Test
    default void aRefreshFromABlockedNetworkIsInvalidGrantAndTheTokensStay() {
        Client admin = newAdmin().http();
        Person person = person(admin, false);
        RelyingParty rp = confidentialClient(admin, "ES256");
        RelyingParty.Attempt attempt = rp.attempt();
        AuthorizationCode code = authorize(person, attempt);
        RefreshToken refreshToken = RelyingParty.success(attempt.exchange(code)).getTokens().getRefreshToken();
        assertThat(refreshToken).as("the client has the refresh grant").isNotNull();

        String here = here(admin);
        String id = create(admin, fromHere(policy("No refresh from here", "on", account(person.accountId()), client(rp), block()), here));
        assertThat(RelyingParty.error(rp.refresh(refreshToken)).getCode()).isEqualTo("invalid_grant");
        JsonNode refused = decisions(admin, "?account=" + person.accountId()).get(0);
        assertThat(refused.path("event").asString()).isEqualTo("refresh");
        assertThat(refused.path("enforced").asString()).isEqualTo("block");

        // Nothing was rotated away by the refusal: once the policy is gone, the same refresh token works.
        assertThat(admin.delete("/api/access/policies/" + id).status()).isEqualTo(204);
        assertThat(RelyingParty.success(rp.refresh(refreshToken)).getTokens().getAccessToken()).isNotNull();
    }

    // ------------------------------------------------------------------------------------------
    // PIM activation
    // ------------------------------------------------------------------------------------------

    @Test
    default void aPolicyOnTheRoleRefusesItsActivationAndNothingIsActivated() {
        SignedInClient admin = newAdmin();
        Person person = person(admin.http(), false);
        Client.Response assigned = admin.http().post("/api/pim/assignments", Map.of("accountId", person.accountId(),
                "role", "global-admin", "kind", "eligible", "reason", "on call"));
        assertThat(assigned.status()).as(assigned.toString()).isEqualTo(201);
        Map<String, Object> p = policy("Admins not from here", "on", Map.of("roles", List.of("global-admin")), console(), block());
        p.put("exclude", Map.of("accounts", List.of(admin.account().id())));
        create(admin.http(), fromHere(p, here(admin.http())));
        String before = storedState();

        Client.Response refused = person.browser().post("/api/pim/me/activations", Map.of("role", "global-admin",
                "justification", "INC-42 database restore"));
        assertProblem(refused, 403, "pim.activation_blocked");
        assertThat(refused.json().path("detail").asString()).contains("Admins not from here");
        assertThat(person.browser().get("/api/pim/me").json().path("active").size()).isZero();
        assertProblem(person.browser().get("/api/accounts"), 403, "auth.forbidden");
        JsonNode d = decisions(admin.http(), "?account=" + person.accountId()).get(0);
        assertThat(d.path("event").asString()).isEqualTo("pim-activation");
        assertThat(d.path("enforced").asString()).isEqualTo("block");
        assertThat(storedState()).isEqualTo(before);
    }

    // ------------------------------------------------------------------------------------------
    // The decision log's API
    // ------------------------------------------------------------------------------------------

    @Test
    default void theDecisionLogRefusesBadQueriesPreciselyAndPages() {
        SignedInClient admin = newAdmin();
        Client http = admin.http();
        for (String[] bad : new String[][] {
                {"?result=BLOCK", "result"}, {"?result=denied", "result"}, {"?result=", "result"},
                {"?from=yesterday", "from"}, {"?from=2026-13-01T00:00:00Z", "from"}, {"?to=1700000000", "to"},
                {"?from=2026-12-07T10:00:00Z&to=2026-12-07T09:00:00Z", "to"},
                {"?limit=0", "limit"}, {"?limit=501", "limit"}, {"?limit=abc", "limit"}, {"?limit=-1", "limit"}, {"?limit=1e3", "limit"},
                {"?limit=9999999999", "limit"}, {"?offset=-1", "offset"}, {"?offset=x", "offset"}, {"?offset=1000001", "offset"},
                {"?account=", "account"}, {"?account=" + "a".repeat(101), "account"}, {"?account=a%20b", "account"},
                {"?session=%0A", "session"}}) {
            Client.Response r = http.get("/api/access/decisions" + bad[0]);
            assertProblem(r, 400, "request.invalid");
            assertThat(r.json().path("field").asString()).as(bad[0]).isEqualTo(bad[1]);
        }
        assertProblem(client().get("/api/access/decisions"), 401, "auth.required");
        PasswordPerson nobody = invitePerson(http);
        Client other = client();
        assertThat(passwordSignIn(other, nobody.signInName(), nobody.password(), totpCode(nobody.secret(), 0)).status()).isEqualTo(200);
        assertProblem(other.get("/api/access/decisions"), 403, "auth.forbidden");

        // Three refused sign-ins, paged two and one, newest first.
        String here = here(http);
        create(http, fromHere(policy("Nobody from here", "on", account(nobody.accountId()), console(), block()), here));
        for (int i = 1; i <= 3; i++) {
            clock().advance(dev.glasskey.totp.Totp.STEP); // each a code of its own, each a later decision
            assertProblem(passwordSignIn(client(), nobody.signInName(), nobody.password(), totpCode(nobody.secret(), 0)), 403,
                    "access.blocked");
        }
        JsonNode all = decisions(http, "?account=" + nobody.accountId());
        assertThat(all.size()).isEqualTo(3);
        assertThat(decisions(http, "?account=" + nobody.accountId() + "&limit=2").size()).isEqualTo(2);
        JsonNode last = decisions(http, "?account=" + nobody.accountId() + "&limit=2&offset=2");
        assertThat(last.size()).isEqualTo(1);
        assertThat(last.get(0).path("id").asString()).isEqualTo(all.get(2).path("id").asString());
        String firstAt = all.get(2).path("decidedAt").asString();
        assertThat(decisions(http, "?account=" + nobody.accountId() + "&to=" + firstAt).size()).isZero();
        assertThat(decisions(http, "?account=" + nobody.accountId() + "&from=" + firstAt).size()).isEqualTo(3);
        clock().reset();
    }
}
