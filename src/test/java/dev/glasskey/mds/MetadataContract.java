package dev.glasskey.mds;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;

import dev.glasskey.alert.AlertChannels;
import dev.glasskey.alert.WebhookReceiver;
import dev.glasskey.testing.Client;
import dev.glasskey.testing.MdsBlobs;
import dev.glasskey.testing.MdsFeed;
import dev.glasskey.testing.SoftwareAuthenticator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19 over HTTP on a real database: FIDO MDS3 BLOBs made in the test ({@link MdsBlobs}, signed
 * under a test root the isolated servers pin), loaded through the API, the console and the configured
 * URL (a real HTTP server on 127.0.0.1, {@link MdsFeed}); refusals with their codes, leaving the
 * metadata in use as it was; the allow-list from metadata end to end; and a status report that takes a
 * key model away from emergency accounts and administrators everywhere: readiness, the matrix, the
 * alert on a real webhook receiver, sign-in, enrolment and the live session. Each test starts from an
 * empty organisation with no metadata loaded; a model that a test reports compromised is one of its
 * own (a fresh AAGUID with its own attestation root), never the shared test model.
 */
public interface MetadataContract extends AlertChannels {

    @BeforeEach
    default void emptyInstallation() {
        emptyOrganisation();
        MdsFeed.shared().reset();
    }

    default LocalDate today() {
        return LocalDate.ofInstant(clock().instant(), ZoneOffset.UTC);
    }

    /** A CRL of the test MDS root, current on the server's clock. */
    default String crl() {
        return MdsBlobs.TEST.crl(clock().instant());
    }

    /** A BLOB due for replacement in 30 days. */
    default MdsBlobs.Blob blob(long serial) {
        return MdsBlobs.blob(serial, today().plusDays(30));
    }

    /** The attestation root of a (software) key model. */
    default X509Certificate rootOf(UUID model) {
        return SoftwareAuthenticator.packed(model).attestationRootCertificate();
    }

    /** A BLOB whose only entry is the shared test model, certified. */
    default MdsBlobs.Blob withTestModel(long serial) {
        return blob(serial).model(TEST_MODEL, "Glasskey Test Key", rootOf(TEST_MODEL), "FIDO_CERTIFIED_L1@2024-03-01");
    }

    default Client.Response load(Client admin, String jws, String... crls) {
        return admin.post("/api/mds", Map.of("blob", jws, "crls", List.of(crls)));
    }

    default JsonNode loaded(Client admin, String jws) {
        Client.Response r = load(admin, jws, crl());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /** The stored BLOB, as the database holds it. */
    default String metadataState() {
        return jdbc().sql("select serial, sha256, jws, source from mds_blob where id = 1")
                .query((rs, n) -> rs.getLong(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4)).single();
    }

    default AuditRow lastEntry(long since, String action) {
        List<AuditRow> rows = auditSince(since).stream().filter(r -> r.action().equals(action)).toList();
        assertThat(rows).as("a %s entry after %d", action, since).isNotEmpty();
        return rows.get(rows.size() - 1);
    }

    /**
     * A refused load: the problem, nothing stored changed (the BLOB in use, accounts, keys, credentials,
     * the allow-list), the BLOB in use still answers, and the refusal is audited with its code.
     */
    default void assertRefused(Client admin, Supplier<Client.Response> attempt, int status, String code, String action) {
        String metadata = metadataState();
        String state = storedState();
        long before = auditHead();
        Client.Response r = attempt.get();
        assertProblem(r, status, code);
        assertThat(metadataState()).as("the metadata in use stays the previous one").isEqualTo(metadata);
        assertThat(storedState()).isEqualTo(state);
        AuditRow entry = lastEntry(before, action);
        assertThat(entry.outcome()).isEqualTo("failure");
        assertThat(entry.reason()).isEqualTo(code);
        assertThat(admin.get("/api/mds").json().path("serial").asLong()).isEqualTo(Long.parseLong(metadata.substring(0, metadata.indexOf('|'))));
    }

    // ------------------------------------------------------------------------------------------
    // Loading
    // ------------------------------------------------------------------------------------------

    @Test
    default void aBlobUnderThePinnedRootIsLoadedStoredAndAudited() {
        Client admin = newAdmin().http();
        JsonNode none = admin.get("/api/mds").json();
        assertThat(none.path("loaded").asBoolean()).isFalse();
        assertThat(none.path("freshness").asString()).isEqualTo("NONE");

        UUID other = UUID.randomUUID();
        String jws = withTestModel(1).model(other, "Other Key", rootOf(other), "FIDO_CERTIFIED_L2@2025-02-01").jws();
        long before = auditHead();
        JsonNode loaded = loaded(admin, jws);
        assertThat(loaded.path("serial").asLong()).isEqualTo(1);
        assertThat(loaded.path("previousSerial").asLong()).isZero();
        assertThat(loaded.path("models").asInt()).isEqualTo(2);
        assertThat(loaded.path("warnings").isEmpty()).isTrue();

        JsonNode status = admin.get("/api/mds").json();
        assertThat(status.path("loaded").asBoolean()).isTrue();
        assertThat(status.path("serial").asLong()).isEqualTo(1);
        assertThat(status.path("freshness").asString()).isEqualTo("CURRENT");
        assertThat(status.path("nextUpdate").asString()).isEqualTo(today().plusDays(30).toString());
        assertThat(status.path("source").asString()).isEqualTo("api");
        assertThat(status.path("compromised").isEmpty()).isTrue();
        assertThat(jdbc().sql("select jws from mds_blob where id = 1").query(String.class).single()).as("stored as verified").isEqualTo(jws);

        AuditRow entry = lastEntry(before, "mds.load");
        assertThat(entry.outcome()).isEqualTo("success");
        assertThat(entry.detail()).contains("BLOB no. 1 (was none)").contains("2 models");

        JsonNode model = admin.get("/api/mds/models/" + TEST_MODEL).json();
        assertThat(model.path("description").asString()).isEqualTo("Glasskey Test Key");
        assertThat(model.path("certification").asString()).isEqualTo("FIDO_CERTIFIED_L1");
        assertThat(model.path("certifiedSince").asString()).isEqualTo("2024-03-01");
        assertThat(model.path("rootsPem").asString()).isEqualTo(MdsBlobs.pem(rootOf(TEST_MODEL)));
        JsonNode found = admin.get("/api/mds/models?q=other").json();
        assertThat(found.size()).isEqualTo(1);
        assertThat(found.get(0).path("aaguid").asString()).isEqualTo(other.toString());
        assertThat(found.get(0).path("certification").asString()).isEqualTo("FIDO_CERTIFIED_L2");
        assertProblem(admin.get("/api/mds/models/" + UUID.randomUUID()), 404, "mds.model_unknown");

        // A newer BLOB replaces it.
        JsonNode second = loaded(admin, withTestModel(2).jws());
        assertThat(second.path("previousSerial").asLong()).isEqualTo(1);
        assertThat(admin.get("/api/mds").json().path("models").asInt()).isEqualTo(1);
    }

    @Test
    default void refusedBlobsLeaveTheMetadataInUse() throws Exception {
        Client admin = newAdmin().http();
        loaded(admin, withTestModel(5).jws());
        String good = withTestModel(6).jws();

        // Signed under a root that is not pinned.
        assertRefused(admin, () -> load(admin, withTestModel(6).signedBy(MdsBlobs.OTHER.signer()), MdsBlobs.OTHER.crl(clock().instant())),
                403, "mds.untrusted", "mds.load");
        // Under the pinned root, but not issued to the Metadata Service.
        assertRefused(admin, () -> load(admin, withTestModel(6).signedBy(MdsBlobs.TEST.signer("cdn.example.org")), crl()),
                403, "mds.signer_unexpected", "mds.load");
        // Older and equal serial numbers: never back to an older BLOB.
        assertRefused(admin, () -> load(admin, withTestModel(4).jws(), crl()), 409, "mds.serial_not_newer", "mds.load");
        assertRefused(admin, () -> load(admin, withTestModel(5).jws(), crl()), 409, "mds.serial_not_newer", "mds.load");
        // Truncated: half of it.
        assertRefused(admin, () -> load(admin, good.substring(0, good.length() / 2), crl()), 400, "mds.blob_malformed", "mds.load");
        // Unsigned: alg none, and a signed header with the signature left out.
        String payload = good.split("\\.")[1];
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        assertRefused(admin, () -> load(admin, none + "." + payload + ".", crl()), 400, "mds.blob_unsigned", "mds.load");
        assertRefused(admin, () -> load(admin, good.substring(0, good.lastIndexOf('.') + 1), crl()), 400, "mds.blob_unsigned", "mds.load");
        // Wrongly signed: another payload under the signature, and another key's signature under the test signer's x5c.
        String[] parts = good.split("\\.");
        String otherPayload = withTestModel(7).jws().split("\\.")[1];
        assertRefused(admin, () -> load(admin, parts[0] + "." + otherPayload + "." + parts[2], crl()), 400, "mds.signature_invalid", "mds.load");
        assertRefused(admin, () -> load(admin, MdsBlobs.sign(withTestModel(6).payloadJson(), MdsBlobs.OTHER.signer(),
                MdsBlobs.TEST.signer().certificate()), crl()), 400, "mds.signature_invalid", "mds.load");
        // Oversized: beyond glasskey.mds.max-blob-bytes, refused before anything is parsed.
        String huge = blob(6).model(UUID.randomUUID(), "x".repeat((int) MdsBlobs.MAX_BLOB_BYTES), rootOf(TEST_MODEL)).jws();
        assertRefused(admin, () -> load(admin, huge, crl()), 413, "mds.blob_too_large", "mds.load");
        // Not a BLOB: its decoded payload, and a signed JWS whose payload is not an MDS3 payload.
        assertRefused(admin, () -> load(admin, withTestModel(6).payloadJson(), crl()), 400, "mds.blob_malformed", "mds.load");
        assertRefused(admin, () -> load(admin, MdsBlobs.sign("{\"no\":6}", MdsBlobs.TEST.signer(), MdsBlobs.TEST.signer().certificate()), crl()),
                400, "mds.blob_malformed", "mds.load");
        // A chain named by URL (x5u): Glasskey fetches nothing a BLOB names.
        JWSObject x5u = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .x509CertURL(java.net.URI.create(MdsFeed.shared().url())).build(), new Payload(withTestModel(6).payloadJson()));
        x5u.sign(new RSASSASigner(MdsBlobs.TEST.signer().key()));
        int fetchedBefore = MdsFeed.shared().requests();
        assertRefused(admin, () -> load(admin, x5u.serialize(), crl()), 400, "mds.blob_malformed", "mds.load");
        assertThat(MdsFeed.shared().requests()).as("nothing fetched").isEqualTo(fetchedBefore);
        // The signing certificate revoked by its CA, and no CRL to tell.
        assertRefused(admin, () -> load(admin, good, MdsBlobs.TEST.crl(clock().instant(), MdsBlobs.TEST.signer().certificate().getSerialNumber())),
                403, "mds.certificate_revoked", "mds.load");
        assertRefused(admin, () -> load(admin, good), 422, "mds.revocation_unknown", "mds.load");
        // A CRL that is not one.
        assertRefused(admin, () -> load(admin, good, "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n"), 400, "mds.crl_invalid", "mds.load");

        // Nothing of that touched the BLOB in use; the good one still loads.
        assertThat(loaded(admin, good).path("previousSerial").asLong()).isEqualTo(5);
        assertProblem(admin.post("/api/mds", Map.of("crls", List.of())), 400, "request.invalid");
        assertProblem(client().post("/api/mds", Map.of("blob", good)), 401, "auth.required");
    }

    @Test
    default void aBlobPastItsNextUpdateIsWarnedThenFailsReadinessButTakesNoKeyAway() {
        Client admin = newAdmin().http();
        String accountId = createAccount(admin, "Break-glass stale " + System.nanoTime(), true, "global-admin").path("id").asString();
        SoftwareAuthenticator key = newKey();
        assertThat(enrol(client(), issueLink(admin, accountId, registerKey(admin, "Stale key " + System.nanoTime(), "Safe").path("id").asString()),
                key).status()).isEqualTo(201);

        Client.Response r = load(admin, MdsBlobs.blob(1, today().minusDays(1)).model(TEST_MODEL, "Glasskey Test Key", rootOf(TEST_MODEL),
                "FIDO_CERTIFIED_L1").jws(), crl());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("warnings").get(0).asString()).contains("nextUpdate").contains("stale");
        assertThat(admin.get("/api/mds").json().path("freshness").asString()).isEqualTo("STALE");
        JsonNode warned = check(readiness(admin), "emergency.metadata");
        assertThat(warned.path("status").asString()).as(warned.toString()).isEqualTo("WARN");
        assertThat(warned.path("reason").asString()).contains("BLOB no. 1").contains(today().minusDays(1).toString());
        assertThat(warned.path("fix").asString()).contains("glasskey mds load");

        clock().advance(bean(MdsService.class).properties().staleGrace().plus(Duration.ofDays(1)));
        admin = newAdmin().http(); // the first one's session is long idle
        JsonNode failed = check(readiness(admin), "emergency.metadata");
        assertThat(failed.path("status").asString()).as(failed.toString()).isEqualTo("FAIL");
        assertThat(failed.path("reason").asString()).contains("Keys are not affected");
        // Stale metadata never turns keys unusable by itself.
        assertThat(check(readiness(admin), "emergency.key_models").path("status").asString()).isEqualTo("PASS");
        assertThat(signIn(client(), key, accounts().get(accountId).userHandle()).status()).isEqualTo(200);

        loaded(admin, withTestModel(2).jws());
        assertThat(check(readiness(admin), "emergency.metadata").path("status").asString()).isEqualTo("PASS");
    }

    // ------------------------------------------------------------------------------------------
    // The allow-list from metadata
    // ------------------------------------------------------------------------------------------

    @Test
    default void aModelAllowedFromMetadataTakesItsNameAndRootsFromTheBlob() {
        Client admin = newAdmin().http();
        assertProblem(admin.put("/api/allow-list/" + TEST_MODEL, Map.of("fromMetadata", true)), 404, "mds.model_unknown");

        UUID listedOnly = UUID.randomUUID();
        UUID misrooted = UUID.randomUUID();
        loaded(admin, withTestModel(1).model(listedOnly, "Listed Key", rootOf(listedOnly), "FIDO_CERTIFIED_L2")
                .model(misrooted, "Misrooted Key", rootOf(UUID.randomUUID()), "FIDO_CERTIFIED_L1").jws());
        String state = storedState();
        assertProblem(admin.put("/api/allow-list/" + UUID.randomUUID(), Map.of("fromMetadata", true)), 404, "mds.model_unknown");
        assertProblem(admin.put("/api/allow-list/" + TEST_MODEL, Map.of("fromMetadata", true, "rootsPem", MdsBlobs.pem(rootOf(TEST_MODEL)))),
                400, "request.invalid");
        assertThat(storedState()).isEqualTo(state);

        long before = auditHead();
        Client.Response allowed = admin.put("/api/allow-list/" + TEST_MODEL, Map.of("fromMetadata", true));
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
        JsonNode model = allowed.json();
        assertThat(model.path("name").asString()).as("the metadata's description").isEqualTo("Glasskey Test Key");
        assertThat(model.path("rootsSource").asString()).isEqualTo("metadata");
        assertThat(model.path("rootsPem").isNull()).isTrue();
        assertThat(model.path("roots").asInt()).isEqualTo(1);
        assertThat(model.path("certification").asString()).isEqualTo("FIDO_CERTIFIED_L1");
        assertThat(model.path("status").asString()).isEqualTo("FIDO_CERTIFIED_L1");
        assertThat(model.path("compromised").asBoolean()).isFalse();
        assertThat(lastEntry(before, "allowlist.add").detail()).contains("root(s) from FIDO metadata BLOB no. 1")
                .contains("1 of 1 enrolled credential(s)");

        // Enrolment of a key chaining to the metadata's root passes; another model is refused.
        String accountId = createAccount(admin, "Break-glass allowed " + System.nanoTime(), true, "global-admin").path("id").asString();
        Client.Response enrolled = enrol(client(), issueLink(admin, accountId, registerKey(admin, "Allowed key " + System.nanoTime(), "Safe A")
                .path("id").asString()), newKey());
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        assertThat(admin.get("/api/accounts/" + accountId + "/credentials").json().get(0).path("attestationTrusted").asBoolean()).isTrue();
        String other = issueLink(admin, accountId, registerKey(admin, "Other key " + System.nanoTime(), "Safe B").path("id").asString());
        assertProblem(enrol(client(), other, SoftwareAuthenticator.packed(listedOnly).origin(baseUrl())), 403, "attestation.model_not_allowed");

        // Allowed from metadata whose root is not the key's: nothing proves the model.
        assertThat(admin.put("/api/allow-list/" + misrooted, Map.of("fromMetadata", true, "name", "Misrooted, from metadata")).status()).isEqualTo(200);
        SoftwareAuthenticator misrootedKey = SoftwareAuthenticator.packed(misrooted).origin(baseUrl());
        assertProblem(enrol(client(), issueLink(admin, accountId, registerKey(admin, "Misrooted key " + System.nanoTime(), "Safe C").path("id").asString()),
                misrootedKey), 403, "attestation.untrusted");
        // Roots pinned by hand take precedence over the metadata's.
        Client.Response pinned = admin.put("/api/allow-list/" + misrooted, Map.of("name", "Misrooted, pinned", "rootsPem", MdsBlobs.pem(rootOf(misrooted))));
        assertThat(pinned.json().path("rootsSource").asString()).isEqualTo("pinned");
        assertThat(pinned.json().path("inMetadata").asBoolean()).isTrue();
        assertThat(enrol(client(), issueLink(admin, accountId, registerKey(admin, "Misrooted key 2 " + System.nanoTime(), "Safe C").path("id").asString()),
                misrootedKey).status()).isEqualTo(201);

        JsonNode list = admin.get("/api/allow-list").json();
        assertThat(list.size()).isEqualTo(2);
        assertThat(StreamSupport.stream(list.spliterator(), false).map(m -> m.path("name").asString()).toList())
                .containsExactlyInAnyOrder("Glasskey Test Key", "Misrooted, pinned");
    }

    @Test
    default void aNewerBlobWithOtherRootsReverifiesTheCredentialsOfModelsAllowedFromIt() {
        Client admin = newAdmin().http();
        UUID model = UUID.randomUUID();
        loaded(admin, withTestModel(1).model(model, "Rooted Key", rootOf(model), "FIDO_CERTIFIED_L1").jws());
        assertThat(admin.put("/api/allow-list/" + TEST_MODEL, Map.of("fromMetadata", true)).status()).isEqualTo(200);
        assertThat(admin.put("/api/allow-list/" + model, Map.of("fromMetadata", true)).status()).isEqualTo(200);
        String accountId = createAccount(admin, "Break-glass rooted " + System.nanoTime(), true, "global-admin").path("id").asString();
        SoftwareAuthenticator key = SoftwareAuthenticator.packed(model).origin(baseUrl());
        assertThat(enrol(client(), issueLink(admin, accountId, registerKey(admin, "Rooted key " + System.nanoTime(), "Safe").path("id").asString()),
                key).status()).isEqualTo(201);

        long before = auditHead();
        loaded(admin, withTestModel(2).model(model, "Rooted Key", rootOf(UUID.randomUUID()), "FIDO_CERTIFIED_L1").jws());
        AuditRow entry = lastEntry(before, "allowlist.metadata_roots");
        assertThat(entry.target()).isEqualTo(model.toString());
        assertThat(entry.detail()).contains("BLOB no. 2").contains("0 of 1 enrolled credential(s)");
        assertThat(admin.get("/api/accounts/" + accountId + "/credentials").json().get(0).path("attestationTrusted").asBoolean()).isFalse();
        assertProblem(signIn(client(), key, accounts().get(accountId).userHandle()), 403, "attestation.model_not_allowed");
    }

    // ------------------------------------------------------------------------------------------
    // Status reports
    // ------------------------------------------------------------------------------------------

    /** An emergency account (global-admin) enrolled on a key of {@code model}; returns the key and the account's user handle. */
    record Enrolled(String accountId, String name, String keyId, String keyLabel, String handle, SoftwareAuthenticator key) {}

    default Enrolled enrolled(Client admin, UUID model, boolean emergency) {
        String name = (emergency ? "Break-glass " : "Person ") + System.nanoTime();
        String accountId = emergency ? createAccount(admin, name, true, "global-admin").path("id").asString()
                : createAccount(admin, name, false).path("id").asString();
        String label = "Key of " + name;
        String keyId = registerKey(admin, label, "Safe of " + name).path("id").asString();
        SoftwareAuthenticator key = SoftwareAuthenticator.packed(model).origin(baseUrl());
        Client.Response r = enrol(client(), issueLink(admin, accountId, keyId), key);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return new Enrolled(accountId, name, keyId, label, accounts().get(accountId).userHandle(), key);
    }

    @Test
    default void aStatusReportInANewerBlobTakesTheModelAwayFromEmergencyAccountsEverywhere() throws Exception {
        Client admin = newAdmin().http();
        UUID model = UUID.randomUUID();
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            JsonNode channel = createChannel(admin, webhook("Security team " + System.nanoTime(), receiver.url(), "warning"));
            spareEmergencyAccounts(admin, TEST_MODEL, 2);
            Enrolled e = enrolled(admin, model, true);
            Enrolled person = enrolled(admin, model, false);
            Client session = client();
            assertThat(signIn(session, e.key(), e.handle()).status()).isEqualTo(200);
            assertThat(session.get("/api/session").status()).isEqualTo(200);

            loaded(admin, withTestModel(1).model(model, "Model C", rootOf(model), "FIDO_CERTIFIED_L1@2024-01-01").jws());
            assertThat(check(readiness(admin), "emergency.key_models").path("status").asString()).isEqualTo("PASS");

            long before = auditHead();
            JsonNode loaded = loaded(admin, withTestModel(2).model(model, "Model C", rootOf(model), "FIDO_CERTIFIED_L1@2024-01-01",
                    "ATTESTATION_KEY_COMPROMISE@" + today()).jws());
            assertThat(loaded.path("newlyCompromised").get(0).path("aaguid").asString()).isEqualTo(model.toString());
            assertThat(loaded.path("newlyCompromised").get(0).path("status").asString()).isEqualTo("ATTESTATION_KEY_COMPROMISE");

            // Readiness fails, naming the key and the account, and says how many remain and what to do.
            JsonNode report = readiness(admin);
            JsonNode models = check(report, "emergency.key_models");
            assertThat(models.path("status").asString()).as(models.toString()).isEqualTo("FAIL");
            assertThat(models.path("reason").asString()).contains(e.keyLabel()).contains(e.name()).contains("ATTESTATION_KEY_COMPROMISE")
                    .contains("2 of 3 emergency accounts remain usable (minimum 2)").doesNotContain(person.name());
            assertThat(models.path("fix").asString()).contains("spare keys of another model");
            assertThat(check(report, "emergency.accounts").path("reason").asString()).contains(e.name()).contains("key model reported compromised");
            assertThat(report.path("usableAccounts").asInt()).isEqualTo(2);

            // The matrix marks the cell broken.
            JsonNode row = StreamSupport.stream(admin.get("/api/emergency/matrix").json().path("rows").spliterator(), false)
                    .filter(r -> r.path("accountId").asString().equals(e.accountId())).findFirst().orElseThrow();
            assertThat(row.path("usable").asBoolean()).isFalse();
            JsonNode cell = StreamSupport.stream(row.path("cells").spliterator(), false)
                    .filter(c -> c.path("keyId").asString().equals(e.keyId())).findFirst().orElseThrow();
            assertThat(cell.path("state").asString()).isEqualTo("BROKEN");

            // The alert: a flagged audit entry, delivered to the receiver on 127.0.0.1 as a critical alert.
            AuditRow compromise = lastEntry(before, "mds.model_compromised");
            assertThat(compromise.flagged()).isTrue();
            assertThat(compromise.target()).isEqualTo(model.toString());
            assertThat(compromise.detail()).contains(e.keyLabel()).contains(e.name()).contains("2 of 3 emergency accounts remain usable")
                    .contains("Enrol spare keys of another model");
            await("the model-compromised alert", () -> receiver.accepted().stream().anyMatch(r -> r.body().contains("\"mds.model_compromised\"")));
            JsonNode alert = Client.JSON.readTree(receiver.accepted().stream().filter(r -> r.body().contains("\"mds.model_compromised\""))
                    .findFirst().orElseThrow().body());
            assertThat(alert.path("severity").asString()).isEqualTo("critical");
            assertThat(alert.path("rules").asString()).contains("mds-model-compromised");
            assertThat(alert.path("event").path("detail").asString()).contains(e.name());

            // The live session made with it ends at its next request.
            long beforeSession = auditHead();
            Client.Response ended = session.get("/api/session");
            assertProblem(ended, 401, "session.ended");
            assertThat(ended.json().path("detail").asString()).contains("ATTESTATION_KEY_COMPROMISE");
            AuditRow check = lastEntry(beforeSession, "session.check");
            assertThat(check.reason()).isEqualTo("credential.model_compromised");
            assertThat(check.target()).isEqualTo(e.accountId());

            // Sign-in with it is refused with its own code, and changes nothing.
            String state = storedState();
            long beforeSignIn = auditHead();
            Client.Response refused = signIn(client(), e.key(), e.handle());
            assertProblem(refused, 403, "credential.model_compromised");
            assertThat(refused.json().path("detail").asString()).contains(model.toString());
            assertThat(storedState()).isEqualTo(state);
            assertThat(lastEntry(beforeSignIn, "signin").reason()).isEqualTo("credential.model_compromised");

            // Enrolling the model for an emergency account is refused.
            String other = createAccount(admin, "Break-glass late " + System.nanoTime(), true, "global-admin").path("id").asString();
            String link = issueLink(admin, other, registerKey(admin, "Late key " + System.nanoTime(), "Safe").path("id").asString());
            long beforeEnrol = auditHead();
            assertProblem(enrol(client(), link, SoftwareAuthenticator.packed(model).origin(baseUrl())), 403, "attestation.model_compromised");
            assertThat(lastEntry(beforeEnrol, "credential.register").reason()).isEqualTo("attestation.model_compromised");
            assertThat(admin.get("/api/accounts/" + other + "/credentials").json().isEmpty()).isTrue();
            // … and it cannot be allowed either.
            assertProblem(admin.put("/api/allow-list/" + model, Map.of("fromMetadata", true)), 403, "attestation.model_compromised");

            // People are not held to the emergency standard: a person's key of that model still signs in.
            assertThat(signIn(client(), person.key(), person.handle()).status()).isEqualTo(200);
            deleteChannel(admin, channel);
        }
    }

    @Test
    default void theLockoutGuardDoesNotHoldBackABlobThatTakesAccessAway() {
        Client admin = newAdmin().http();
        UUID model = UUID.randomUUID();
        Enrolled first = enrolled(admin, model, true);
        Enrolled second = enrolled(admin, model, true);
        loaded(admin, withTestModel(1).model(model, "Model D", rootOf(model), "FIDO_CERTIFIED_L1").jws());
        // An administrator could not take these two accounts away …
        String credential = admin.get("/api/accounts/" + first.accountId() + "/credentials").json().get(0).path("id").asString();
        assertProblem(admin.post("/api/credentials/" + credential + "/revoke", Map.of("reason", "test")), 409, "emergency.lockout_guard");

        // … the Metadata Service's word does.
        long before = auditHead();
        JsonNode loaded = loaded(admin, withTestModel(2).model(model, "Model D", rootOf(model), "FIDO_CERTIFIED_L1", "REVOKED@" + today()).jws());
        assertThat(loaded.path("serial").asLong()).isEqualTo(2);
        JsonNode report = readiness(admin);
        assertThat(report.path("usableAccounts").asInt()).isZero();
        assertThat(check(report, "emergency.accounts").path("status").asString()).isEqualTo("FAIL");
        assertThat(check(report, "emergency.key_models").path("reason").asString())
                .contains("0 of 2 emergency accounts remain usable (minimum 2, BELOW IT)").contains(first.name()).contains(second.name());
        assertThat(lastEntry(before, "mds.model_compromised").detail()).contains("0 of 2 emergency accounts remain usable (minimum 2, BELOW IT)");
        assertThat(auditSince(before).stream().noneMatch(r -> "emergency.lockout_guard".equals(r.reason()))).isTrue();
    }

    @Test
    default void aStatusOutsideTheDenySetChangesNothingAndOneNotYetInForceTakesEffectOnItsDay() {
        Client admin = newAdmin().http();
        UUID model = UUID.randomUUID();
        Enrolled e = enrolled(admin, model, true);
        loaded(admin, withTestModel(1).model(model, "Model E", rootOf(model), "FIDO_CERTIFIED_L1", "UPDATE_AVAILABLE@" + today(),
                "USER_VERIFICATION_BYPASS@" + today().plusDays(3)).jws());
        JsonNode model1 = admin.get("/api/mds/models/" + model).json();
        assertThat(model1.path("status").asString()).as("the report in force today").isEqualTo("UPDATE_AVAILABLE");
        assertThat(model1.path("compromised").asBoolean()).isFalse();
        assertThat(check(readiness(admin), "emergency.key_models").path("status").asString()).isEqualTo("PASS");
        assertThat(signIn(client(), e.key(), e.handle()).status()).isEqualTo(200);

        clock().advance(Duration.ofDays(4));
        admin = newAdmin().http(); // the first one's session is long idle
        assertThat(admin.get("/api/mds/models/" + model).json().path("status").asString()).isEqualTo("USER_VERIFICATION_BYPASS");
        assertProblem(signIn(client(), e.key(), e.handle()), 403, "credential.model_compromised");
        assertThat(check(readiness(admin), "emergency.key_models").path("status").asString()).isEqualTo("FAIL");
    }

    @Test
    default void aBlobStoredByAnotherNodeTakesEffectAtThisNodesNextRequest() {
        Client admin = newAdmin().http();
        UUID model = UUID.randomUUID();
        Enrolled e = enrolled(admin, model, true);
        loaded(admin, withTestModel(1).model(model, "Model F", rootOf(model), "FIDO_CERTIFIED_L1").jws());
        Client session = client();
        assertThat(signIn(session, e.key(), e.handle()).status()).isEqualTo(200);

        // Another node's load is a row in the shared database; this node holds the snapshot of no. 1 in memory.
        String jws = withTestModel(2).model(model, "Model F", rootOf(model), "USER_KEY_REMOTE_COMPROMISE@" + today()).jws();
        jdbc().sql("update mds_blob set serial = 2, next_update = :next, sha256 = 'x', jws = :jws, source = 'api' where id = 1")
                .param("next", today().plusDays(30)).param("jws", jws).update();
        assertProblem(session.get("/api/session"), 401, "session.ended");
        assertThat(admin.get("/api/mds").json().path("serial").asLong()).isEqualTo(2);
        assertThat(admin.get("/api/mds").json().path("compromised").get(0).path("status").asString()).isEqualTo("USER_KEY_REMOTE_COMPROMISE");
    }

    @Test
    default void aStoredBlobThatNoLongerParsesFailsReadinessButNoRequest() {
        Client admin = newAdmin().http();
        loaded(admin, withTestModel(1).jws());
        // Damaged in the database (or unreadable to a later library version): every request reads the metadata.
        jdbc().sql("update mds_blob set serial = 2, jws = 'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln' where id = 1").update();
        JsonNode status = admin.get("/api/mds").json();
        assertThat(status.path("freshness").asString()).isEqualTo("UNREADABLE");
        assertThat(status.path("serial").asLong()).isEqualTo(2);
        JsonNode check = check(readiness(admin), "emergency.metadata");
        assertThat(check.path("status").asString()).isEqualTo("FAIL");
        assertThat(check.path("reason").asString()).contains("BLOB no. 2 cannot be parsed");
        // A good BLOB replaces it.
        assertThat(loaded(admin, withTestModel(3).jws()).path("previousSerial").asLong()).isEqualTo(2);
        assertThat(admin.get("/api/mds").json().path("freshness").asString()).isEqualTo("CURRENT");
    }

    // ------------------------------------------------------------------------------------------
    // The configured URL and the console
    // ------------------------------------------------------------------------------------------

    @Test
    default void theConfiguredUrlIsFetchedOnScheduleAndOnRequest() {
        Client admin = newAdmin().http();
        MdsFeed feed = MdsFeed.shared();
        MdsFetchJob job = bean(MdsFetchJob.class);

        // The CRL comes from the distribution point the signing certificate names, as on a host with internet.
        feed.serveCrl(crl());
        feed.serve(withTestModel(3).jws());
        long before = auditHead();
        job.tick();
        JsonNode status = admin.get("/api/mds").json();
        assertThat(status.path("serial").asLong()).isEqualTo(3);
        assertThat(status.path("source").asString()).isEqualTo("url");
        assertThat(status.path("url").asString()).isEqualTo(feed.url());
        AuditRow loadedEntry = lastEntry(before, "mds.load");
        assertThat(loadedEntry.detail()).contains("BLOB no. 3").contains("from url");

        // The same BLOB again: nothing to do, nothing audited.
        long again = auditHead();
        job.tick();
        assertThat(auditSince(again).stream().filter(r -> r.action().startsWith("mds."))).isEmpty();
        assertThat(admin.post("/api/mds/fetch", "{}").json().path("loaded").asBoolean()).isFalse();

        // The server failing: audited, the BLOB in use stays.
        feed.answer(503);
        long failing = auditHead();
        job.tick();
        assertThat(lastEntry(failing, "mds.fetch").reason()).isEqualTo("mds.fetch_failed");
        assertRefused(admin, () -> admin.post("/api/mds/fetch", "{}"), 502, "mds.fetch_failed", "mds.fetch");

        // An untrusted BLOB there is refused like one given by hand.
        feed.serve(withTestModel(9).signedBy(MdsBlobs.OTHER.signer()));
        assertRefused(admin, () -> admin.post("/api/mds/fetch", "{}"), 403, "mds.untrusted", "mds.fetch");

        feed.serve(withTestModel(4).jws());
        Client.Response fetched = admin.post("/api/mds/fetch", "{}");
        assertThat(fetched.status()).as(fetched.toString()).isEqualTo(200);
        assertThat(fetched.json().path("loaded").asBoolean()).isTrue();
        assertThat(fetched.json().path("blob").path("serial").asLong()).isEqualTo(4);
    }

    @Test
    default void theConsoleLoadsABlobAndAllowsAModelFromIt() {
        Client admin = newAdmin().http();
        String boundary = "----glasskey" + System.nanoTime();
        Client.Response upload = admin.send(HttpRequest.newBuilder(admin.uri("/admin/models/metadata"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(multipart(boundary, List.of(
                        new String[] {"blob", "blob.jwt", withTestModel(1).jws()},
                        new String[] {"crls", "root.crl", crl()})))));
        assertThat(upload.status()).as(upload.toString()).isEqualTo(302);
        String page = admin.getHtml("/admin/models").body();
        assertThat(page).contains("FIDO metadata BLOB no. 1 loaded").contains("id=\"metadata-serial\">1<").doesNotContain("id=\"error\"");
        assertThat(metadataState()).startsWith("1|").endsWith("|console");

        Client.Response allow = admin.send(HttpRequest.newBuilder(admin.uri("/admin/models/allow"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("aaguid=" + TEST_MODEL)));
        assertThat(allow.status()).isEqualTo(302);
        page = admin.getHtml("/admin/models").body();
        assertThat(page).contains("Model &#39;Glasskey Test Key&#39; allowed with the roots of the FIDO metadata.")
                .contains("1 from metadata").contains("FIDO_CERTIFIED_L1 (2024-03-01)");

        // A refused upload shows its code, and changes nothing.
        String state = metadataState();
        admin.send(HttpRequest.newBuilder(admin.uri("/admin/models/metadata"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(multipart(boundary, List.<String[]>of(
                        new String[] {"blob", "blob.jwt", withTestModel(2).signedBy(MdsBlobs.OTHER.signer())})))));
        assertThat(admin.getHtml("/admin/models").body()).contains("[mds.untrusted]");
        assertThat(metadataState()).isEqualTo(state);
    }

    /** A multipart/form-data body of file parts {name, filename, content}. */
    private static String multipart(String boundary, List<String[]> files) {
        List<String> parts = new ArrayList<>();
        for (String[] f : files) {
            parts.add("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f[0] + "\"; filename=\"" + f[1]
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + f[2] + "\r\n");
        }
        return String.join("", parts) + "--" + boundary + "--\r\n";
    }
}
