package dev.glasskey.pim;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;

import tools.jackson.databind.JsonNode;

import dev.glasskey.oidc.OidcFixtures;
import dev.glasskey.testing.Client;
import dev.glasskey.testing.RelyingParty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16 §1 and §4 over OpenID Connect, on a database of its own: tokens carry the roles held at
 * issue (held and PIM-activated) and are recomputed at refresh, a token carrying a time-bound
 * activation never outlives it, and an application role reaches only its own client's tokens, only
 * while active. Application roles on the client API: every refusal with its code, state unchanged.
 * Also here (one server for both): expiry audited once, and an emergency activation noticed to every
 * approver it skipped. The relying party checks token times against the real clock, so it validates only before the
 * test clock moves; after, the claims are read from the signed token as the server wrote them.
 */
interface PimTokensContract extends OidcFixtures, dev.glasskey.alert.AlertChannels {

    @BeforeEach
    default void emptyOrganisationFirst() {
        clock().reset();
        emptyOrganisation();
    }

    @AfterEach
    default void realTimeAgain() {
        clock().reset();
    }

    private Client.Response activate(Person p, String role, int minutes) {
        return p.browser().post("/api/pim/me/activations", Map.of("role", role, "durationMinutes", minutes, "justification", "INC-7 unseal"));
    }

    private void eligible(Client admin, String accountId, String role) {
        Client.Response r = admin.post("/api/pim/assignments", Map.of("accountId", accountId, "role", role, "kind", "eligible",
                "reason", "on call"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    private OIDCTokens tokens(Person p, RelyingParty rp) {
        RelyingParty.Attempt attempt = rp.attempt();
        AuthorizationCode code = authorize(p, attempt);
        return RelyingParty.success(attempt.exchange(code)).getOIDCTokens();
    }

    private static JWTClaimsSet claims(com.nimbusds.oauth2.sdk.token.AccessToken t) throws Exception {
        return SignedJWT.parse(t.getValue()).getJWTClaimsSet();
    }

    private static JWTClaimsSet claims(OIDCTokens t) throws Exception {
        return t.getIDToken().getJWTClaimsSet();
    }

    @Test
    default void anActivatedRoleIsInTokensUntilItsEndAndNoTokenOutlivesIt() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        Person p = person(admin, false);
        eligible(admin, p.accountId(), "auditor");
        assertThat(claims(tokens(p, rp).getAccessToken()).getStringListClaim("roles")).isEmpty();

        Client.Response activated = activate(p, "auditor", 2);
        assertThat(activated.status()).as(activated.toString()).isEqualTo(201);
        Instant end = Instant.parse(activated.json().path("activation").path("endsAt").asString());

        OIDCTokens t = tokens(p, rp);
        assertThat(rp.validator().validate(t.getIDToken(), null)).isNotNull();
        for (JWTClaimsSet c : List.of(claims(t.getAccessToken()), claims(t))) {
            assertThat(c.getStringListClaim("roles")).containsExactly("auditor");
            assertThat(c.getStringListClaim("groups")).containsExactly("auditor");
            // The access token (5 min) and the ID token (10 min) would outlive the 2-minute activation: both end with it.
            assertThat(c.getExpirationTime().toInstant()).isBeforeOrEqualTo(end).isAfter(end.minusSeconds(2));
        }

        clock().advance(Duration.ofMinutes(2));
        OIDCTokens refreshed = RelyingParty.success(rp.refresh(t.getRefreshToken())).getOIDCTokens();
        JWTClaimsSet after = claims(refreshed.getAccessToken());
        assertThat(after.getStringListClaim("roles")).isEmpty();
        // Nothing time-bound left: the usual lifetime again.
        assertThat(after.getExpirationTime().toInstant()).isAfter(end.plus(Duration.ofMinutes(4)));
        assertThat(claims(refreshed).getStringListClaim("roles")).isEmpty();
    }

    @Test
    default void anApplicationRoleReachesOnlyItsClientsTokensAndOnlyWhileActive() throws Exception {
        Client admin = newAdmin().http();
        RelyingParty vault = confidentialClient(admin, "ES256");
        RelyingParty other = confidentialClient(admin, "ES256");
        String clientId = vault.clientId.getValue();
        Client.Response defined = admin.post("/api/clients/" + clientId + "/roles", Map.of("name", "vault-admin", "description", "Vault root policy"));
        assertThat(defined.status()).as(defined.toString()).isEqualTo(201);
        String role = defined.json().path("role").asString();
        assertThat(role).isEqualTo(clientId + "/vault-admin");
        assertThat(admin.get("/api/clients/" + clientId + "/roles").json().findValuesAsString("name")).containsExactly("vault-admin");
        // PIM knows it with the default settings, like a directory role.
        assertThat(admin.get("/api/pim/roles").json().findValuesAsString("role")).contains(role);

        Person p = person(admin, false);
        eligible(admin, p.accountId(), role);
        assertThat(claims(tokens(p, vault).getAccessToken()).getStringListClaim("roles")).isEmpty();

        Client.Response activated = activate(p, role, 3);
        assertThat(activated.status()).as(activated.toString()).isEqualTo(201);
        OIDCTokens t = tokens(p, vault);
        assertThat(claims(t.getAccessToken()).getStringListClaim("roles")).containsExactly("vault-admin");
        assertThat(claims(t).getStringListClaim("groups")).containsExactly("vault-admin");
        // Another client never sees it; nor does Glasskey's own session (it means nothing to Glasskey).
        assertThat(claims(tokens(p, other).getAccessToken()).getStringListClaim("roles")).isEmpty();
        assertThat(p.browser().get("/api/session").json().path("roles").size()).isZero();

        clock().advance(Duration.ofMinutes(3));
        OIDCTokens refreshed = RelyingParty.success(vault.refresh(t.getRefreshToken())).getOIDCTokens();
        assertThat(claims(refreshed.getAccessToken()).getStringListClaim("roles")).isEmpty();
        assertThat(claims(refreshed).getStringListClaim("groups")).isEmpty();

        // Removing the role removes its assignments, each audited; PIM no longer knows it.
        long audit = auditHead();
        Client.Response removed = admin.delete("/api/clients/" + clientId + "/roles/vault-admin?note=decommissioned");
        assertThat(removed.status()).as(removed.toString()).isEqualTo(200);
        assertThat(removed.json().path("assignmentsEnded").asInt()).isEqualTo(1);
        assertThat(auditCount(audit, "pim.remove", "success")).isEqualTo(1);
        assertThat(auditCount(audit, "oidc.client.role_remove", "success")).isEqualTo(1);
        assertThat(jdbc().sql("select count(*) from pim_assignment where role = :r and kind = 'eligible' and ended_at is null").param("r", role)
                .query(Long.class).single()).isZero();
        assertThat(admin.get("/api/pim/roles").json().findValuesAsString("role")).doesNotContain(role);
        assertProblem(admin.post("/api/pim/assignments", Map.of("accountId", p.accountId(), "role", role, "kind", "eligible",
                "reason", "again")), 400, "role.unknown");
    }

    @Test
    default void removingAClientRemovesItsRolesAndTheirAssignments() {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        String clientId = rp.clientId.getValue();
        assertThat(admin.post("/api/clients/" + clientId + "/roles", Map.of("name", "k8s-cluster-admin")).status()).isEqualTo(201);
        Person p = person(admin, false);
        eligible(admin, p.accountId(), clientId + "/k8s-cluster-admin");
        long audit = auditHead();
        assertThat(admin.delete("/api/clients/" + clientId).status()).isEqualTo(204);
        assertThat(auditCount(audit, "pim.remove", "success")).isEqualTo(1);
        assertThat(jdbc().sql("select count(*) from oidc_client_role where client_id = :c").param("c", clientId).query(Long.class).single()).isZero();
        assertThat(jdbc().sql("select count(*) from pim_role_setting where role = :r").param("r", clientId + "/k8s-cluster-admin")
                .query(Long.class).single()).isZero();
    }

    @Test
    default void badApplicationRoleRequestsAreRefusedWithTheirCodeAndChangeNothing() {
        Client admin = newAdmin().http();
        RelyingParty rp = confidentialClient(admin, "ES256");
        String clientId = rp.clientId.getValue();
        String roles = "/api/clients/" + clientId + "/roles";
        assertThat(admin.post(roles, Map.of("name", "vault-admin")).status()).isEqualTo(201);
        String before = admin.get(roles).body();
        long settings = jdbc().sql("select count(*) from pim_role_setting").query(Long.class).single();

        for (String name : List.of("", " ", "Vault-Admin", "vault/admin", "-admin", "vault admin", "x".repeat(65), "vault\nadmin",
                "ünicode", "../etc")) {
            assertProblem(admin.post(roles, Map.of("name", name)), 400, "request.invalid");
        }
        Map<String, Object> noName = new HashMap<>();
        noName.put("description", "no name");
        assertProblem(admin.post(roles, noName), 400, "request.invalid");
        assertProblem(admin.post(roles, Map.of("name", "ok", "description", "x".repeat(201))), 400, "request.invalid");
        assertProblem(admin.post(roles, Map.of("name", "ok", "description", "two\nlines")), 400, "request.invalid");
        assertProblem(admin.post(roles, "{\"name\": "), 400, "request.malformed");
        assertProblem(admin.post(roles, "[]"), 400, "request.malformed");
        assertProblem(admin.post(roles, Map.of("name", "vault-admin")), 409, "client.role_exists");
        assertProblem(admin.post("/api/clients/no-such-client/roles", Map.of("name", "x")), 404, "client.not_found");
        assertProblem(admin.get("/api/clients/no-such-client/roles"), 404, "client.not_found");
        assertProblem(admin.delete(roles + "/no-such-role"), 404, "client.role_not_found");
        assertProblem(admin.delete("/api/clients/no-such-client/roles/vault-admin"), 404, "client.not_found");
        // Not an administrator: refused before anything is read.
        Person p = person(admin, false);
        assertProblem(p.browser().post(roles, Map.of("name", "mine")), 403, "auth.forbidden");
        assertProblem(p.browser().delete(roles + "/vault-admin"), 403, "auth.forbidden");

        assertThat(admin.get(roles).body()).isEqualTo(before);
        assertThat(jdbc().sql("select count(*) from pim_role_setting").query(Long.class).single()).isEqualTo(settings);
    }

    @Test
    default void anActivationThatReachesItsEndIsAuditedOnceAndOneEndedEarlyIsNot() {
        Client admin = newAdmin().http();
        Person p = person(admin, false);
        eligible(admin, p.accountId(), "auditor");
        long audit = auditHead();
        Client.Response first = activate(p, "auditor", 1);
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        bean(PimExpiry.class).sweep();
        assertThat(auditCount(audit, "pim.activation_expired", "success")).isZero();

        clock().advance(Duration.ofMinutes(1));
        // Sweeps again and again (the scheduled job may run one of its own meanwhile): one entry.
        bean(PimExpiry.class).sweep();
        bean(PimExpiry.class).sweep();
        List<AuditRow> expired = auditSince(audit).stream().filter(e -> e.action().equals("pim.activation_expired")).toList();
        assertThat(expired).hasSize(1);
        assertThat(expired.get(0).target()).isEqualTo(p.accountId());
        assertThat(expired.get(0).detail()).contains("'auditor'").contains(first.json().path("activation").path("endsAt").asString());

        // Deactivated before its end: audited as a deactivation, never as an expiry.
        assertThat(signIn(p.browser(), p.key(), p.userHandle()).status()).isEqualTo(200);
        Client.Response second = activate(p, "auditor", 1);
        assertThat(second.status()).as(second.toString()).isEqualTo(201);
        String id = second.json().path("activation").path("id").asString();
        assertThat(p.browser().post("/api/pim/me/activations/" + id + "/deactivate", "{}").status()).isEqualTo(200);
        clock().advance(Duration.ofMinutes(2));
        bean(PimExpiry.class).sweep();
        assertThat(auditCount(audit, "pim.activation_expired", "success")).isEqualTo(1);
        assertThat(auditCount(audit, "pim.deactivate", "success")).isEqualTo(1);
    }

    @Test
    default void anEmergencyActivationIsNoticedToEveryApproverItSkipped() throws Exception {
        Client admin = newAdmin().http();
        try (dev.glasskey.alert.SmtpReceiver smtp = new dev.glasskey.alert.SmtpReceiver();
             dev.glasskey.alert.WebhookReceiver hook = new dev.glasskey.alert.WebhookReceiver()) {
            createChannel(admin, webhook("hook " + System.nanoTime(), hook.url(), "critical"));
            Map<String, Object> settings = new HashMap<>();
            settings.put("host", "127.0.0.1");
            settings.put("port", smtp.port());
            settings.put("from", "glasskey@example.org");
            settings.put("to", List.of("security@example.org"));
            settings.put("username", dev.glasskey.alert.SmtpReceiver.USER);
            settings.put("tlsCertificatePem", smtp.certificatePem());
            createChannel(admin, Map.of("name", "mail " + System.nanoTime(), "type", "email", "minSeverity", "critical",
                    "settings", settings, "password", dev.glasskey.alert.SmtpReceiver.PASSWORD));

            Person first = person(admin, false);
            Person second = person(admin, false);
            Person unreachable = person(admin, false);
            String firstAddress = "approver1." + System.nanoTime() + "@example.org";
            String secondAddress = "approver2." + System.nanoTime() + "@example.org";
            assertThat(admin.put("/api/accounts/" + first.accountId() + "/email", Map.of("email", firstAddress)).status()).isEqualTo(200);
            assertThat(admin.put("/api/accounts/" + second.accountId() + "/email", Map.of("email", secondAddress)).status()).isEqualTo(200);
            Person emergency = person(admin, true);
            eligible(admin, emergency.accountId(), "global-admin");
            Client.Response set = admin.put("/api/pim/roles/global-admin", Map.of("approvalRequired", true, "approvalsNeeded", 2,
                    "approvers", List.of(first.accountId(), second.accountId(), unreachable.accountId())));
            assertThat(set.status()).as(set.toString()).isEqualTo(200);

            long head = auditHead();
            Client.Response r = activate(emergency, "global-admin", 30);
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            assertThat(r.json().path("outcome").asString()).isEqualTo("emergency");

            // The alert on every channel (the webhook receiver on 127.0.0.1) ...
            await("the emergency activation alert", () -> hook.accepted().stream().anyMatch(q -> q.body().contains("pim.emergency_activation")));
            // ... and a direct notice to each skipped approver with an address, to that address only.
            java.util.function.Supplier<List<dev.glasskey.alert.SmtpReceiver.Mail>> noticesSent = () -> smtp.mails().stream()
                    .filter(m -> m.raw().contains("Subject: Glasskey: an emergency activation skipped your approval")).toList();
            await("both approvers' notices", () -> noticesSent.get().size() >= 2, () -> smtp.mails().toString());
            List<dev.glasskey.alert.SmtpReceiver.Mail> notices = noticesSent.get();
            assertThat(notices).hasSize(2);
            assertThat(notices).anyMatch(m -> m.raw().contains("To: " + firstAddress) && !m.raw().contains(secondAddress))
                    .anyMatch(m -> m.raw().contains("To: " + secondAddress) && !m.raw().contains(firstAddress))
                    .allMatch(m -> m.raw().contains("INC-7 unseal") && !m.raw().contains("security@example.org"));
            // The approver without an address is named in the entry (and so in the alert).
            AuditRow entry = auditSince(head).stream().filter(e -> e.action().equals("pim.emergency_activation")).findFirst().orElseThrow();
            String unreachableName = accounts().get(unreachable.accountId()).displayName();
            assertThat(entry.detail()).contains("noticed directly: ").contains("not noticed directly (no e-mail address, or disabled): '"
                    + unreachableName + "'");
        }
    }
}
