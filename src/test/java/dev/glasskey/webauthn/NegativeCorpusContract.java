package dev.glasskey.webauthn;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.cbor.CBORMapper;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.Fixtures;
import dev.glasskey.testing.SoftwareAuthenticator;
import dev.glasskey.testing.SoftwareAuthenticator.Tweaks;
import dev.glasskey.webauthn.HostileInputs.Who;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The negative corpus of the security checks, over HTTP. Every refusal must come back as a
 * problem document with the precise status and stable code, leave stored state exactly as
 * it was (the audit log grows: a refused ceremony is recorded with outcome failure and the
 * code as reason) — except a counter regression, whose one intended change is asserted
 * explicitly. Run on H2 and PostgreSQL by the two subclasses.
 */
interface NegativeCorpusContract extends Fixtures {
    String RP_ID = "localhost";
    String SIGN_IN_OPTIONS = "/api/webauthn/sign-in/options";
    String SIGN_IN = "/api/webauthn/sign-in";

    /** An account enrolled on one inventory key, ready to sign in. */
    record Subject(String accountId, String userHandle, String keyId, SoftwareAuthenticator key) {}

    // ------------------------------------------------------------------------------------------
    // Client data and authenticator data checks, sign-in
    // ------------------------------------------------------------------------------------------

    @Test
    default void signInWithWrongOriginIsOriginMismatch() {
        Subject s = subject(newAdmin().http(), false);
        refusedSignIn(s, Tweaks.defaults().withOrigin("https://evil.example"), 400, "ceremony.origin_mismatch", null);
    }

    @Test
    default void signInWithWrongRpIdHashIsRpIdMismatch() {
        Subject s = subject(newAdmin().http(), false);
        refusedSignIn(s, Tweaks.defaults().withRpIdForHash("evil.example"), 400, "ceremony.rp_id_mismatch", null);
    }

    @Test
    default void signInWithoutUserPresenceIsUserPresenceMissing() {
        Subject s = subject(newAdmin().http(), false);
        refusedSignIn(s, Tweaks.defaults().withUserPresent(false), 400, "ceremony.user_presence_missing", null);
    }

    @Test
    default void signInWithoutUserVerificationIsUserVerificationMissing() {
        Subject s = subject(newAdmin().http(), false);
        refusedSignIn(s, Tweaks.defaults().withUserVerified(false), 400, "ceremony.user_verification_missing", null);
    }

    @Test
    default void signInWithCreateClientDataIsWrongType() {
        Subject s = subject(newAdmin().http(), false);
        refusedSignIn(s, Tweaks.defaults().withClientDataType("webauthn.create"), 400, "ceremony.wrong_type", null);
    }

    @Test
    default void signInSignedByAnotherKeyIsSignatureInvalid() {
        Subject s = subject(newAdmin().http(), false);
        refusedSignIn(s, Tweaks.defaults().withSignWithForeignKey(true), 401, "assertion.signature_invalid", s.accountId());
    }

    // ------------------------------------------------------------------------------------------
    // Client data and authenticator data checks, enrolment
    // ------------------------------------------------------------------------------------------

    @Test
    default void enrolmentWithWrongOriginIsOriginMismatch() {
        refusedEnrolment(newAdmin().http(), false, newKey(), Tweaks.defaults().withOrigin("https://evil.example"),
                400, "ceremony.origin_mismatch");
    }

    @Test
    default void enrolmentWithWrongRpIdHashIsRpIdMismatch() {
        refusedEnrolment(newAdmin().http(), false, newKey(), Tweaks.defaults().withRpIdForHash("evil.example"),
                400, "ceremony.rp_id_mismatch");
    }

    @Test
    default void enrolmentWithoutUserPresenceIsUserPresenceMissing() {
        refusedEnrolment(newAdmin().http(), false, newKey(), Tweaks.defaults().withUserPresent(false),
                400, "ceremony.user_presence_missing");
    }

    @Test
    default void enrolmentWithoutUserVerificationIsUserVerificationMissing() {
        refusedEnrolment(newAdmin().http(), false, newKey(), Tweaks.defaults().withUserVerified(false),
                400, "ceremony.user_verification_missing");
    }

    @Test
    default void enrolmentWithGetClientDataIsWrongType() {
        refusedEnrolment(newAdmin().http(), false, newKey(), Tweaks.defaults().withClientDataType("webauthn.get"),
                400, "ceremony.wrong_type");
    }

    @Test
    default void syncedPasskeyOnEmergencyAccountIsRefused() {
        refusedEnrolment(newAdmin().http(), true, newKey(), Tweaks.defaults().withBackupEligible(true),
                403, "enrolment.synced_passkey_refused");
    }

    // ------------------------------------------------------------------------------------------
    // Challenge state
    // ------------------------------------------------------------------------------------------

    @Test
    default void replayedSignInResponseIsChallengeUnknown() {
        Subject s = subject(newAdmin().http(), false);
        Client browser = client();
        String response = s.key().signIn(options(browser), s.userHandle());
        Client.Response first = browser.post(SIGN_IN, response);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);

        String state = storedState();
        long audit = flushRefusals();
        assertProblem(browser.post(SIGN_IN, response), 400, "ceremony.challenge_unknown");
        assertThat(storedState()).isEqualTo(state);
        assertSignInFailureAudited(audit, "ceremony.challenge_unknown", null);
        // From another browser the replay is no better.
        assertProblem(client().post(SIGN_IN, response), 400, "ceremony.challenge_unknown");
        assertThat(storedState()).isEqualTo(state);
    }

    @Test
    default void forgedOrAlteredChallengeIsChallengeUnknown() {
        Subject s = subject(newAdmin().http(), false);
        Client browser = client();
        String options = options(browser);
        String issued = Client.JSON.readTree(options).path("publicKey").path("challenge").asString();
        byte[] altered = java.util.Base64.getUrlDecoder().decode(issued);
        altered[20] ^= 0x01; // inside the expiry: a client cannot extend a challenge's life
        String state = storedState();
        for (String forged : List.of(randomB64u(32), randomB64u(56),
                java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(altered))) {
            String response = s.key().signIn(options, s.userHandle(), Tweaks.defaults(baseUrl()).withChallengeOverride(forged));
            assertProblem(browser.post(SIGN_IN, response), 400, "ceremony.challenge_unknown");
        }
        assertThat(storedState()).isEqualTo(state);
        // The genuine challenge is still good.
        Client.Response ok = browser.post(SIGN_IN, s.key().signIn(options, s.userHandle()));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    }

    @Test
    default void refusedSignInBurnsItsChallenge() {
        Subject s = subject(newAdmin().http(), false);
        Client browser = client();
        String options = options(browser);
        String bad = s.key().signIn(options, s.userHandle(), Tweaks.defaults(baseUrl()).withUserVerified(false));
        assertProblem(browser.post(SIGN_IN, bad), 400, "ceremony.user_verification_missing");
        String good = s.key().signIn(options, s.userHandle());
        assertProblem(browser.post(SIGN_IN, good), 400, "ceremony.challenge_unknown");
    }

    @Test
    default void signInAfterChallengeTtlIsChallengeExpired() {
        Subject s = subject(newAdmin().http(), false);
        Client browser = client();
        String response = s.key().signIn(options(browser), s.userHandle());
        clock().advance(Duration.ofMinutes(3)); // challenge TTL is 2 minutes

        String state = storedState();
        long audit = flushRefusals();
        assertProblem(browser.post(SIGN_IN, response), 400, "ceremony.challenge_expired");
        assertThat(storedState()).isEqualTo(state);
        assertSignInFailureAudited(audit, "ceremony.challenge_expired", null);
    }

    @Test
    default void challengeAnsweredFromAnotherSessionIsSessionMismatchAndNotConsumed() {
        Subject s = subject(newAdmin().http(), false);
        Client a = client();
        Client b = client();
        String response = s.key().signIn(options(a), s.userHandle());

        String state = storedState();
        long audit = flushRefusals();
        assertProblem(b.post(SIGN_IN, response), 400, "ceremony.session_mismatch");
        assertThat(storedState()).isEqualTo(state);
        assertSignInFailureAudited(audit, "ceremony.session_mismatch", null);

        Client.Response rightful = a.post(SIGN_IN, response);
        assertThat(rightful.status()).as(rightful.toString()).isEqualTo(200);
        assertThat(rightful.json().path("accountId").asString()).isEqualTo(s.accountId());
    }

    // ------------------------------------------------------------------------------------------
    // Credential state
    // ------------------------------------------------------------------------------------------

    @Test
    default void counterRegressionSuspendsTheCredential() {
        SignedInClient admin = newAdmin();
        Subject s = subject(admin.http(), false);
        Client.Response first = signIn(client(), s.key(), s.userHandle());
        assertThat(first.status()).as(first.toString()).isEqualTo(200); // the server has now seen counter 1
        String credential = credentialRowId(s.accountId());

        String state = storedState();
        long audit = flushRefusals();
        s.key().setCounter(RP_ID, s.userHandle(), 0); // the next assertion reports 1 again: a clone
        Client.Response regressed = signIn(client(), s.key(), s.userHandle());
        assertProblem(regressed, 401, "credential.counter_regression");

        // The one intended change: this credential, and nothing else, is now suspect (counter and last use unchanged).
        String row = state.lines().filter(l -> l.startsWith(credential + "|")).findFirst().orElseThrow();
        assertThat(row).contains("|1|active|null|");
        String expected = state.replace(row, row.replace("|1|active|null|", "|1|suspect|signature counter regression|"));
        assertThat(storedState()).isEqualTo(expected);
        List<AuditRow> entries = auditSince(audit).stream().filter(e -> e.action().equals("signin")).toList();
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0)).extracting(AuditRow::outcome, AuditRow::reason, AuditRow::target, AuditRow::flagged)
                .containsExactly("failure", "credential.counter_regression", s.accountId(), true);
        JsonNode listed = admin.http().get("/api/accounts/" + s.accountId() + "/credentials").json().get(0);
        assertThat(listed.path("status").asString()).isEqualTo("suspect");
        assertThat(listed.path("usable").asBoolean()).isFalse();

        // A correct assertion (counter 2, above the stored 1) from the key is still refused.
        String suspended = storedState();
        long audit2 = flushRefusals();
        assertProblem(signIn(client(), s.key(), s.userHandle()), 401, "credential.suspect");
        assertThat(storedState()).isEqualTo(suspended);
        assertSignInFailureAudited(audit2, "credential.suspect", s.accountId());
    }

    @Test
    default void revokedCredentialIsCredentialRevoked() {
        SignedInClient admin = newAdmin();
        Subject s = subject(admin.http(), false);
        Client.Response revoked = admin.http().post("/api/credentials/" + credentialRowId(s.accountId()) + "/revoke",
                "{\"reason\":\"custodian left\"}");
        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
        refusedSignIn(s, Tweaks.defaults(), 401, "credential.revoked", s.accountId());
    }

    @Test
    default void credentialNeverRegisteredIsCredentialUnknown() {
        Subject s = subject(newAdmin().http(), false);
        Client browser = client();
        ObjectNode response = (ObjectNode) Client.JSON.readTree(s.key().signIn(options(browser), s.userHandle()));
        String stranger = randomB64u(32);
        response.put("id", stranger).put("rawId", stranger);

        String state = storedState();
        long audit = flushRefusals();
        assertProblem(browser.post(SIGN_IN, response.toString()), 401, "credential.unknown");
        assertThat(storedState()).isEqualTo(state);
        assertSignInFailureAudited(audit, "credential.unknown", null);
    }

    @Test
    default void credentialOnLostKeyIsKeyLost() {
        SignedInClient admin = newAdmin();
        Subject s = subject(admin.http(), false);
        Client.Response lost = admin.http().post("/api/keys/" + s.keyId() + "/lost", "{\"note\":\"left on a train\"}");
        assertThat(lost.status()).as(lost.toString()).isEqualTo(200);
        refusedSignIn(s, Tweaks.defaults(), 401, "credential.key_lost", s.accountId());
    }

    @Test
    default void disabledAccountIsAccountDisabled() {
        SignedInClient admin = newAdmin();
        Subject s = subject(admin.http(), false);
        Client.Response disabled = admin.http().post("/api/accounts/" + s.accountId() + "/disable", "{}");
        assertThat(disabled.status()).as(disabled.toString()).isEqualTo(200);
        refusedSignIn(s, Tweaks.defaults(), 403, "account.disabled", s.accountId());
    }

    // ------------------------------------------------------------------------------------------
    // AAGUID allow-list (emergency accounts); the list is global, so each test restores it
    // ------------------------------------------------------------------------------------------

    // The same rules hold an administrator (global-admin) to the emergency standard (issue 13).

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Who.class, names = {"EMERGENCY", "ADMIN"})
    default void keyOfAnotherModelIsModelNotAllowed(Who who) {
        Client admin = newAdmin().http();
        UUID allowed = UUID.randomUUID();
        withAllowList(admin, allowed, SoftwareAuthenticator.packed(allowed).attestationRootPem(), () ->
                refusedEnrolmentOf(admin, account(admin, who), SoftwareAuthenticator.packed(UUID.randomUUID()).origin(baseUrl()),
                        Tweaks.defaults(), 403, "attestation.model_not_allowed"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Who.class, names = {"EMERGENCY", "ADMIN"})
    default void allowedModelChainingToAnotherRootIsUntrusted(Who who) {
        Client admin = newAdmin().http();
        UUID allowed = UUID.randomUUID();
        String otherModelsRoot = SoftwareAuthenticator.packed(UUID.randomUUID()).attestationRootPem();
        SoftwareAuthenticator key = SoftwareAuthenticator.packed(allowed).origin(baseUrl());
        assertThat(key.attestationRootPem()).isNotEqualTo(otherModelsRoot);
        // A root no credential can chain to would leave no emergency account usable if it were
        // the only model listed (the lockout guard refuses that); list it beside a working model.
        UUID working = UUID.randomUUID();
        withAllowList(admin, working, SoftwareAuthenticator.packed(working).attestationRootPem(), () ->
                withAllowList(admin, allowed, otherModelsRoot, () ->
                        refusedEnrolmentOf(admin, account(admin, who), key, Tweaks.defaults(), 403, "attestation.untrusted")));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Who.class, names = {"EMERGENCY", "ADMIN"})
    default void selfAttestationOfAllowedModelIsUntrusted(Who who) {
        Client admin = newAdmin().http();
        UUID allowed = UUID.randomUUID();
        withAllowList(admin, allowed, SoftwareAuthenticator.packed(allowed).attestationRootPem(), () ->
                refusedEnrolmentOf(admin, account(admin, who), SoftwareAuthenticator.selfAttested(allowed).origin(baseUrl()),
                        Tweaks.defaults(), 403, "attestation.untrusted"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Who.class, names = {"EMERGENCY", "ADMIN"})
    default void noneAttestationIsUntrusted(Who who) {
        Client admin = newAdmin().http();
        UUID allowed = UUID.randomUUID();
        withAllowList(admin, allowed, SoftwareAuthenticator.packed(allowed).attestationRootPem(), () ->
                refusedEnrolmentOf(admin, account(admin, who), SoftwareAuthenticator.noneAttestation().origin(baseUrl()),
                        Tweaks.defaults(), 403, "attestation.untrusted"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Who.class, names = {"EMERGENCY", "ADMIN"})
    default void trustedKeyOfAllowedModelEnrols(Who who) {
        Client admin = newAdmin().http();
        UUID allowed = UUID.randomUUID();
        SoftwareAuthenticator key = SoftwareAuthenticator.packed(allowed).origin(baseUrl());
        withAllowList(admin, allowed, key.attestationRootPem(), () -> {
            String accountId = account(admin, who);
            Client.Response r = enrol(client(), linkOnNewKey(admin, accountId), key);
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            assertThat(r.json().path("aaguid").asString()).isEqualTo(allowed.toString());
            assertThat(r.json().path("attestationTrusted").asBoolean()).isTrue();
            Client.Response signIn = signIn(client(), key, accounts().get(accountId).userHandle());
            assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
        });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Who.class, names = {"EMERGENCY", "ADMIN"})
    default void credentialEnrolledBeforeTheAllowListIsRefusedOnceItIsSet(Who who) {
        Client admin = newAdmin().http();
        Subject s = enrolled(admin, account(admin, who), newKey(), Tweaks.defaults()); // the test model, untrusted: no allow-list yet
        UUID allowed = UUID.randomUUID();
        withAllowList(admin, allowed, SoftwareAuthenticator.packed(allowed).attestationRootPem(), () ->
                refusedSignIn(s, Tweaks.defaults(), 403, "attestation.model_not_allowed", s.accountId()));
        // Only the list refused it: without the list the same credential works again.
        Client.Response again = signIn(client(), s.key(), s.userHandle());
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
    }

    // ------------------------------------------------------------------------------------------
    // Malformed responses
    // ------------------------------------------------------------------------------------------

    @Test
    default void signInWithMalformedBase64urlIsCredentialMalformed() {
        Subject s = subject(newAdmin().http(), false);
        Client browser = client();
        ObjectNode response = (ObjectNode) Client.JSON.readTree(s.key().signIn(options(browser), s.userHandle()));
        ((ObjectNode) response.path("response")).put("signature", "!!not*base64url!!");
        refusedSignInBody(browser, response.toString(), 400, "ceremony.credential_malformed");
    }

    @Test
    default void signInWithMalformedJsonIsRequestMalformed() {
        Subject s = subject(newAdmin().http(), false);
        Client browser = client();
        String response = s.key().signIn(options(browser), s.userHandle());
        refusedSignInBody(browser, response.substring(0, response.length() / 2), 400, "request.malformed");
    }

    @Test
    default void signInWithTruncatedAuthenticatorDataIsCredentialMalformed() {
        Subject s = subject(newAdmin().http(), false);
        Client browser = client();
        ObjectNode response = (ObjectNode) Client.JSON.readTree(s.key().signIn(options(browser), s.userHandle()));
        ObjectNode inner = (ObjectNode) response.path("response");
        inner.put("authenticatorData", b64u(Arrays.copyOf(fromB64u(inner.path("authenticatorData").asString()), 20)));
        refusedSignInBody(browser, response.toString(), 400, "ceremony.credential_malformed");
    }

    @Test
    default void enrolmentWithMalformedBase64urlIsCredentialMalformed() {
        refusedEnrolmentBody(newAdmin().http(), response -> {
            ((ObjectNode) response.path("response")).put("attestationObject", "!!not*base64url!!");
            return response.toString();
        });
    }

    @Test
    default void enrolmentWithMalformedJsonIsRequestMalformed() {
        refusedEnrolmentBody(newAdmin().http(), "request.malformed",
                response -> response.toString().substring(0, response.toString().length() / 2));
    }

    @Test
    default void enrolmentWithMalformedCborIsCredentialMalformed() {
        refusedEnrolmentBody(newAdmin().http(), response -> {
            ObjectNode inner = (ObjectNode) response.path("response");
            byte[] cbor = fromB64u(inner.path("attestationObject").asString());
            inner.put("attestationObject", b64u(Arrays.copyOf(cbor, cbor.length / 2)));
            return response.toString();
        });
    }

    @Test
    default void enrolmentWithTruncatedAuthenticatorDataIsCredentialMalformed() {
        refusedEnrolmentBody(newAdmin().http(), response -> {
            ObjectNode inner = (ObjectNode) response.path("response");
            CBORMapper cbor = new CBORMapper();
            ObjectNode attestation = (ObjectNode) cbor.readTree(fromB64u(inner.path("attestationObject").asString()));
            byte[] authData = attestation.path("authData").binaryValue();
            byte[] truncated = Arrays.copyOf(authData, 20);
            attestation.put("authData", truncated);
            inner.put("attestationObject", b64u(cbor.writeValueAsBytes(attestation)));
            inner.put("authenticatorData", b64u(truncated));
            return response.toString();
        });
    }


    // ------------------------------------------------------------------------------------------
    // Hostile input (issue 13): data-driven attacks, each a distinct one (HostileInputs)
    // ------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "sign-in: {0}")
    @MethodSource("dev.glasskey.webauthn.HostileInputs#signInAttacks")
    default void hostileSignInIsRefusedPrecisely(HostileInputs.SignInAttack attack) {
        Subject s = subject(newAdmin().http(), attack.who() == Who.EMERGENCY);
        Client browser = client();
        ObjectNode response = (ObjectNode) Client.JSON.readTree(s.key().signIn(options(browser), s.userHandle(), attack.tweaks()));
        String body = attack.body().apply(response);

        String state = storedState();
        long audit = flushRefusals();
        assertProblem(browser.post(SIGN_IN, body), attack.status(), attack.code());
        assertThat(storedState()).isEqualTo(state);
        assertSignInFailureAudited(audit, attack.code(), attack.accountKnown() ? s.accountId() : null);
    }

    @ParameterizedTest(name = "enrolment: {0}")
    @MethodSource("dev.glasskey.webauthn.HostileInputs#enrolmentAttacks")
    default void hostileEnrolmentIsRefusedPrecisely(HostileInputs.EnrolmentAttack attack) {
        Client admin = newAdmin().http();
        String accountId = account(admin, attack.who());
        String token = linkOnNewKey(admin, accountId);
        Client browser = client();
        Client.Response options = browser.post("/api/enrolments/" + token + "/options", "{}");
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        String response = key(attack.attestation()).register(options.body(), attack.tweaks());
        String body = attack.body().apply((ObjectNode) Client.JSON.readTree(response));

        refusedRegistration(() -> browser.post("/api/enrolments/" + token + "/credential", body), attack.status(), attack.code(), accountId);
    }

    // ------------------------------------------------------------------------------------------
    // Anonymous abuse (issue 13): every refusal audited, every field bounded (HostileInputs)
    // ------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "refused request: {0}")
    @MethodSource("dev.glasskey.webauthn.HostileInputs#shapeRefusals")
    default void everyRefusedRequestIsAuditedOnceAggregated(HostileInputs.ShapeRefusal refusal) {
        String state = storedState();
        long audit = flushRefusals();
        HttpRequest.Builder request = HttpRequest.newBuilder(client().uri(refusal.path())).header("Accept", "application/json")
                .method(refusal.method(), refusal.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(refusal.body()));
        if (refusal.contentType() != null) {
            request.header("Content-Type", refusal.contentType());
        }
        assertProblem(raw(request), refusal.status(), refusal.code());
        assertThat(storedState()).isEqualTo(state);
        assertThat(aggregatedSince(audit)).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("request.refused");
            assertThat(e.actor()).isEqualTo("anonymous (not signed in)");
            assertThat(e.client()).isEqualTo("127.0.0.1");
            assertThat(e.refusals()).isEqualTo(1);
            assertThat(e.codes()).containsExactly(Map.entry(refusal.code(), 1L));
            assertThat(e.sample()).startsWith(refusal.method() + " /");
        });
        assertThat(auditSince(audit)).as("nothing but the aggregated entry").hasSize(1);
    }

    @ParameterizedTest(name = "client id: {0}")
    @MethodSource("dev.glasskey.webauthn.HostileInputs#hostileTexts")
    default void hostileClientIdIsACleanOAuthErrorAndAnAggregatedEntry(HostileInputs.HostileText text) {
        String state = storedState();
        long audit = flushRefusals();
        Client.Response token = form("/oauth2/token", null, "grant_type", "client_credentials", "client_id", text.value(),
                "client_secret", "not-a-secret");
        // An authorization request may be a form post (OpenID Connect Core 1.0 §3.1.2.1): room for the longest values.
        Client.Response authorize = form("/oauth2/authorize", null, "response_type", "code", "scope", "openid",
                "client_id", text.value(), "redirect_uri", "https://evil.example/cb");
        // A client id outside VSCHAR cannot name a client at all; one inside names nobody registered.
        assertOAuthError(token, text.vschar() ? 401 : 400, text.vschar() ? "invalid_client" : "invalid_request");
        // Never redirected: the redirect URI of an unknown client is not known to be the client's.
        assertOAuthError(authorize, 400, "invalid_request");
        assertThat(storedState()).isEqualTo(state);
        // An unregistered client id is only text the caller sent: both refusals are anonymous, counted.
        List<Aggregated> refused = aggregatedSince(audit);
        assertThat(refused.stream().mapToLong(Aggregated::refusals).sum()).isEqualTo(2);
        assertThat(refused).allSatisfy(e -> {
            assertThat(e.actor()).isEqualTo("anonymous (not signed in)");
            assertThat(e.action()).isEqualTo("oidc.refused");
            assertBoundedAndPrintable(e.sample(), 300);
        });
        assertThat(auditSince(audit)).hasSameSizeAs(refused);
    }

    @ParameterizedTest(name = "grant type from a registered client: {0}")
    @MethodSource("dev.glasskey.webauthn.HostileInputs#hostileTexts")
    default void hostileTextFromARegisteredClientIsStoredBoundedAndClean(HostileInputs.HostileText text) {
        Client admin = newAdmin().http();
        dev.glasskey.testing.RelyingParty rp = dev.glasskey.testing.RelyingParty.register(admin, baseUrl(), Map.of(
                "name", "Hostile " + System.nanoTime(), "redirectUris", List.of("https://rp.example/cb"),
                "grantTypes", List.of("authorization_code", "client_credentials"), "scopes", List.of("openid")));
        String basic = "Basic " + Base64.getEncoder().encodeToString((rp.clientId.getValue() + ":" + rp.secret.getValue())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String state = storedState();
        long audit = flushRefusals();
        Client.Response r = form("/oauth2/token", basic, "grant_type", text.value());
        assertThat(storedState()).isEqualTo(state);
        assertOAuthError(r, 400, "unsupported_grant_type");
        // A registered client is named: its refusal is an entry of its own, every field bounded and printable.
        assertThat(auditSince(audit)).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("oidc.refused");
            assertThat(e.reason()).isEqualTo("unsupported_grant_type");
            assertBoundedAndPrintable(e.detail(), 2000);
        });
        assertThat(admin.get("/api/audit/verify").json().path("intact").asBoolean()).isTrue();
    }

    /** The strictness refuses what cannot be right, not what is merely unusual: every algorithm offered enrols. */
    @ParameterizedTest(name = "accepted: {0}")
    @MethodSource("dev.glasskey.webauthn.HostileInputs#acceptedKeys")
    default void genuineKeyOfEveryOfferedAlgorithmEnrols(HostileInputs.AcceptedKey accepted) {
        Client admin = newAdmin().http();
        enrolled(admin, account(admin, Who.PERSON), newKey(),
                Tweaks.defaults().withCredentialPublicKey(dev.glasskey.testing.Cbor.encode(accepted.cose())));
    }

    @Test
    default void credentialIdsOfSixteenAnd1023BytesEnrolAndSignIn() {
        Client admin = newAdmin().http();
        for (int length : new int[] {16, 1023}) {
            Subject s = enrolled(admin, account(admin, Who.PERSON), newKey(), Tweaks.defaults().withCredentialIdLength(length));
            Client.Response signedIn = signIn(client(), s.key(), s.userHandle());
            assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        }
    }

    @Test
    default void noneAttestationStillEnrolsAPersonWherePolicyAllows() {
        Client admin = newAdmin().http();
        Subject s = enrolled(admin, account(admin, Who.PERSON), SoftwareAuthenticator.noneAttestation().origin(baseUrl()), Tweaks.defaults());
        assertThat(jdbc().sql("select attestation_format from credential where account_id = :a").param("a", s.accountId())
                .query(String.class).single()).isEqualTo("none");
    }

    // ------------------------------------------------------------------------------------------
    // Enrolment tokens (issue 13, class 6): the link is judged before the response
    // ------------------------------------------------------------------------------------------

    @Test
    default void credentialPostedToAnUnknownTokenIsEnrolmentUnknown() {
        Client admin = newAdmin().http();
        String accountId = account(admin, Who.PERSON);
        String token = linkOnNewKey(admin, accountId);
        Client browser = client();
        Client.Response options = browser.post("/api/enrolments/" + token + "/options", "{}");
        String response = newKey().register(options.body());
        for (String unknown : List.of(randomB64u(32), "x", "A".repeat(300))) {
            refusedRegistration(() -> browser.post("/api/enrolments/" + unknown + "/credential", response), 404, "enrolment.unknown", null);
        }
        // The response was not spent on the wrong link: it still enrols on its own.
        Client.Response enrolled = browser.post("/api/enrolments/" + token + "/credential", response);
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
    }

    @Test
    default void credentialPostedToAnExpiredTokenIsEnrolmentExpired() {
        Client admin = newAdmin().http();
        String accountId = account(admin, Who.PERSON);
        String token = linkOnNewKey(admin, accountId);
        Client browser = client();
        String response = newKey().register(browser.post("/api/enrolments/" + token + "/options", "{}").body());
        clock().advance(Duration.ofMinutes(16));
        refusedRegistration(() -> browser.post("/api/enrolments/" + token + "/credential", response), 410, "enrolment.expired", accountId);
    }

    @Test
    default void garbagePostedToAnUnknownTokenIsEnrolmentUnknown() {
        refusedRegistration(() -> client().post("/api/enrolments/" + randomB64u(32) + "/credential", "{\"id\":"), 404,
                "enrolment.unknown", null);
    }

    @Test
    default void batchCertificateOfAnotherModelClaimingAnAllowedAaguidIsAttestationInvalid() {
        Client admin = newAdmin().http();
        UUID allowed = UUID.randomUUID();
        // A key of the test model claims the allowed model's AAGUID in its authenticator data; its batch
        // certificate still names the test model (id-fido-gen-ce-aaguid, WebAuthn L3 §8.2.1).
        withAllowList(admin, allowed, SoftwareAuthenticator.packed(allowed).attestationRootPem(), () ->
                refusedEnrolment(admin, true, newKey(), Tweaks.defaults().withAttestedAaguid(allowed), 400, "attestation.invalid"));
    }

    // ------------------------------------------------------------------------------------------
    // Administrators are held to the emergency standard (issue 13)
    // ------------------------------------------------------------------------------------------

    @Test
    default void administratorEnrollingASyncedPasskeyIsRefused() {
        Client admin = newAdmin().http();
        String accountId = account(admin, Who.ADMIN);
        refusedEnrolmentOf(admin, accountId, newKey(), Tweaks.defaults().withBackupEligible(true), 403, "enrolment.synced_passkey_refused");
    }

    @Test
    default void personWithoutAdministrativeRoleMayStillUseASyncedPasskey() {
        Client admin = newAdmin().http();
        // A role that changes no emergency setting (issue 16: key-custodian and alert-admin now do, so they need a key).
        String accountId = createAccount(admin, "Auditor " + System.nanoTime(), false, "auditor").path("id").asString();
        Subject s = enrolled(admin, accountId, newKey(), Tweaks.defaults().withBackupEligible(true));
        Client.Response signedIn = signIn(client(), s.key(), s.userHandle(), Tweaks.defaults().withBackupEligible(true));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
    }

    @Test
    default void personGrantedGlobalAdminCannotSignInWithTheirSyncedPasskey() {
        Client admin = newAdmin().http();
        Subject s = enrolled(admin, account(admin, Who.PERSON), newKey(), Tweaks.defaults().withBackupEligible(true));
        Client.Response promoted = admin.put("/api/accounts/" + s.accountId() + "/roles", Map.of("roles", List.of("global-admin")));
        assertThat(promoted.status()).as(promoted.toString()).isEqualTo(200);
        refusedSignIn(s, Tweaks.defaults().withBackupEligible(true), 403, "credential.synced_passkey_refused", s.accountId());
    }

    @Test
    default void emergencyAssertionClaimingBackupEligibilityIsRefused() {
        Subject s = subject(newAdmin().http(), true);
        refusedSignIn(s, Tweaks.defaults().withBackupEligible(true), 403, "credential.synced_passkey_refused", s.accountId());
    }

    // ------------------------------------------------------------------------------------------
    // Enrolment links
    // ------------------------------------------------------------------------------------------

    @Test
    default void unknownEnrolmentTokenIsEnrolmentUnknown() {
        String state = storedState();
        long audit = flushRefusals();
        for (int i = 0; i < 3; i++) {
            assertProblem(client().post("/api/enrolments/" + randomB64u(32) + "/options", "{}"), 404, "enrolment.unknown");
        }
        assertThat(storedState()).isEqualTo(state);
        // Probing for links leaves a trace: counted, one aggregated entry for the window (the link names no account).
        assertThat(aggregatedSince(audit)).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("enrolment.options");
            assertThat(e.reason()).isEqualTo("enrolment.unknown");
            assertThat(e.refusals()).isEqualTo(3);
            assertThat(e.codes()).containsExactly(Map.entry("enrolment.unknown", 3L));
            assertThat(e.client()).isEqualTo("127.0.0.1");
        });
        assertThat(auditSince(audit)).hasSize(1);
    }

    @Test
    default void enrolmentLinkUsedTwiceIsEnrolmentUnknown() {
        Client admin = newAdmin().http();
        String accountId = createAccount(admin, "Twice " + System.nanoTime(), false).path("id").asString();
        String keyId = registerKey(admin, "Twice key " + System.nanoTime(), "Safe").path("id").asString();
        String token = issueLink(admin, accountId, keyId);
        // Two browsers open the same link; the first to finish uses it up.
        Client first = client();
        Client second = client();
        Client.Response firstOptions = first.post("/api/enrolments/" + token + "/options", "{}");
        Client.Response secondOptions = second.post("/api/enrolments/" + token + "/options", "{}");
        assertThat(firstOptions.status()).isEqualTo(200);
        assertThat(secondOptions.status()).isEqualTo(200);
        Client.Response used = first.post("/api/enrolments/" + token + "/credential", newKey().register(firstOptions.body()));
        assertThat(used.status()).as(used.toString()).isEqualTo(201);

        String state = storedState();
        long audit = flushRefusals();
        Client.Response late = second.post("/api/enrolments/" + token + "/credential", newKey().register(secondOptions.body()));
        assertProblem(late, 404, "enrolment.unknown");
        assertThat(storedState()).isEqualTo(state);
        assertEnrolmentFailureAudited(audit, "enrolment.unknown", accountId);
        assertProblem(client().post("/api/enrolments/" + token + "/options", "{}"), 404, "enrolment.unknown");
        assertThat(storedState()).isEqualTo(state);
    }

    @Test
    default void expiredEnrolmentLinkIsEnrolmentExpired() {
        Client admin = newAdmin().http();
        String accountId = createAccount(admin, "Late " + System.nanoTime(), false).path("id").asString();
        String keyId = registerKey(admin, "Late key " + System.nanoTime(), "Safe").path("id").asString();
        String token = issueLink(admin, accountId, keyId);
        clock().advance(Duration.ofMinutes(16)); // enrolment TTL is 15 minutes; the one test allowed this long a jump

        String state = storedState();
        long audit = flushRefusals();
        assertProblem(client().post("/api/enrolments/" + token + "/options", "{}"), 410, "enrolment.expired");
        assertThat(storedState()).isEqualTo(state);
        assertThat(auditSince(audit)).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("enrolment.options");
            assertThat(e.reason()).isEqualTo("enrolment.expired");
            assertThat(e.target()).isEqualTo(accountId);
        });
    }

    // ------------------------------------------------------------------------------------------
    // Administration API: access
    // ------------------------------------------------------------------------------------------

    @Test
    default void adminApiWithoutSessionIsAuthRequired() {
        String state = storedState();
        assertProblem(client().get("/api/accounts"), 401, "auth.required");
        assertProblem(client().post("/api/accounts", Map.of("displayName", "Intruder", "emergency", false, "roles", List.of())),
                401, "auth.required");
        assertProblem(client().get("/api/session"), 401, "auth.required");
        assertThat(storedState()).isEqualTo(state);
    }

    @Test
    default void adminApiWithNonAdminSessionIsAuthForbidden() {
        Subject s = subject(newAdmin().http(), false);
        Client user = client();
        Client.Response signedIn = signIn(user, s.key(), s.userHandle());
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        assertThat(user.get("/api/session").status()).isEqualTo(200);

        String state = storedState();
        assertProblem(user.get("/api/accounts"), 403, "auth.forbidden");
        assertProblem(user.post("/api/accounts/" + s.accountId() + "/disable", "{}"), 403, "auth.forbidden");
        assertProblem(user.put("/api/accounts/" + s.accountId() + "/roles", Map.of("roles", List.of("global-admin"))),
                403, "auth.forbidden");
        assertThat(storedState()).isEqualTo(state);
    }

    @Test
    default void adminPostWithoutCsrfHeaderIsAuthCsrf() {
        Client admin = newAdmin().http();
        String victim = createAccount(admin, "Victim " + System.nanoTime(), false).path("id").asString();
        String cookies = "JSESSIONID=" + admin.cookie("JSESSIONID") + "; XSRF-TOKEN=" + admin.cookie("XSRF-TOKEN");
        assertThat(admin.cookie("JSESSIONID")).isNotNull();
        assertThat(admin.cookie("XSRF-TOKEN")).isNotNull();

        String state = storedState();
        Client.Response missing = raw(HttpRequest.newBuilder(admin.uri("/api/accounts/" + victim + "/disable"))
                .header("Cookie", cookies).header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertProblem(missing, 403, "auth.csrf");
        Client.Response wrong = raw(HttpRequest.newBuilder(admin.uri("/api/accounts/" + victim + "/disable"))
                .header("Cookie", cookies).header("X-XSRF-TOKEN", "not-the-token")
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertProblem(wrong, 403, "auth.csrf");
        assertThat(storedState()).isEqualTo(state);
        // The same session with the header may act: the refusal was the missing token only.
        assertThat(admin.post("/api/accounts/" + victim + "/disable", "{}").status()).isEqualTo(200);
    }

    // ------------------------------------------------------------------------------------------
    // Administration API: invalid input
    // ------------------------------------------------------------------------------------------

    @Test
    default void accountWithBlankNameIsRequestInvalid() {
        Client admin = newAdmin().http();
        String state = storedState();
        assertProblem(admin.post("/api/accounts", Map.of("displayName", "   ", "emergency", false, "roles", List.of())),
                400, "request.invalid");
        assertThat(storedState()).isEqualTo(state);
    }

    @Test
    default void accountWithUnknownRoleIsRoleUnknown() {
        Client admin = newAdmin().http();
        String state = storedState();
        assertProblem(admin.post("/api/accounts", Map.of("displayName", "Role " + System.nanoTime(), "emergency", false,
                "roles", List.of("global-admin", "root"))), 400, "role.unknown");
        String id = createAccount(admin, "Roles " + System.nanoTime(), false).path("id").asString();
        String withAccount = storedState();
        assertProblem(admin.put("/api/accounts/" + id + "/roles", Map.of("roles", List.of("superuser"))), 400, "role.unknown");
        assertThat(storedState()).isEqualTo(withAccount);
        assertThat(withAccount).isNotEqualTo(state);
    }

    @Test
    default void duplicateKeyLabelIsKeyLabelTaken() {
        Client admin = newAdmin().http();
        String label = "Duplicate " + System.nanoTime();
        registerKey(admin, label, "Safe, HQ");
        String state = storedState();
        assertProblem(admin.post("/api/keys", Map.of("label", label, "location", "Safe, DR site")), 409, "key.label_taken");
        assertThat(storedState()).isEqualTo(state);
    }

    @Test
    default void unknownAccountIdIsAccountNotFound() {
        Client admin = newAdmin().http();
        String nobody = UUID.randomUUID().toString();
        String state = storedState();
        assertProblem(admin.get("/api/accounts/" + nobody), 404, "account.not_found");
        assertProblem(admin.post("/api/accounts/" + nobody + "/disable", "{}"), 404, "account.not_found");
        assertProblem(admin.get("/api/accounts/" + nobody + "/credentials"), 404, "account.not_found");
        assertThat(storedState()).isEqualTo(state);
    }

    @Test
    default void badAaguidIsRequestInvalid() {
        Client admin = newAdmin().http();
        String pem = SoftwareAuthenticator.packed(UUID.randomUUID()).attestationRootPem();
        String state = storedState();
        assertProblem(admin.put("/api/allow-list/not-a-uuid", Map.of("name", "Bad", "rootsPem", pem)), 400, "request.invalid");
        assertProblem(admin.post("/api/keys", Map.of("label", "Bad model " + System.nanoTime(), "aaguid", "0102-zz")),
                400, "request.invalid");
        assertThat(storedState()).isEqualTo(state);
    }

    @Test
    default void badPemOnAllowListIsCertificateInvalid() {
        Client admin = newAdmin().http();
        String aaguid = UUID.randomUUID().toString();
        String state = storedState();
        assertProblem(admin.put("/api/allow-list/" + aaguid, Map.of("name", "No PEM", "rootsPem", "hello")),
                400, "attestation.certificate_invalid");
        assertProblem(admin.put("/api/allow-list/" + aaguid, Map.of("name", "Broken PEM", "rootsPem",
                "-----BEGIN CERTIFICATE-----\nAAAAnotacertificate\n-----END CERTIFICATE-----\n")),
                400, "attestation.certificate_invalid");
        assertThat(storedState()).isEqualTo(state);
    }

    // ------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------

    /** A new account (emergency ones get the admin role, as in practice) enrolled over HTTP on a new inventory key. */
    private Subject subject(Client admin, boolean emergency) {
        return enrolled(admin, account(admin, emergency ? Who.EMERGENCY : Who.PERSON), newKey(), Tweaks.defaults());
    }

    /** {@code accountId} enrolled over HTTP with {@code key} (distorted by {@code tweaks}) on a new inventory key. */
    private Subject enrolled(Client admin, String accountId, SoftwareAuthenticator key, Tweaks tweaks) {
        String keyId = registerKey(admin, "Key " + System.nanoTime(), "Safe, HQ").path("id").asString();
        Client.Response enrolled = enrol(client(), issueLink(admin, accountId, keyId), key, tweaks);
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        return new Subject(accountId, accounts().get(accountId).userHandle(), keyId, key);
    }

    /** A fresh enrolment link for {@code accountId} on a new inventory key. */
    private String linkOnNewKey(Client admin, String accountId) {
        return issueLink(admin, accountId, registerKey(admin, "Key " + System.nanoTime(), "Safe, HQ").path("id").asString());
    }

    /** A sign-in ceremony distorted by {@code tweaks}, refused with nothing stored but its audit entry. */
    private void refusedSignIn(Subject s, Tweaks tweaks, int status, String code, String auditTarget) {
        String state = storedState();
        long audit = flushRefusals();
        assertProblem(signIn(client(), s.key(), s.userHandle(), tweaks), status, code);
        assertThat(storedState()).isEqualTo(state);
        assertSignInFailureAudited(audit, code, auditTarget);
    }

    private void refusedSignInBody(Client browser, String body, int status, String code) {
        String state = storedState();
        long audit = flushRefusals();
        assertProblem(browser.post(SIGN_IN, body), status, code);
        assertThat(storedState()).isEqualTo(state);
        assertSignInFailureAudited(audit, code, null);
    }

    /** A new account of the given kind (emergency ones and administrators hold global-admin). */
    private String account(Client admin, Who who) {
        JsonNode account = switch (who) {
            case PERSON -> createAccount(admin, "User " + System.nanoTime(), false);
            case ADMIN -> createAccount(admin, "Administrator " + System.nanoTime(), false, "global-admin");
            case EMERGENCY -> createAccount(admin, "Emergency " + System.nanoTime(), true, "global-admin");
        };
        return account.path("id").asString();
    }

    private SoftwareAuthenticator key(HostileInputs.Attestation attestation) {
        return switch (attestation) {
            case PACKED -> newKey();
            case SELF -> SoftwareAuthenticator.selfAttested(TEST_MODEL).origin(baseUrl());
            case NONE -> SoftwareAuthenticator.noneAttestation().origin(baseUrl());
        };
    }

    /** A registration ceremony for {@code accountId} on a fresh key and link, distorted by {@code tweaks}, refused. */
    private void refusedEnrolmentOf(Client admin, String accountId, SoftwareAuthenticator key, Tweaks tweaks, int status, String code) {
        String token = linkOnNewKey(admin, accountId);
        refusedRegistration(() -> enrol(client(), token, key, tweaks), status, code, accountId);
    }

    /** A registration ceremony on a fresh link, distorted by {@code tweaks}, refused with the link still unused. */
    private void refusedEnrolment(Client admin, boolean emergency, SoftwareAuthenticator key, Tweaks tweaks,
                                  int status, String code) {
        refusedEnrolmentOf(admin, account(admin, emergency ? Who.EMERGENCY : Who.PERSON), key, tweaks, status, code);
    }

    /** A registration response for a fresh link, rewritten by {@code distort}, refused as malformed. */
    private void refusedEnrolmentBody(Client admin, java.util.function.Function<ObjectNode, String> distort) {
        refusedEnrolmentBody(admin, "ceremony.credential_malformed", distort);
    }

    private void refusedEnrolmentBody(Client admin, String code, java.util.function.Function<ObjectNode, String> distort) {
        String accountId = createAccount(admin, "User " + System.nanoTime(), false).path("id").asString();
        String keyId = registerKey(admin, "Key " + System.nanoTime(), "Safe, HQ").path("id").asString();
        String token = issueLink(admin, accountId, keyId);
        Client browser = client();
        Client.Response options = browser.post("/api/enrolments/" + token + "/options", "{}");
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        String body = distort.apply((ObjectNode) Client.JSON.readTree(newKey().register(options.body())));

        refusedRegistration(() -> browser.post("/api/enrolments/" + token + "/credential", body), 400, code, accountId);
    }

    /**
     * Lists a model for the duration of {@code body}. Introducing a list where there was none makes
     * every emergency account enrolled with another model unusable, so the lockout guard would
     * refuse it in the shared database; spares enrolled with this model keep the minimum.
     */
    private void withAllowList(Client admin, UUID aaguid, String rootsPem, Runnable body) {
        if (admin.get("/api/allow-list").json().isEmpty()) {
            spareEmergencyAccounts(admin, aaguid, 2);
        }
        Client.Response put = admin.put("/api/allow-list/" + aaguid, Map.of("name", "Model " + aaguid, "rootsPem", rootsPem));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        try {
            body.run();
        } finally {
            Client.Response removed = admin.delete("/api/allow-list/" + aaguid);
            assertThat(removed.status()).as(removed.toString()).isEqualTo(204);
        }
    }

    /**
     * The refusal is audited: with a known account ({@code target}) as an entry of its own; an
     * anonymous one (no target) is counted into the one aggregated entry of its window and address.
     */
    private void assertSignInFailureAudited(long after, String code, String target) {
        assertFailureAudited(after, "signin", code, target);
    }

    private void assertFailureAudited(long after, String action, String code, String target) {
        if (target == null) {
            assertThat(aggregatedSince(after)).as("aggregated %s entries after #%d", action, after)
                    .filteredOn(e -> e.action().equals(action)).singleElement().satisfies(e -> {
                        assertThat(e.refusals()).isEqualTo(1);
                        assertThat(e.codes()).containsExactly(Map.entry(code, 1L));
                        assertThat(e.reason()).isEqualTo(code);
                        assertThat(e.actor()).startsWith("anonymous");
                    });
            assertThat(auditSince(after)).as("no %s entry of its own", action)
                    .noneMatch(e -> e.action().equals(action) && !e.detail().startsWith("{\"refusals\":"));
            return;
        }
        List<AuditRow> entries = auditSince(after).stream().filter(e -> e.action().equals(action)).toList();
        assertThat(entries).as("%s audit entries after #%d", action, after).hasSize(1);
        assertThat(entries.get(0)).extracting(AuditRow::outcome, AuditRow::reason, AuditRow::target)
                .containsExactly("failure", code, target);
    }

    /** The registration {@code post} is refused with {@code code}, nothing stored but its audit entry (naming {@code target}). */
    private void refusedRegistration(java.util.function.Supplier<Client.Response> post, int status, String code, String target) {
        String state = storedState();
        long audit = flushRefusals();
        assertProblem(post.get(), status, code);
        assertThat(storedState()).isEqualTo(state);
        assertEnrolmentFailureAudited(audit, code, target);
    }

    private void assertEnrolmentFailureAudited(long after, String code, String accountId) {
        assertFailureAudited(after, "credential.register", code, accountId);
    }

    private String options(Client browser) {
        Client.Response options = browser.post(SIGN_IN_OPTIONS, "{}");
        assertThat(options.status()).as(options.toString()).isEqualTo(200);
        return options.body();
    }

    /** The database id of the account's one credential. */
    private String credentialRowId(String accountId) {
        return jdbc().sql("select id from credential where account_id = :a").param("a", accountId).query(String.class).single();
    }

    /** A form post (OAuth's protocol endpoints), with an {@code Authorization} header when given. */
    private Client.Response form(String path, String authorization, String... nameValues) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < nameValues.length; i += 2) {
            body.append(body.isEmpty() ? "" : "&").append(nameValues[i]).append('=')
                    .append(java.net.URLEncoder.encode(nameValues[i + 1], java.nio.charset.StandardCharsets.UTF_8));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(client().uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return raw(request);
    }

    /** An OAuth error response (RFC 6749 §5.2): JSON with the error code, nothing of the server's insides. */
    private static void assertOAuthError(Client.Response r, int status, String error) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.json().path("error").asString()).as(r.toString()).isEqualTo(error);
        assertThat(r.body()).doesNotContain("Exception").doesNotContainPattern("\\bat [\\w$.]+\\(");
    }

    /** Stored text: at most {@code max} characters, no control or format characters, no lone surrogates. */
    private static void assertBoundedAndPrintable(String value, int max) {
        assertThat(value).isNotNull();
        assertThat(value.length()).isLessThanOrEqualTo(max);
        assertThat(value.codePoints()).noneMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                || Character.getType(c) == Character.SURROGATE);
    }

    private Client.Response raw(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Client.Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String randomB64u(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return b64u(b);
    }

    private static String b64u(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] fromB64u(String value) {
        return Base64.getUrlDecoder().decode(value);
    }
}
