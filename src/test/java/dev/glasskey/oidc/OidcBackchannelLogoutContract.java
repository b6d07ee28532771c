package dev.glasskey.oidc;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.claims.LogoutTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.nimbusds.openid.connect.sdk.validators.LogoutTokenValidator;

import dev.glasskey.alert.AlertChannels;
import dev.glasskey.testing.Client;
import dev.glasskey.testing.RelyingParty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenID Connect Back-Channel Logout 1.0 (issue 20 item 4), with real receivers on 127.0.0.1 and
 * the Nimbus SDK as the relying party: a session ended by sign-out, by expiry (the test clock) and
 * by a revocation (the account disabled) brings every client that received tokens in it and
 * registered a {@code backchannel_logout_uri} a logout token that verifies with the published JWK
 * Set; one receiver that is down at first gets it once it is up (the outbox's retry, driven by the
 * clock); a client without the URI gets nothing; RP-initiated logout holds an ID token to its own
 * session ({@code sid}). The logout job ({@link BackchannelLogouts#sweep})
 * and the outbox's delivery are driven by the test, as the alert tests drive delivery. Every test
 * removes its clients, so no pair it made outlives it in the shared server.
 */
public interface OidcBackchannelLogoutContract extends OidcFixtures, AlertChannels {

    default RelyingParty logoutClient(Client admin, String backchannelUri, String alg) {
        return RelyingParty.register(admin, baseUrl(), Map.of("name", "Logout RP " + System.nanoTime(),
                "redirectUris", List.of("https://rp.example/callback/" + System.nanoTime()),
                "grantTypes", List.of("authorization_code", "refresh_token"), "idTokenSignedResponseAlg", alg,
                "backchannelLogoutUri", backchannelUri, "backchannelLogoutSessionRequired", true));
    }

    /** A code flow in the person's browser: the validated ID token. */
    default IDTokenClaimsSet signInTo(RelyingParty rp, Person p) throws Exception {
        RelyingParty.Attempt attempt = rp.attempt();
        return attempt.validate(RelyingParty.success(attempt.exchange(authorize(p, attempt))).getOIDCTokens().getIDToken());
    }

    default void remove(Client admin, RelyingParty... rps) {
        for (RelyingParty rp : rps) {
            assertThat(admin.delete("/api/clients/" + rp.clientId.getValue()).status()).isEqualTo(204);
        }
    }

    /** Runs the logout job and the outbox's delivery until {@code receiver} holds {@code n} requests. */
    default void awaitLogouts(LogoutReceiver receiver, int n) {
        await(n + " logout token(s)", () -> {
            bean(BackchannelLogouts.class).sweep();
            return receiver.received().size() >= n;
        });
    }

    /** A signed-in person, and a client with a back-channel logout URI at {@code receiver} that received tokens in the person's session. */
    record Scene(Client admin, LogoutReceiver receiver, RelyingParty rp, Person p, String sid) {}

    interface SceneTest {
        void run(Scene scene) throws Exception;
    }

    /** Runs {@code test} in a new scene; the clock is set back and the client removed afterwards (its pairs go with it). */
    default void inScene(boolean receiverUp, SceneTest test) throws Exception {
        Client admin = newAdmin().http();
        try (LogoutReceiver receiver = new LogoutReceiver(receiverUp)) {
            RelyingParty rp = logoutClient(admin, receiver.url(), "ES256");
            try {
                Person p = person(admin, false);
                test.run(new Scene(admin, receiver, rp, p, signInTo(rp, p).getStringClaim("sid")));
            } finally {
                clock().reset();
                if (admin.get("/api/clients/" + rp.clientId.getValue()).status() == 200) {
                    remove(admin, rp);
                }
            }
        }
    }

    /** One column of an outbox row. */
    default <T> T delivery(String id, String column, Class<T> type) {
        return jdbc().sql("select " + column + " from alert_delivery where id = :id").param("id", id).query(type).single();
    }

    /** Runs the logout job until the logout token of session {@code sid} is queued (once); returns its outbox row's id. */
    default String queued(String sid) {
        java.util.function.Supplier<List<String>> rows = () -> jdbc().sql("select d.id from alert_delivery d join alert a on a.id = d.alert_id"
                + " where a.rules = 'backchannel-logout' and a.event_json like :s").param("s", "%" + sid + "%").query(String.class).list();
        await("the logout token of session " + sid + " queued", () -> {
            bean(BackchannelLogouts.class).sweep();
            return !rows.get().isEmpty();
        });
        assertThat(rows.get()).hasSize(1);
        return rows.get().get(0);
    }

    default long trackedPairs(RelyingParty rp) {
        return jdbc().sql("select count(*) from oidc_logout_session where client_id = :c").param("c", rp.clientId.getValue())
                .query(Long.class).single();
    }

    default JWKSet jwks(RelyingParty rp) {
        try {
            return JWKSet.load(rp.metadata.getJWKSetURI().toURL());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An independent relying party's validation (Nimbus, at the real time): signature, typ, iss, aud, iat/exp, jti, events, sid/sub, no nonce. */
    default LogoutTokenClaimsSet validate(RelyingParty rp, String token) throws Exception {
        LogoutTokenValidator validator = new LogoutTokenValidator(new Issuer(baseUrl()), rp.clientId, true,
                new JWSVerificationKeySelector<SecurityContext>(JWSAlgorithm.parse(rp.algorithm), new ImmutableJWKSet<>(jwks(rp))), null);
        return validator.validate(SignedJWT.parse(token));
    }

    /**
     * The same checks made by hand at the test clock's time (a token signed after the clock moved
     * ahead is dated then): the signature with the published key its {@code kid} names, then the claims.
     */
    default JWTClaimsSet verifyAt(RelyingParty rp, String token, Instant now) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("logout+jwt"));
        assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo(rp.algorithm);
        JWK key = jwks(rp).getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).as("published key " + jwt.getHeader().getKeyID()).isNotNull();
        java.security.Key publicKey = key instanceof com.nimbusds.jose.jwk.ECKey ec ? ec.toECPublicKey() : key.toRSAKey().toRSAPublicKey();
        assertThat(jwt.verify(new DefaultJWSVerifierFactory().createJWSVerifier(jwt.getHeader(), publicKey))).isTrue();
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        new LogoutTokenClaimsSet(claims); // the SDK's shape checks: events, sid or sub, no nonce
        assertThat(claims.getIssuer()).isEqualTo(baseUrl());
        assertThat(claims.getAudience()).containsExactly(rp.clientId.getValue());
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant())).isEqualTo(Duration.ofMinutes(2));
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getClaim("nonce")).isNull();
        assertThat(claims.getJSONObjectClaim("events")).containsOnlyKeys("http://schemas.openid.net/event/backchannel-logout");
        return claims;
    }

    @Test
    default void signingOutSendsEachClientWithTheUriALogoutTokenForTheSessionAndAClientWithoutTheUriNothing() throws Exception {
        Client admin = newAdmin().http();
        try (LogoutReceiver receiver = new LogoutReceiver(true); LogoutReceiver other = new LogoutReceiver(true)) {
            RelyingParty es = logoutClient(admin, receiver.url(), "ES256");
            RelyingParty rs = logoutClient(admin, other.url(), "RS256");
            RelyingParty plain = confidentialClient(admin, "ES256");
            try {
                assertThat(admin.get("/api/clients/" + es.clientId.getValue()).json().path("backchannelLogoutUri").asString())
                        .isEqualTo(receiver.url());
                Person p = person(admin, false);
                Person bystander = person(admin, false);
                RelyingParty.Attempt first = es.attempt();
                OIDCTokens tokens = RelyingParty.success(first.exchange(authorize(p, first))).getOIDCTokens();
                IDTokenClaimsSet id = first.validate(tokens.getIDToken());
                String sid = id.getStringClaim("sid");
                assertThat(sid).isNotBlank();
                // The same session for every client and every code flow in it; another browser's session is another sid.
                assertThat(signInTo(rs, p).getStringClaim("sid")).isEqualTo(sid);
                assertThat(signInTo(es, p).getStringClaim("sid")).isEqualTo(sid);
                assertThat(signInTo(plain, p).getStringClaim("sid")).isEqualTo(sid);
                assertThat(signInTo(es, bystander).getStringClaim("sid")).isNotEqualTo(sid);
                assertThat(trackedPairs(plain)).isZero();

                // Nothing while the session stands.
                bean(BackchannelLogouts.class).sweep();
                alertDelivery().deliverDue();
                assertThat(receiver.received()).isEmpty();
                assertThat(other.received()).isEmpty();

                long audit = auditHead();
                Client.Response out = p.browser().post("/sign-out", "");
                assertThat(out.status()).as(out.toString()).isIn(200, 302);
                awaitLogouts(receiver, 1);
                awaitLogouts(other, 1);
                // One token per (session, client), however many code flows the client ran in it.
                LogoutReceiver.Received got = receiver.received().get(0);
                assertThat(got.contentType()).startsWith("application/x-www-form-urlencoded");
                assertThat(got.body()).startsWith("logout_token=");
                LogoutTokenClaimsSet claims = validate(es, got.logoutToken());
                assertThat(claims.getSessionID().getValue()).isEqualTo(sid);
                assertThat(claims.getSubject().getValue()).isEqualTo(p.accountId());
                assertThat(claims.getAudience()).extracting(a -> a.getValue()).containsExactly(es.clientId.getValue());
                assertThat(claims.getExpirationTime()).isAfter(claims.getIssueTime());
                assertThat(claims.toJWTClaimsSet().getClaim("nonce")).isNull();
                assertThat(SignedJWT.parse(got.logoutToken()).getHeader().getType()).isEqualTo(LogoutTokenValidator.TYPE);
                LogoutTokenClaimsSet rsClaims = validate(rs, other.received().get(0).logoutToken());
                assertThat(rsClaims.getSessionID().getValue()).isEqualTo(sid);
                assertThat(SignedJWT.parse(other.received().get(0).logoutToken()).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);

                // Audited: queued with the reason, then delivered; the jti is the outbox row's id.
                assertThat(auditSince(audit)).filteredOn(e -> e.action().equals("oidc.backchannel_logout"))
                        .hasSize(2).allMatch(e -> e.target().equals(p.accountId()) && e.detail().contains("session.gone"));
                assertThat(auditSince(audit)).filteredOn(e -> e.action().equals("oidc.backchannel_logout.delivered"))
                        .extracting(AuditRow::detail).anyMatch(d -> d.contains(claims.getJWTID().getValue()));
                // §2.7: the refresh tokens the client got in the session are revoked with it.
                assertThat(RelyingParty.error(es.refresh(tokens.getRefreshToken())).getCode()).isEqualTo("invalid_grant");

                // Once only; the bystander's session stands, and the client without a URI was never told anything.
                bean(BackchannelLogouts.class).sweep();
                alertDelivery().deliverDue();
                assertThat(receiver.received()).hasSize(1);
                assertThat(other.received()).hasSize(1);
                assertThat(trackedPairs(es)).isEqualTo(1);
                assertThat(jdbc().sql("select count(*) from alert where rules = 'backchannel-logout' and event_json like :c")
                        .param("c", "%" + plain.clientId.getValue() + "%").query(Long.class).single()).isZero();
            } finally {
                remove(admin, es, rs, plain);
            }
        }
    }

    @Test
    default void aSessionThatExpiresBringsALogoutTokenDatedByTheClock() throws Exception {
        inScene(true, s -> {
            // Past the idle timeout (15 minutes) on the clock: the session no longer stands.
            clock().advance(Duration.ofMinutes(16));
            long audit = auditHead();
            awaitLogouts(s.receiver(), 1);
            JWTClaimsSet claims = verifyAt(s.rp(), s.receiver().received().get(0).logoutToken(), clock().instant());
            assertThat(claims.getStringClaim("sid")).isEqualTo(s.sid());
            assertThat(claims.getSubject()).isEqualTo(s.p().accountId());
            assertThat(auditSince(audit)).filteredOn(e -> e.action().equals("oidc.backchannel_logout"))
                    .singleElement().satisfies(e -> assertThat(e.detail()).contains("session.idle"));
            // The browser is signed out too.
            assertThat(s.p().browser().get("/api/session").status()).isEqualTo(401);
        });
    }

    @Test
    default void disablingTheAccountEndsItsSessionAtTheRelyingPartyToo() throws Exception {
        inScene(true, s -> {
            long audit = auditHead();
            Client.Response disabled = s.admin().post("/api/accounts/" + s.p().accountId() + "/disable", "{}");
            assertThat(disabled.status()).as(disabled.toString()).isEqualTo(200);
            awaitLogouts(s.receiver(), 1);
            LogoutTokenClaimsSet claims = validate(s.rp(), s.receiver().received().get(0).logoutToken());
            assertThat(claims.getSessionID().getValue()).isEqualTo(s.sid());
            assertThat(claims.getSubject().getValue()).isEqualTo(s.p().accountId());
            assertThat(auditSince(audit)).filteredOn(e -> e.action().startsWith("oidc.backchannel_logout"))
                    .hasSize(2).anyMatch(e -> e.detail().contains("account.disabled"));
        });
    }

    @Test
    default void aReceiverThatIsDownGetsTheTokenOnceItIsUpWithTheSameJti() throws Exception {
        inScene(false, s -> {
            assertThat(s.p().browser().post("/sign-out", "").status()).isIn(200, 302);
            String deliveryId = queued(s.sid());
            // Refused (nothing listens): pending, with the reason, not due again before the back-off.
            await("a failed attempt", () -> delivery(deliveryId, "attempts", Integer.class) >= 1);
            assertThat(delivery(deliveryId, "status", String.class)).isEqualTo("pending");
            assertThat(delivery(deliveryId, "last_error", String.class)).contains("Connect");
            alertDelivery().deliverDue();
            assertThat(delivery(deliveryId, "attempts", Integer.class)).isEqualTo(1);

            s.receiver().start();
            clock().advance(Duration.ofSeconds(5));
            awaitLogouts(s.receiver(), 1);
            JWTClaimsSet claims = verifyAt(s.rp(), s.receiver().received().get(0).logoutToken(), clock().instant());
            assertThat(claims.getStringClaim("sid")).isEqualTo(s.sid());
            // The outbox row's id, the same on every attempt: a receiver can tell a retry from a replay.
            assertThat(claims.getJWTID()).isEqualTo(deliveryId);
            assertThat(delivery(deliveryId, "status", String.class)).isEqualTo("delivered");
            alertDelivery().deliverDue();
            assertThat(s.receiver().received()).hasSize(1);
        });
    }

    @Test
    default void aLogoutForAClientRemovedMeanwhileIsAbandonedAndAudited() throws Exception {
        inScene(false, s -> {
            assertThat(s.p().browser().post("/sign-out", "").status()).isIn(200, 302);
            String deliveryId = queued(s.sid());
            long audit = auditHead();
            remove(s.admin(), s.rp());
            // Past any back-off of an attempt made while the receiver was down.
            clock().advance(Duration.ofMinutes(1));
            await("the message abandoned", () -> delivery(deliveryId, "status", String.class).equals("abandoned"));
            assertThat(auditSince(audit)).filteredOn(e -> e.action().equals("oidc.backchannel_logout.abandoned")
                            && e.target().equals(s.p().accountId()))
                    .singleElement().satisfies(e -> assertThat(e.reason()).isEqualTo("client.not_found"));
            assertThat(s.receiver().received()).isEmpty();
        });
    }

    @Test
    default void rpInitiatedLogoutWithAnIdTokenOfAnotherSessionIsRefusedAndSignsNothingOut() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        try {
            Person p = person(admin, false);
            Client elsewhere = client();
            assertThat(signIn(elsewhere, p.key(), p.userHandle()).status()).isEqualTo(200);
            RelyingParty.Attempt attempt = rp.attempt();
            OIDCTokens tokens = RelyingParty.success(attempt.exchange(authorize(p, attempt))).getOIDCTokens();
            URI logout = rp.logout(tokens.getIDToken(), URI.create("https://rp.example/signed-out"), new com.nimbusds.oauth2.sdk.id.State("x"));
            // The same account's other browser: the ID token's sid names another session.
            Client.Redirect refused = elsewhere.navigate(logout.toString());
            assertThat(refused.status()).as(refused.toString()).isEqualTo(401);
            assertThat(refused.body()).contains("\"error\":\"invalid_token\"");
            assertThat(elsewhere.get("/api/session").status()).isEqualTo(200);
            // In its own session it signs out.
            Client.Redirect out = p.browser().navigate(logout.toString());
            assertThat(out.status()).as(out.toString()).isEqualTo(302);
            assertThat(p.browser().get("/api/session").status()).isEqualTo(401);
            assertThat(elsewhere.get("/api/session").status()).isEqualTo(200);
        } finally {
            remove(admin, rp);
        }
    }

    @Test
    default void aBackchannelLogoutUriMustBeHttpsOrLoopbackHttpWithoutFragment() {
        Client admin = newAdmin().http();
        long clients = jdbc().sql("select count(*) from oauth2_registered_client").query(Long.class).single();
        for (String bad : List.of("http://rp.example/logout", "https://rp.example/logout#frag", "/logout", "ftp://rp.example/logout",
                "https://", "https://rp.example/lo gout", "javascript:alert(1)", "https://rp.example/" + "x".repeat(600))) {
            Client.Response r = admin.post("/api/clients", Map.of("name", "Bad logout " + System.nanoTime(),
                    "redirectUris", List.of("https://rp.example/cb"), "backchannelLogoutUri", bad));
            assertProblem(r, 400, "client.backchannel_logout_uri_invalid");
        }
        Client.Response noUri = admin.post("/api/clients", Map.of("name", "No URI " + System.nanoTime(),
                "redirectUris", List.of("https://rp.example/cb"), "backchannelLogoutSessionRequired", true));
        assertProblem(noUri, 400, "request.invalid");
        assertThat(jdbc().sql("select count(*) from oauth2_registered_client").query(Long.class).single()).isEqualTo(clients);
        // https anywhere, http on a loopback address.
        for (String good : List.of("https://rp.example/logout?tenant=1", "http://127.0.0.1:9000/logout", "http://[::1]/logout")) {
            RelyingParty rp = logoutClient(admin, good, "ES256");
            assertThat(admin.get("/api/clients/" + rp.clientId.getValue()).json().path("backchannelLogoutSessionRequired").asBoolean()).isTrue();
            remove(admin, rp);
        }
    }
}
