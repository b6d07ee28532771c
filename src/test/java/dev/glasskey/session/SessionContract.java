package dev.glasskey.session;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;

import tools.jackson.databind.JsonNode;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.Fixtures;
import dev.glasskey.testing.RelyingParty;
import dev.glasskey.testing.SoftwareAuthenticator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions in the database, re-checked on every request: whatever takes access away (disable,
 * a revoked credential, a lost or retired key, a removed role, "sign out everywhere") ends the
 * open sessions at their next request and the OpenID Connect tokens issued on them at their next
 * use; lifetimes and the idle timeout by the injectable clock; refresh-token reuse revokes the
 * family; introspection answers only the client a token was issued to; a bad session cookie is
 * simply no session. Runs on H2 and PostgreSQL.
 */
public interface SessionContract extends Fixtures {

    @BeforeEach
    default void realTime() {
        // The relying party validates token times against the real clock.
        clock().reset();
    }

    /**
     * A signed-in account with its own key: two browsers signed in (one for the API, one for
     * pages) and OpenID Connect tokens issued to {@code rp} on the API browser's session.
     */
    record Victim(String accountId, String keyId, String credentialId, String userHandle, SoftwareAuthenticator key, Client api,
                  Client page, OIDCTokens tokens) {}

    default Victim victim(Client admin, RelyingParty rp, boolean emergency, String... roles) {
        String accountId = createAccount(admin, (emergency ? "Emergency " : "Admin ") + System.nanoTime(), emergency, roles)
                .path("id").asString();
        String keyId = registerKey(admin, "Session key " + System.nanoTime(), "Safe").path("id").asString();
        SoftwareAuthenticator key = newKey();
        Client.Response enrolled = enrol(client(), issueLink(admin, accountId, keyId), key);
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        String handle = accounts().get(accountId).userHandle();
        Client api = client();
        Client page = client();
        assertThat(signIn(api, key, handle).status()).isEqualTo(200);
        assertThat(signIn(page, key, handle).status()).isEqualTo(200);
        RelyingParty.Attempt attempt = rp.attempt();
        Client.Redirect code = api.navigate(attempt.uri().toString());
        assertThat(code.status()).as(code.toString()).isEqualTo(302);
        AuthorizationCode authorizationCode = attempt.code(code.location());
        OIDCTokens tokens = RelyingParty.success(attempt.exchange(authorizationCode)).getOIDCTokens();
        String credentialId = admin.get("/api/accounts/" + accountId + "/credentials").json().get(0).path("id").asString();
        return new Victim(accountId, keyId, credentialId, handle, key, api, page, tokens);
    }

    default RelyingParty relyingParty(Client admin) {
        return relyingParty(admin, false);
    }

    default RelyingParty relyingParty(Client admin, boolean introspectAnyToken) {
        return RelyingParty.register(admin, baseUrl(), Map.of("name", "RP " + System.nanoTime(),
                "redirectUris", List.of("https://rp.example/callback/" + System.nanoTime()),
                "grantTypes", List.of("authorization_code", "refresh_token", "client_credentials"),
                "scopes", List.of("openid", "profile"), "introspectAnyToken", introspectAnyToken));
    }

    default long sessionRows(String accountId) {
        return jdbc().sql("select count(*) from spring_session where principal_name = :a").param("a", accountId).query(Long.class).single();
    }

    /** Everything that works before access is taken away. */
    default void assertStillWorks(Victim v, RelyingParty rp) {
        assertThat(v.api().get("/api/session").status()).isEqualTo(200);
        assertThat(v.page().getHtml("/").status()).isIn(200, 302);
        assertThat(rp.userInfo(v.tokens().getAccessToken()).indicatesSuccess()).isTrue();
        assertThat(rp.active(v.tokens().getAccessToken())).isTrue();
        assertThat(rp.active(v.tokens().getRefreshToken())).isTrue();
    }

    /** Everything that must have stopped working at once. */
    default void assertEverythingEnded(Victim v, RelyingParty rp, String reason) {
        Client.Response api = v.api().get("/api/accounts");
        assertProblem(api, 401, "session.ended");
        assertThat(api.json().path("detail").asString()).startsWith("Your session was ended: ");
        Client.Redirect page = v.page().navigate("/admin");
        assertThat(page.status()).isEqualTo(302);
        assertThat(page.location()).endsWith("/sign-in");
        assertThat(sessionRows(v.accountId())).as("no session row of the account is left").isZero();
        // The session is gone, not merely refused once.
        assertProblem(v.api().get("/api/session"), 401, "auth.required");
        assertThat(RelyingParty.error(rp.refresh(v.tokens().getRefreshToken())).getCode()).isEqualTo("invalid_grant");
        assertThat(rp.userInfo(v.tokens().getAccessToken()).indicatesSuccess()).isFalse();
        assertThat(rp.active(v.tokens().getAccessToken())).isFalse();
        assertThat(rp.active(v.tokens().getRefreshToken())).isFalse();
        assertThat(auditRows(v.accountId(), "session.check")).as("both sessions' ends are audited with the reason")
                .hasSize(2).allSatisfy(e -> {
                    assertThat(e.outcome()).isEqualTo("failure");
                    assertThat(e.reason()).isEqualTo(reason);
                });
    }

    default List<AuditRow> auditRows(String target, String action) {
        return auditSince(0).stream().filter(e -> action.equals(e.action()) && target.equals(e.target())).toList();
    }

    enum Change { DISABLE_ACCOUNT, REVOKE_CREDENTIAL, MARK_KEY_LOST, RETIRE_KEY, REMOVE_ROLE }

    @ParameterizedTest
    @EnumSource(Change.class)
    default void takingAccessAwayEndsEverySessionAndTokenAtOnce(Change change) {
        Client admin = newAdmin().http();
        RelyingParty rp = relyingParty(admin);
        Victim v = victim(admin, rp, false, "global-admin", "auditor");
        assertStillWorks(v, rp);
        assertThat(v.api().get("/api/accounts").status()).isEqualTo(200);
        assertThat(sessionRows(v.accountId())).isEqualTo(2);

        Client.Response r = switch (change) {
            case DISABLE_ACCOUNT -> admin.post("/api/accounts/" + v.accountId() + "/disable", "{}");
            case REVOKE_CREDENTIAL -> admin.post("/api/credentials/" + v.credentialId() + "/revoke", Map.of("reason", "stolen"));
            case MARK_KEY_LOST -> admin.post("/api/keys/" + v.keyId() + "/lost", Map.of("note", "stolen"));
            case RETIRE_KEY -> admin.post("/api/keys/" + v.keyId() + "/retire", Map.of("note", "replaced"));
            case REMOVE_ROLE -> admin.put("/api/accounts/" + v.accountId() + "/roles", Map.of("roles", List.of("global-admin")));
        };
        assertThat(r.status()).as(r.toString()).isEqualTo(200);

        assertEverythingEnded(v, rp, switch (change) {
            case DISABLE_ACCOUNT -> "account.disabled";
            case REVOKE_CREDENTIAL -> "credential.revoked";
            case MARK_KEY_LOST, RETIRE_KEY -> "credential.key_lost";
            case REMOVE_ROLE -> "session.revoked";
        });
        // The administrator who made the change is untouched.
        assertThat(admin.get("/api/accounts").status()).isEqualTo(200);
    }

    @Test
    default void addingARoleEndsNothing() {
        Client admin = newAdmin().http();
        RelyingParty rp = relyingParty(admin);
        Victim v = victim(admin, rp, false, "global-admin");
        assertThat(admin.put("/api/accounts/" + v.accountId() + "/roles", Map.of("roles", List.of("global-admin", "auditor"))).status())
                .isEqualTo(200);
        assertStillWorks(v, rp);
        assertThat(v.api().get("/api/accounts").status()).isEqualTo(200);
        assertThat(RelyingParty.success(rp.refresh(v.tokens().getRefreshToken())).getOIDCTokens().getAccessToken()).isNotNull();
    }

    @Test
    default void signOutEverywhereEndsEverySessionAndTokenOfTheAccountAndIsAudited() {
        Client admin = newAdmin().http();
        RelyingParty rp = relyingParty(admin);
        Victim v = victim(admin, rp, false, "global-admin");
        Victim bystander = victim(admin, rp, false, "global-admin");
        long audit = auditHead();

        Client.Response r = admin.post("/api/accounts/" + v.accountId() + "/sign-out-everywhere", "{}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("sessionsEnded").asInt()).isEqualTo(2);
        assertThat(sessionRows(v.accountId())).isZero();
        assertProblem(v.api().get("/api/accounts"), 401, "auth.required");
        assertThat(v.page().navigate("/admin").location()).endsWith("/sign-in");
        assertThat(RelyingParty.error(rp.refresh(v.tokens().getRefreshToken())).getCode()).isEqualTo("invalid_grant");
        assertThat(rp.userInfo(v.tokens().getAccessToken()).indicatesSuccess()).isFalse();
        assertThat(rp.active(v.tokens().getAccessToken())).isFalse();
        assertThat(auditSince(audit)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("session.sign_out_everywhere");
            assertThat(e.target()).isEqualTo(v.accountId());
            assertThat(e.detail()).contains("2 session(s)");
        });
        // Another account's sessions and tokens are untouched.
        assertStillWorks(bystander, rp);
        // The account signs in again and works.
        Client again = client();
        assertThat(signIn(again, v.key(), v.userHandle()).status()).isEqualTo(200);
        assertThat(again.get("/api/accounts").status()).isEqualTo(200);
    }

    @Test
    default void theConsoleListsTheAdministratorsSessionsAndSignsAnAccountOutEverywhere() {
        SignedInClient admin = newAdmin();
        Client elsewhere = client();
        assertThat(signIn(elsewhere, admin.key(), admin.account().userHandle()).status()).isEqualTo(200);
        RelyingParty rp = relyingParty(admin.http());
        Victim v = victim(admin.http(), rp, false, "global-admin");

        Client.Response page = admin.http().getHtml("/admin");
        assertThat(page.status()).isEqualTo(200);
        for (JsonNode s : admin.http().get("/api/sessions").json()) {
            assertThat(page.body()).contains("data-session-id=\"" + s.path("id").asString() + "\"");
        }
        assertThat(page.body()).contains("this browser").contains("/admin/accounts/" + v.accountId() + "/sign-out-everywhere");

        Client.Response out = admin.http().send(HttpRequest.newBuilder(admin.http().uri("/admin/accounts/" + v.accountId() + "/sign-out-everywhere"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(out.status()).as(out.toString()).isEqualTo(302);
        assertThat(admin.http().getHtml("/admin").body()).contains("2 session(s) of");
        assertThat(sessionRows(v.accountId())).isZero();
        assertThat(v.api().get("/api/session").status()).isEqualTo(401);
        assertThat(rp.active(v.tokens().getAccessToken())).isFalse();

        // The administrator's own other session, signed out from the console.
        String other = null;
        for (JsonNode s : admin.http().get("/api/sessions").json()) {
            if (!s.path("current").asBoolean()) {
                other = s.path("id").asString();
            }
        }
        assertThat(other).isNotNull();
        Client.Response end = admin.http().send(HttpRequest.newBuilder(admin.http().uri("/admin/sessions/" + other + "/end"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(end.status()).isEqualTo(302);
        assertThat(elsewhere.get("/api/session").status()).isEqualTo(401);
        assertThat(admin.http().get("/api/session").status()).isEqualTo(200);
    }

    @Test
    default void anAccountSeesItsOwnSessionsAndEndsOneOfThem() {
        Client admin = newAdmin().http();
        RelyingParty rp = relyingParty(admin);
        Victim v = victim(admin, rp, false, "auditor");
        JsonNode mine = v.api().get("/api/sessions").json();
        assertThat(mine).hasSize(2);
        JsonNode other = null;
        for (JsonNode s : mine) {
            assertThat(s.path("keyId").asString()).isEqualTo(v.keyId());
            if (!s.path("current").asBoolean()) {
                other = s;
            }
        }
        assertThat(other).as("one of the two is the caller's own").isNotNull();
        assertThat(mine.toString()).as("no cookie value is shown").doesNotContain(v.api().cookie("JSESSIONID"));

        // Another account's session handle is not the caller's to end.
        JsonNode adminSessions = admin.get("/api/accounts/" + v.accountId() + "/sessions").json();
        assertThat(adminSessions).hasSize(2);
        Client.Response foreign = admin.delete("/api/sessions/" + other.path("id").asString());
        assertProblem(foreign, 404, "session.not_found");
        assertThat(sessionRows(v.accountId())).isEqualTo(2);
        // Nor may an account without people.manage sign an account out everywhere (an auditor reads sessions: issue 16).
        assertProblem(v.api().post("/api/accounts/" + v.accountId() + "/sign-out-everywhere", "{}"), 403, "auth.forbidden");

        long audit = auditHead();
        assertThat(v.api().delete("/api/sessions/" + other.path("id").asString()).status()).isEqualTo(204);
        assertThat(v.api().get("/api/session").status()).isEqualTo(200);
        assertProblem(v.page().get("/api/session"), 401, "auth.required");
        assertThat(v.api().get("/api/sessions").json()).hasSize(1);
        assertThat(auditSince(audit)).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("session.end");
            assertThat(e.target()).isEqualTo(v.accountId());
        });
        assertProblem(v.api().delete("/api/sessions/" + UUID.randomUUID()), 404, "session.not_found");
    }

    @Test
    default void aSessionUnusedForTheIdleTimeoutIsOver() {
        Client admin = newAdmin().http();
        RelyingParty rp = relyingParty(admin);
        Victim v = victim(admin, rp, false, "global-admin");
        // Each request keeps the session alive ...
        for (int i = 0; i < 3; i++) {
            clock().advance(Duration.ofMinutes(14));
            assertThat(v.api().get("/api/accounts").status()).isEqualTo(200);
        }
        // ... until it sits unused for the idle timeout (15 minutes by default).
        clock().advance(Duration.ofMinutes(15));
        assertProblem(v.api().get("/api/accounts"), 401, "auth.required");
        assertThat(auditRows(v.accountId(), "session.check")).anySatisfy(e -> assertThat(e.reason()).isEqualTo("session.idle"));
        assertThat(v.page().navigate("/admin").location()).as("the other browser sat idle just as long").endsWith("/sign-in");
        assertThat(sessionRows(v.accountId())).isZero();
    }

    @Test
    default void aSessionsLastAccessIsWrittenAtMostOnceAMinuteByTheClock() {
        SignedInClient admin = newAdmin();
        String id = new String(Base64.getDecoder().decode(admin.http().cookie("JSESSIONID")));
        java.util.function.LongSupplier stored = () -> jdbc().sql("select last_access_time from spring_session where session_id = :id")
                .param("id", id).query(Long.class).single();
        long signedIn = stored.getAsLong();
        assertThat(signedIn).as("stamped by the injectable clock").isEqualTo(clock().instant().toEpochMilli());
        clock().advance(Duration.ofSeconds(59));
        assertThat(admin.http().get("/api/accounts").status()).isEqualTo(200);
        assertThat(stored.getAsLong()).as("a request within the minute writes nothing back").isEqualTo(signedIn);
        clock().advance(Duration.ofSeconds(2));
        assertThat(admin.http().get("/api/accounts").status()).isEqualTo(200);
        assertThat(stored.getAsLong()).as("a minute on, the access is stamped").isEqualTo(clock().instant().toEpochMilli());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    default void aSessionLastsItsMaximumAgeFromTheSignInHowEverBusy(boolean emergency) {
        Client admin = newAdmin().http();
        RelyingParty rp = relyingParty(admin);
        Victim v = victim(admin, rp, emergency, "global-admin");
        Instant signedIn = Instant.parse(v.api().get("/api/session").json().path("authTime").asString());
        Duration maxAge = emergency ? Duration.ofHours(1) : Duration.ofHours(8);
        assertThat(Instant.parse(v.api().get("/api/session").json().path("expiresAt").asString())).isEqualTo(signedIn.plus(maxAge));
        // A refresh token never outlives the sign-in's session policy.
        TokenIntrospectionSuccessResponse refresh = rp.introspect(v.tokens().getRefreshToken());
        assertThat(refresh.getExpirationTime().toInstant()).isBeforeOrEqualTo(signedIn.plus(maxAge));
        Duration step = Duration.ofMinutes(10);
        Duration used = Duration.ZERO;
        while (used.plus(step).compareTo(maxAge) < 0) {
            clock().advance(step);
            used = used.plus(step);
            assertThat(v.api().get("/api/accounts").status()).as("after %s", used).isEqualTo(200);
        }
        clock().advance(maxAge.minus(used));
        Client.Response over = v.api().get("/api/accounts");
        assertProblem(over, 401, "session.ended");
        assertThat(auditRows(v.accountId(), "session.check")).anySatisfy(e -> assertThat(e.reason()).isEqualTo("session.expired"));
        assertThat(RelyingParty.error(rp.refresh(v.tokens().getRefreshToken())).getCode()).isEqualTo("invalid_grant");
        clock().reset();
    }

    @Test
    default void aRotatedAwayRefreshTokenPresentedAgainRevokesTheWholeFamily() {
        Client admin = newAdmin().http();
        RelyingParty rp = relyingParty(admin);
        Victim v = victim(admin, rp, false, "auditor");
        OIDCTokens first = v.tokens();
        OIDCTokens second = RelyingParty.success(rp.refresh(first.getRefreshToken())).getOIDCTokens();
        assertThat(rp.active(second.getAccessToken())).isTrue();
        long audit = auditHead();

        // RFC 9700 §4.14.2: the old refresh token again — one of its two holders is not the client.
        assertThat(RelyingParty.error(rp.refresh(first.getRefreshToken())).getCode()).isEqualTo("invalid_grant");
        assertThat(RelyingParty.error(rp.refresh(second.getRefreshToken())).getCode()).isEqualTo("invalid_grant");
        assertThat(rp.active(second.getAccessToken())).isFalse();
        assertThat(rp.active(second.getRefreshToken())).isFalse();
        assertThat(rp.userInfo(second.getAccessToken()).indicatesSuccess()).isFalse();
        assertThat(auditSince(audit)).first().satisfies(e -> {
            assertThat(e.action()).isEqualTo("oidc.refused");
            assertThat(e.reason()).isEqualTo("invalid_grant");
            assertThat(e.flagged()).isTrue();
            assertThat(e.detail()).contains("family is revoked");
        });
        // The session itself is untouched: the account may sign in to the relying party again.
        assertThat(v.api().get("/api/session").status()).isEqualTo(200);
        RelyingParty.Attempt again = rp.attempt();
        AuthorizationCode code = again.code(v.api().navigate(again.uri().toString()).location());
        assertThat(RelyingParty.success(again.exchange(code)).getOIDCTokens().getAccessToken()).isNotNull();
    }

    @Test
    default void aClientIntrospectsOnlyItsOwnTokensUnlessItIsAResourceServer() {
        Client admin = newAdmin().http();
        RelyingParty issuer = relyingParty(admin);
        RelyingParty stranger = relyingParty(admin);
        RelyingParty resourceServer = relyingParty(admin, true);
        Victim v = victim(admin, issuer, false, "auditor");
        var clientToken = RelyingParty.success(issuer.clientCredentials()).getOIDCTokens().getAccessToken();

        for (var token : List.of(v.tokens().getAccessToken(), v.tokens().getRefreshToken(), clientToken)) {
            assertThat(issuer.active(token)).isTrue();
            TokenIntrospectionSuccessResponse answer = stranger.introspect(token);
            assertThat(answer.isActive()).as("another client learns nothing").isFalse();
            assertThat(answer.toJSONObject()).as("not even a claim").containsOnlyKeys("active");
            assertThat(resourceServer.active(token)).as("a registered resource server may look").isTrue();
        }
        assertThat(resourceServer.introspect(v.tokens().getAccessToken()).getSubject().getValue()).isEqualTo(v.accountId());
    }

    @Test
    default void anUnknownTamperedOrEndedSessionCookieIsNoSessionNeverA500() throws Exception {
        Client admin = newAdmin().http();
        String live = admin.cookie("JSESSIONID");
        String liveId = new String(Base64.getDecoder().decode(live));
        List<String> cookies = new java.util.ArrayList<>(List.of(
                Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes()),
                "not base64 at all %%%",
                "",
                "A".repeat(4000),
                Base64.getEncoder().encodeToString("../../../etc/passwd".getBytes()),
                Base64.getEncoder().encodeToString((liveId + "' or '1'='1").getBytes()),
                live.substring(0, live.length() - 2),
                Base64.getEncoder().encodeToString(liveId.toUpperCase().getBytes())));
        // A session that was signed out.
        Client gone = newAdmin().http();
        String goneCookie = gone.cookie("JSESSIONID");
        assertThat(gone.post("/sign-out", "").status()).isIn(200, 302);
        cookies.add(goneCookie);
        for (String cookie : cookies) {
            Client.Response api = raw(admin, "/api/accounts", "JSESSIONID=" + cookie, "application/json");
            assertProblem(api, 401, "auth.required");
            Client.Response page = raw(admin, "/admin", "JSESSIONID=" + cookie, "text/html");
            assertThat(page.status()).as(cookie).isEqualTo(302);
        }
        assertThat(admin.get("/api/accounts").status()).as("the real session is untouched").isEqualTo(200);

        // A session row whose stored sign-in was tampered with (bytes that do not read back, or a
        // serialised object of a type a session never holds) is no session either.
        ByteArrayOutputStream smuggled = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(smuggled)) {
            out.writeObject(URI.create("http://evil.example/").toURL());
        }
        for (byte[] bytes : List.of(new byte[] {1, 2, 3}, smuggled.toByteArray())) {
            Client victim = newAdmin().http();
            String id = new String(Base64.getDecoder().decode(victim.cookie("JSESSIONID")));
            int changed = jdbc().sql("""
                    update spring_session_attributes set attribute_bytes = :b
                    where session_primary_id = (select primary_id from spring_session where session_id = :id)
                    and attribute_name = 'glasskey.signedIn'""").param("b", bytes).param("id", id).update();
            assertThat(changed).isEqualTo(1);
            assertProblem(victim.get("/api/accounts"), 401, "auth.required");
            assertThat(jdbc().sql("select count(*) from spring_session where session_id = :id").param("id", id).query(Long.class).single())
                    .as("the unreadable session is deleted").isZero();
        }
    }

    @Test
    default void anonymousOptionRequestsCreateNoSessionAndLeaveBoundedState() throws Exception {
        Client admin = newAdmin().http();
        String accountId = createAccount(admin, "Flooded " + System.nanoTime(), false).path("id").asString();
        String keyId = registerKey(admin, "Flooded key " + System.nanoTime(), "Safe").path("id").asString();
        String token = issueLink(admin, accountId, keyId);
        long sessions = count("select count(*) from spring_session");
        long used = count("select count(*) from used_challenge");
        long ceremonies = count("select count(*) from ceremony");

        // Cookie-less clients, as a flood would come: nothing of theirs may outlive the request.
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        List<String> paths = new java.util.ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            paths.add("/api/webauthn/sign-in/options");
        }
        for (int i = 0; i < 500; i++) {
            paths.add("/api/enrolments/" + token + "/options");
        }
        for (String path : paths) {
            var response = http.send(HttpRequest.newBuilder(admin.uri(path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
            assertThat(response.headers().allValues("Set-Cookie")).as("no session cookie for an anonymous caller")
                    .noneMatch(c -> c.startsWith("JSESSIONID="));
        }
        assertThat(count("select count(*) from spring_session")).as("no session row").isEqualTo(sessions);
        assertThat(count("select count(*) from used_challenge")).as("sign-in options store nothing").isEqualTo(used);
        assertThat(count("select count(*) from ceremony")).as("an enrolment link keeps at most 4 challenges")
                .isLessThanOrEqualTo(ceremonies + 4);
        assertThat(jdbc().sql("select count(*) from ceremony where enrolment_token_hash = :t")
                .param("t", dev.glasskey.system.Ids.sha256Hex(token)).query(Long.class).single()).isEqualTo(4);

        // The newest outstanding challenge of the link still enrols (the flood did not break the link).
        Client holder = client();
        assertThat(enrol(holder, token, newKey()).status()).isEqualTo(201);
    }

    private long count(String sql) {
        return jdbc().sql(sql).query(Long.class).single();
    }

    /** A request with exactly the given Cookie header (no cookie jar). */
    private static Client.Response raw(Client c, String path, String cookieHeader, String accept) {
        try {
            var response = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(c.uri(path))
                    .header("Cookie", cookieHeader).header("Accept", accept).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return new Client.Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    default void theSessionCookieIsOpaqueHttpOnlyAndLax() throws Exception {
        SoftwareAuthenticator key = newKey();
        Client admin = newAdmin().http();
        String accountId = createAccount(admin, "Cookie " + System.nanoTime(), false, "auditor").path("id").asString();
        String keyId = registerKey(admin, "Cookie key " + System.nanoTime(), "Safe").path("id").asString();
        assertThat(enrol(client(), issueLink(admin, accountId, keyId), key).status()).isEqualTo(201);
        Client c = client();
        Client.Response options = c.post("/api/webauthn/sign-in/options", "{}");
        var response = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(c.uri("/api/webauthn/sign-in"))
                .header("Content-Type", "application/json").header("Cookie", "GLASSKEY_CEREMONY=" + c.cookie("GLASSKEY_CEREMONY"))
                .POST(HttpRequest.BodyPublishers.ofString(key.signIn(options.body(), accounts().get(accountId).userHandle()))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String setCookie = response.headers().allValues("Set-Cookie").stream().filter(h -> h.startsWith("JSESSIONID=")).findFirst()
                .orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/").doesNotContain("Secure");
        String value = setCookie.substring("JSESSIONID=".length(), setCookie.indexOf(';'));
        assertThat(value).doesNotContain(accountId);
        assertThat(UUID.fromString(new String(Base64.getDecoder().decode(value)))).as("a random id naming a database row").isNotNull();
    }
}
