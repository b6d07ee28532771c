package dev.glasskey.bench;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.AssertionResult;
import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.FinishAssertionOptions;
import com.yubico.webauthn.FinishRegistrationOptions;
import com.yubico.webauthn.RegisteredCredential;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.StartAssertionOptions;
import com.yubico.webauthn.StartRegistrationOptions;
import com.yubico.webauthn.data.AttestationConveyancePreference;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.AuthenticatorSelectionCriteria;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import com.yubico.webauthn.data.RelyingPartyIdentity;
import com.yubico.webauthn.data.ResidentKeyRequirement;
import com.yubico.webauthn.data.UserIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;

import dev.glasskey.testing.SoftwareAuthenticator;

/**
 * Cost of verifying one WebAuthn assertion with Yubico's {@link RelyingParty#finishAssertion},
 * i.e. the work a usernameless sign-in cannot avoid, without HTTP, sessions or the database.
 *
 * <p><b>Design.</b> A relying party configured like the server's (RP ID {@code localhost},
 * origin {@code http://localhost:8080}, strict signature counter, user verification required)
 * over an in-memory {@link CredentialRepository}. At set-up a {@link SoftwareAuthenticator}
 * (real ES256 keys and signatures) registers one discoverable credential through Yubico's own
 * {@code finishRegistration}, then answers {@value #POOL} usernameless assertion requests, each
 * with its own random challenge and a signature counter 1, 2, 3, ... The repository reports
 * the registration-time counter (0) for the credential and is never updated, so every pooled
 * assertion passes the <em>strict</em> counter check (received &gt; stored) as a first use would:
 * counter validation stays on and is exercised, and persisting the new counter is left to the
 * server's database, which this benchmark deliberately excludes. Invocations cycle through the
 * pool, so consecutive invocations verify different signatures over different data; nothing in
 * Yubico or the JCA caches a verification result, and {@link CredentialRepository#lookup} builds
 * a fresh {@link RegisteredCredential} (COSE key decoded again) on every call, as the server's does.
 *
 * <p>Benchmarks: {@link #finishAssertion} (pre-parsed request and response: the "bare
 * verification" figure), {@link #parseAndFinishAssertion} (also parses the response JSON and
 * the stored request JSON, as the server does), {@link #parseSharedMapperAndFinishAssertion}
 * (the same with one shared Jackson mapper: the available saving), {@link #startAssertionOptions}
 * and {@link #startAssertionOptionsSharedMapper} (the options half), and {@link #ecdsaVerify} /
 * {@link #ecdsaVerifyCachedKey} (one raw SHA256withECDSA verification through the JCA, the floor).
 *
 * <p>{@code provider=server} registers what the server registers
 * ({@link dev.glasskey.system.SystemConfiguration#installCryptoProvider()}: SUN, then the Amazon
 * Corretto Crypto Provider where its native library loads, then Bouncy Castle);
 * {@code provider=BC} registers Bouncy Castle as the first JCA provider, as the server did before
 * the native provider; {@code provider=SunEC} leaves the JDK's providers alone. Each value runs in
 * its own forked JVM, so they never mix.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AssertionVerificationBenchmark {
    static final int POOL = 1024;
    static final String RP_ID = "localhost";
    static final String ORIGIN = "http://localhost:8080";
    static final UUID MODEL = UUID.fromString("6c1a9e3e-8f4b-4d0e-9a51-3b2f0c7d1e42");

    static final com.fasterxml.jackson.databind.ObjectMapper SHARED_JSON = com.yubico.internal.util.JacksonCodecs.json();
    static final com.fasterxml.jackson.core.type.TypeReference<
            PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs>> ASSERTION_RESPONSE =
            new com.fasterxml.jackson.core.type.TypeReference<>() { };

    @Param({"server", "BC", "SunEC"})
    public String provider;

    private RelyingParty relyingParty;
    private AssertionRequest[] requests;
    private PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs>[] responses;
    private String[] requestJson;
    private String[] responseJson;
    // Raw ECDSA floor: the same public key, signed data and signatures as the pooled assertions.
    private PublicKey publicKey;
    private byte[] publicKeySpki;
    private byte[][] signedData;
    private byte[][] signatures;

    /** Per-thread cursor into the pool (so -t 2 threads do not share a counter). */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int next() {
            int i = next;
            next = (i + 1) % POOL;
            return i;
        }
    }

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws Exception {
        if ("server".equals(provider)) {
            dev.glasskey.system.SystemConfiguration.installCryptoProvider();
        } else if ("BC".equals(provider)) {
            Security.insertProviderAt(new BouncyCastleProvider(), 1);
        } else if (!"SunEC".equals(provider)) {
            throw new IllegalArgumentException("provider must be server, BC or SunEC");
        }
        InMemoryCredentials repository = new InMemoryCredentials();
        relyingParty = relyingParty(repository).build();
        RelyingParty registrar = relyingParty(repository)
                .attestationConveyancePreference(AttestationConveyancePreference.DIRECT)
                .allowUntrustedAttestation(true)
                .build();

        SoftwareAuthenticator key = SoftwareAuthenticator.packed(MODEL).origin(ORIGIN);
        byte[] handleBytes = new byte[32];
        new java.security.SecureRandom().nextBytes(handleBytes);
        ByteArray userHandle = new ByteArray(handleBytes);
        PublicKeyCredentialCreationOptions creation = registrar.startRegistration(StartRegistrationOptions.builder()
                .user(UserIdentity.builder().name("bench").displayName("Bench").id(userHandle).build())
                .authenticatorSelection(AuthenticatorSelectionCriteria.builder()
                        .residentKey(ResidentKeyRequirement.REQUIRED)
                        .userVerification(UserVerificationRequirement.REQUIRED).build())
                .build());
        String registration = key.register(creation.toCredentialsCreateJson());
        RegistrationResult registered = registrar.finishRegistration(FinishRegistrationOptions.builder()
                .request(creation)
                .response(PublicKeyCredential.parseRegistrationResponseJson(registration))
                .build());
        repository.add(userHandle, RegisteredCredential.builder()
                .credentialId(registered.getKeyId().getId())
                .userHandle(userHandle)
                .publicKeyCose(registered.getPublicKeyCose())
                .signatureCount(registered.getSignatureCount())
                .backupEligible(registered.isBackupEligible())
                .build());

        requests = new AssertionRequest[POOL];
        responses = new PublicKeyCredential[POOL];
        requestJson = new String[POOL];
        responseJson = new String[POOL];
        signedData = new byte[POOL][];
        signatures = new byte[POOL][];
        for (int i = 0; i < POOL; i++) {
            AssertionRequest request = relyingParty.startAssertion(StartAssertionOptions.builder()
                    .userVerification(UserVerificationRequirement.REQUIRED)
                    .timeout(120_000L)
                    .build());
            // JSON through the shared mapper: identical output (checked below), ~100x cheaper set-up.
            com.fasterxml.jackson.databind.node.ObjectNode get = SHARED_JSON.createObjectNode();
            get.set("publicKey", SHARED_JSON.valueToTree(request.getPublicKeyCredentialRequestOptions()));
            String answer = key.signIn(SHARED_JSON.writeValueAsString(get), userHandle.getBase64Url());
            requests[i] = request;
            requestJson[i] = SHARED_JSON.writeValueAsString(request);
            responseJson[i] = answer;
            responses[i] = PublicKeyCredential.parseAssertionResponseJson(answer);
            AuthenticatorAssertionResponse r = responses[i].getResponse();
            signedData[i] = r.getAuthenticatorData().concat(new ByteArray(java.security.MessageDigest.getInstance("SHA-256").digest(r.getClientDataJSON().getBytes()))).getBytes();
            signatures[i] = r.getSignature().getBytes();
        }
        // SubjectPublicKeyInfo of the credential key, for the raw floor.
        publicKeySpki = spki(registration);
        publicKey = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(publicKeySpki));

        // Sanity: every pooled assertion verifies with this relying party, counter check included.
        for (int i = 0; i < POOL; i++) {
            AssertionResult result = verify(i);
            if (!result.isSuccess() || !result.isUserVerified() || result.getSignatureCount() != i + 1) {
                throw new IllegalStateException("pooled assertion " + i + " does not verify");
            }
            if (!rawVerify(i)) {
                throw new IllegalStateException("raw ECDSA check " + i + " does not verify");
            }
        }
        if (!startAssertionOptionsSharedMapper().replaceAll("\"challenge\":\"[^\"]*\"", "")
                .equals(startAssertionOptions().replaceAll("\"challenge\":\"[^\"]*\"", ""))) {
            throw new IllegalStateException("shared mapper JSON differs from Yubico's");
        }
        System.out.println("\n[bench] provider=" + provider + " Signature(SHA256withECDSA) served by "
                + Signature.getInstance("SHA256withECDSA").getProvider().getName()
                + "; first JCA provider " + Security.getProviders()[0].getName() + "; pool " + POOL + " assertions");
    }

    private static RelyingParty.RelyingPartyBuilder relyingParty(CredentialRepository repository) {
        return RelyingParty.builder()
                .identity(RelyingPartyIdentity.builder().id(RP_ID).name("Glasskey bench").build())
                .credentialRepository(repository)
                .origins(Set.of(ORIGIN))
                .validateSignatureCounter(true);
    }

    /** The "publicKey" member of the registration response: SubjectPublicKeyInfo DER, base64url. */
    private static byte[] spki(String registrationJson) {
        String marker = "\"publicKey\":\"";
        int start = registrationJson.indexOf(marker) + marker.length();
        int end = registrationJson.indexOf('"', start);
        return Base64.getUrlDecoder().decode(registrationJson.substring(start, end));
    }

    private AssertionResult verify(int i) throws Exception {
        return relyingParty.finishAssertion(FinishAssertionOptions.builder()
                .request(requests[i])
                .response(responses[i])
                .build());
    }

    private boolean rawVerify(int i) throws Exception {
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(publicKey);
        verifier.update(signedData[i]);
        return verifier.verify(signatures[i]);
    }

    /** Bare verification: Yubico's full assertion verification on pre-parsed request and response. */
    @Benchmark
    public AssertionResult finishAssertion(Cursor cursor) throws Exception {
        return verify(cursor.next());
    }

    /** What the server's sign-in does besides HTTP and the database: parse, then verify. */
    @Benchmark
    public AssertionResult parseAndFinishAssertion(Cursor cursor) throws Exception {
        int i = cursor.next();
        return relyingParty.finishAssertion(FinishAssertionOptions.builder()
                .request(AssertionRequest.fromJson(requestJson[i]))
                .response(PublicKeyCredential.parseAssertionResponseJson(responseJson[i]))
                .build());
    }

    /**
     * As {@link #parseAndFinishAssertion}, but parsing with one shared, pre-built Yubico mapper
     * ({@code JacksonCodecs.json()} once) instead of Yubico's static helpers, each of which builds
     * a new Jackson {@code ObjectMapper} (with cold deserializer caches) on every call. The
     * difference is the saving available to the server (see docs/PERFORMANCE.md).
     */
    @Benchmark
    public AssertionResult parseSharedMapperAndFinishAssertion(Cursor cursor) throws Exception {
        int i = cursor.next();
        return relyingParty.finishAssertion(FinishAssertionOptions.builder()
                .request(SHARED_JSON.readValue(requestJson[i], AssertionRequest.class))
                .response(SHARED_JSON.readValue(responseJson[i], ASSERTION_RESPONSE))
                .build());
    }

    /** The options half of a sign-in, as the server does it: start, then JSON for storage and for the browser. */
    @Benchmark
    public String startAssertionOptions() throws Exception {
        AssertionRequest request = relyingParty.startAssertion(StartAssertionOptions.builder()
                .userVerification(UserVerificationRequirement.REQUIRED).timeout(120_000L).build());
        return request.toJson() + request.toCredentialsGetJson();
    }

    /** {@link #startAssertionOptions} with one shared mapper (same JSON out). */
    @Benchmark
    public String startAssertionOptionsSharedMapper() throws Exception {
        AssertionRequest request = relyingParty.startAssertion(StartAssertionOptions.builder()
                .userVerification(UserVerificationRequirement.REQUIRED).timeout(120_000L).build());
        com.fasterxml.jackson.databind.node.ObjectNode get = SHARED_JSON.createObjectNode();
        get.set("publicKey", SHARED_JSON.valueToTree(request.getPublicKeyCredentialRequestOptions()));
        return SHARED_JSON.writeValueAsString(request) + SHARED_JSON.writeValueAsString(get);
    }

    /**
     * The floor as a sign-in meets it: SHA256withECDSA through the JCA with a public key object
     * decoded afresh (from SubjectPublicKeyInfo), as Yubico decodes the stored COSE key on every
     * assertion. Bouncy Castle then cannot reuse its per-point precomputation.
     */
    @Benchmark
    public boolean ecdsaVerify(Cursor cursor) throws Exception {
        int i = cursor.next();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(publicKeySpki)));
        verifier.update(signedData[i]);
        return verifier.verify(signatures[i]);
    }

    /**
     * SHA256withECDSA with one long-lived public key object (what micro-benchmarks of "ES256
     * verify" usually measure; Bouncy Castle caches precomputed multiples of the key's point).
     */
    @Benchmark
    public boolean ecdsaVerifyCachedKey(Cursor cursor) throws Exception {
        return rawVerify(cursor.next());
    }

    /** One user, one credential; built afresh on every lookup like the server's repository. */
    static final class InMemoryCredentials implements CredentialRepository {
        private final Map<ByteArray, RegisteredCredential> byHandle = new ConcurrentHashMap<>();

        void add(ByteArray userHandle, RegisteredCredential credential) {
            byHandle.put(userHandle, credential);
        }

        @Override
        public Set<PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String username) {
            return Set.of();
        }

        @Override
        public Optional<ByteArray> getUserHandleForUsername(String username) {
            return Optional.empty();
        }

        @Override
        public Optional<String> getUsernameForUserHandle(ByteArray userHandle) {
            return byHandle.containsKey(userHandle) ? Optional.of(userHandle.getBase64Url()) : Optional.empty();
        }

        @Override
        public Optional<RegisteredCredential> lookup(ByteArray credentialId, ByteArray userHandle) {
            RegisteredCredential c = byHandle.get(userHandle);
            if (c == null || !c.getCredentialId().equals(credentialId)) {
                return Optional.empty();
            }
            return Optional.of(RegisteredCredential.builder()
                    .credentialId(new ByteArray(c.getCredentialId().getBytes()))
                    .userHandle(userHandle)
                    .publicKeyCose(new ByteArray(c.getPublicKeyCose().getBytes()))
                    .signatureCount(c.getSignatureCount())
                    .backupEligible(c.isBackupEligible().orElse(false))
                    .build());
        }

        @Override
        public Set<RegisteredCredential> lookupAll(ByteArray credentialId) {
            return byHandle.values().stream().filter(c -> c.getCredentialId().equals(credentialId))
                    .collect(java.util.stream.Collectors.toSet());
        }
    }
}
