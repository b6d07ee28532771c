package dev.glasskey.testing;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
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
import com.yubico.webauthn.attestation.AttestationTrustSource;
import com.yubico.webauthn.attestation.AttestationTrustSource.TrustRootsResult;
import com.yubico.webauthn.data.AttestationConveyancePreference;
import com.yubico.webauthn.data.AttestationType;
import com.yubico.webauthn.data.AuthenticatorAttachment;
import com.yubico.webauthn.data.AuthenticatorSelectionCriteria;
import com.yubico.webauthn.data.AuthenticatorTransport;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import com.yubico.webauthn.data.RelyingPartyIdentity;
import com.yubico.webauthn.data.ResidentKeyRequirement;
import com.yubico.webauthn.data.UserIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;
import com.yubico.webauthn.exception.AssertionFailedException;
import com.yubico.webauthn.exception.InvalidSignatureCountException;
import com.yubico.webauthn.exception.RegistrationFailedException;
import dev.glasskey.testing.SoftwareAuthenticator.Tweaks;
import org.bouncycastle.asn1.ASN1OctetString;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Drives Yubico's real {@link RelyingParty} (java-webauthn-server) with {@link SoftwareAuthenticator}
 * responses: positive ceremonies must verify, each distortion must be rejected.
 */
class SoftwareAuthenticatorTest {

  private static final String RP_ID = "localhost";
  private static final String ORIGIN = "http://localhost:8443";
  private static final UUID MODEL = UUID.fromString("6e3f1a52-8d1c-4f7e-9a51-2b9e0c4d7a10");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final InMemoryCredentials repository = new InMemoryCredentials();
  private final SoftwareAuthenticator key = SoftwareAuthenticator.packed(MODEL).origin(ORIGIN);

  // ---------------------------------------------------------------------------------------------
  // Registration and attestation
  // ---------------------------------------------------------------------------------------------

  @Test
  void packedAttestationChainsToTheModelRootAndIsTrusted() throws Exception {
    RegistrationResult result = register(rp(key), key, "alice", Tweaks.defaults());

    assertThat(result.isAttestationTrusted()).isTrue();
    assertThat(result.getAttestationType()).isEqualTo(AttestationType.BASIC);
    assertThat(result.getAaguid()).isEqualTo(aaguidBytes(MODEL));
    assertThat(result.getAttestationTrustPath()).hasValueSatisfying(
        path -> assertThat(path).containsExactly(key.attestationCertificate()));
    assertThat(result.isUserVerified()).isTrue();
    assertThat(result.isBackupEligible()).isFalse();
    assertThat(result.getSignatureCount()).isZero();
    assertThat(result.isDiscoverable()).contains(true); // credProps client extension
    assertThat(result.getKeyId().getTransports()).hasValueSatisfying(
        transports -> assertThat(transports).containsExactly(AuthenticatorTransport.USB));
    assertThat(result.getAuthenticatorAttachment()).contains(AuthenticatorAttachment.CROSS_PLATFORM);
    assertThat(key.userHandles(RP_ID)).containsExactly(repository.userHandle("alice").getBase64Url());
    assertThat(key.credentialId(RP_ID, repository.userHandle("alice").getBase64Url()))
        .isEqualTo(result.getKeyId().getId().getBase64Url());
  }

  @Test
  void packedAttestationIsUntrustedWithoutTheRootAndRejectedWhenTrustIsRequired() {
    SoftwareAuthenticator otherModel = SoftwareAuthenticator.packed(UUID.randomUUID()).origin(ORIGIN);
    RelyingParty strict = rpBuilder(otherModel).allowUntrustedAttestation(false).build();

    assertThatThrownBy(() -> register(strict, key, "alice", Tweaks.defaults()))
        .isInstanceOf(RegistrationFailedException.class)
        .hasMessageContaining("Failed to derive trust");
  }

  @Test
  void keysOfTheSameModelShareTheAttestationRoot() {
    SoftwareAuthenticator sibling = SoftwareAuthenticator.packed(MODEL);
    assertThat(sibling.attestationRootCertificate()).isEqualTo(key.attestationRootCertificate());
    assertThat(SoftwareAuthenticator.packed(UUID.randomUUID()).attestationRootCertificate())
        .isNotEqualTo(key.attestationRootCertificate());
  }

  @Test
  void selfAttestationVerifiesButIsNotTrusted() throws Exception {
    SoftwareAuthenticator self = SoftwareAuthenticator.selfAttested(MODEL).origin(ORIGIN);
    RegistrationResult result = register(rp(key), self, "alice", Tweaks.defaults());

    assertThat(result.getAttestationType()).isEqualTo(AttestationType.SELF_ATTESTATION);
    assertThat(result.isAttestationTrusted()).isFalse();
    assertThat(self.attestationRootCertificate()).isNull();
    assertThat(self.attestationRootPem()).isNull();

    RelyingParty strict = rpBuilder(key).allowUntrustedAttestation(false).build();
    assertThatThrownBy(() -> register(strict, self, "bob", Tweaks.defaults()))
        .isInstanceOf(RegistrationFailedException.class);
  }

  @Test
  void noneAttestationIsNotTrustedAndHasZeroAaguid() throws Exception {
    SoftwareAuthenticator none = SoftwareAuthenticator.noneAttestation().origin(ORIGIN);
    RegistrationResult result = register(rp(key), none, "alice", Tweaks.defaults());

    assertThat(result.getAttestationType()).isEqualTo(AttestationType.NONE);
    assertThat(result.isAttestationTrusted()).isFalse();
    assertThat(result.getAaguid()).isEqualTo(new ByteArray(new byte[16]));
    assertThat(none.aaguid()).isEqualTo(new UUID(0, 0));
    assertThat(none.attestationRootCertificate()).isNull();
    assertThat(signIn(rp(key), none, repository.userHandle("alice").getBase64Url(), Tweaks.defaults()).isSuccess())
        .isTrue();
  }

  @Test
  void clientStripsAttestationWhenTheRpDoesNotAskForIt() throws Exception {
    RelyingParty noAttestation = rpBuilder(key)
        .attestationConveyancePreference(AttestationConveyancePreference.NONE)
        .build();
    RegistrationResult result = register(noAttestation, key, "alice", Tweaks.defaults());

    assertThat(result.getAttestationType()).isEqualTo(AttestationType.NONE);
    assertThat(result.isAttestationTrusted()).isFalse();
    assertThat(result.getAaguid()).isEqualTo(aaguidBytes(MODEL)); // L3 keeps the AAGUID
  }

  @Test
  void attestationCertificateMeetsPackedCertificateRequirements() throws Exception {
    X509Certificate certificate = key.attestationCertificate();

    // WebAuthn L3 §8.2.1
    assertThat(certificate.getVersion()).isEqualTo(3);
    assertThat(certificate.getSubjectX500Principal().getName())
        .contains("C=US", "O=Glasskey Test Authenticators", "OU=Authenticator Attestation", "CN=");
    assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
    assertThat(certificate.getCriticalExtensionOIDs()).doesNotContain(SoftAuthAttestationCa.ID_FIDO_GEN_CE_AAGUID);
    byte[] extnValue = certificate.getExtensionValue(SoftAuthAttestationCa.ID_FIDO_GEN_CE_AAGUID);
    byte[] inner = ASN1OctetString.getInstance(ASN1OctetString.getInstance(extnValue).getOctets()).getOctets();
    assertThat(inner).isEqualTo(aaguidBytes(MODEL).getBytes());

    X509Certificate root = key.attestationRootCertificate();
    certificate.verify(root.getPublicKey());
    assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    X509Certificate fromPem = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(key.attestationRootPem().getBytes(StandardCharsets.US_ASCII)));
    assertThat(fromPem).isEqualTo(root);
  }

  @Test
  void selfAttestationStatementHasNoX5c() {
    SoftwareAuthenticator self = SoftwareAuthenticator.selfAttested(MODEL).origin(ORIGIN);
    String response = self.register(creationOptionsJson(rp(key), "alice"));

    byte[] attestationObject =
        SoftAuthBytes.fromB64u(JSON.readTree(response).path("response").path("attestationObject").asString());
    JsonNode cbor = new ObjectConverter().getCborMapper().readTree(attestationObject);
    assertThat(cbor.path("fmt").asString()).isEqualTo("packed");
    assertThat(cbor.path("attStmt").propertyNames()).containsExactlyInAnyOrder("alg", "sig");
    assertThat(cbor.path("attStmt").path("alg").asLong()).isEqualTo(-7);
    AttestationObject parsed = new AttestationObjectConverter(new ObjectConverter()).convert(attestationObject);
    assertThat(parsed.getAuthenticatorData().isFlagAT()).isTrue();
    assertThat(parsed.getAuthenticatorData().getAttestedCredentialData().getAaguid().getValue()).isEqualTo(MODEL);
  }

  @Test
  void registrationResponseHasToJsonShape() {
    JsonNode credential = JSON.readTree(key.register(creationOptionsJson(rp(key), "alice")));

    assertThat(credential.path("id").asString()).isEqualTo(credential.path("rawId").asString()).doesNotContain("=");
    assertThat(credential.path("type").asString()).isEqualTo("public-key");
    assertThat(credential.path("authenticatorAttachment").asString()).isEqualTo("cross-platform");
    assertThat(credential.path("clientExtensionResults").path("credProps").path("rk").asBoolean()).isTrue();
    JsonNode response = credential.path("response");
    assertThat(response.path("transports").get(0).asString()).isEqualTo("usb");
    assertThat(response.path("publicKeyAlgorithm").asLong()).isEqualTo(-7);
    JsonNode clientData = JSON.readTree(SoftAuthBytes.fromB64u(response.path("clientDataJSON").asString()));
    assertThat(clientData.path("type").asString()).isEqualTo("webauthn.create");
    assertThat(clientData.path("origin").asString()).isEqualTo(ORIGIN);
    assertThat(clientData.path("crossOrigin").asBoolean(true)).isFalse();
  }

  @Test
  void originDefaultsToHttpsRpIdAndTweaksOverrideIt() {
    SoftwareAuthenticator unconfigured = SoftwareAuthenticator.noneAttestation();
    String options = creationOptionsJson(rp(key), "alice");

    assertThat(clientDataOrigin(unconfigured.register(options))).isEqualTo("https://" + RP_ID);
    assertThat(clientDataOrigin(unconfigured.register(options, Tweaks.defaults(ORIGIN)))).isEqualTo(ORIGIN);
    assertThat(clientDataOrigin(key.register(options))).isEqualTo(ORIGIN);
  }

  private static String clientDataOrigin(String credentialJson) {
    String clientDataJson = JSON.readTree(credentialJson).path("response").path("clientDataJSON").asString();
    return JSON.readTree(SoftAuthBytes.fromB64u(clientDataJson)).path("origin").asString();
  }

  /** Each distortion with the reason Yubico gives for rejecting the registration and the assertion. */
  static Stream<Arguments> brokenResponses() {
    return Stream.of(
        broken("wrong origin", Tweaks.defaults().withOrigin("https://evil.example"),
            "Incorrect origin", "Incorrect origin"),
        broken("wrong rpIdHash", Tweaks.defaults().withRpIdForHash("evil.example"),
            "Wrong RP ID hash", "Wrong RP ID hash"),
        broken("UP missing", Tweaks.defaults().withUserPresent(false),
            "User Presence is required", "User Presence is required"),
        broken("UV missing", Tweaks.defaults().withUserVerified(false),
            "User Verification is required", "User Verification is required"),
        broken("foreign key signature", Tweaks.defaults().withSignWithForeignKey(true),
            "Invalid attestation signature", "Invalid assertion signature"),
        broken("wrong clientData type", Tweaks.defaults().withClientDataType("payment.get"),
            "must be exactly \"webauthn.create\"", "must be exactly \"webauthn.get\""),
        broken("wrong challenge", Tweaks.defaults().withChallengeOverride("AAAAAAAAAAAAAAAAAAAAAA"),
            "Incorrect challenge", "Incorrect challenge"));
  }

  private static Arguments broken(String name, Tweaks tweaks, String registrationError, String assertionError) {
    return Arguments.of(Named.of(name, tweaks), registrationError, assertionError);
  }

  @ParameterizedTest(name = "registration with {0} is rejected")
  @MethodSource("brokenResponses")
  void brokenRegistrationIsRejected(Tweaks tweaks, String registrationError, String assertionError) {
    assertThatThrownBy(() -> register(rp(key), key, "mallory", tweaks))
        .isInstanceOf(RegistrationFailedException.class)
        .hasMessageContaining(registrationError);
  }

  @Test
  void backupEligibilityIsReported() throws Exception {
    RegistrationResult result = register(rp(key), key, "alice", Tweaks.defaults().withBackupEligible(true));
    assertThat(result.isBackupEligible()).isTrue();
    assertThat(result.isBackedUp()).isFalse();
  }

  // ---------------------------------------------------------------------------------------------
  // Authentication
  // ---------------------------------------------------------------------------------------------

  @Test
  void discoverableSignInSucceedsAndCounterIncreases() throws Exception {
    RelyingParty rp = rp(key);
    register(rp, key, "alice", Tweaks.defaults());
    String alice = repository.userHandle("alice").getBase64Url();

    AssertionResult first = signIn(rp, key, alice, Tweaks.defaults());
    AssertionResult second = signIn(rp, key, null, Tweaks.defaults()); // only credential for the RP

    assertThat(first.isSuccess()).isTrue();
    assertThat(first.getUsername()).isEqualTo("alice");
    assertThat(first.isUserVerified()).isTrue();
    assertThat(first.getSignatureCount()).isEqualTo(1);
    assertThat(second.getSignatureCount()).isEqualTo(2);
    assertThat(second.isSignatureCounterValid()).isTrue();
    assertThat(key.signatureCounter(RP_ID, alice)).isEqualTo(2);
  }

  @Test
  void twoAccountsOnOneKeyBothSignIn() throws Exception {
    RelyingParty rp = rp(key);
    register(rp, key, "alice", Tweaks.defaults());
    register(rp, key, "bob", Tweaks.defaults());
    String alice = repository.userHandle("alice").getBase64Url();
    String bob = repository.userHandle("bob").getBase64Url();

    assertThat(key.userHandles(RP_ID)).containsExactly(alice, bob);
    assertThat(key.credentialId(RP_ID, alice)).isNotEqualTo(key.credentialId(RP_ID, bob));
    assertThat(signIn(rp, key, alice, Tweaks.defaults()).getUsername()).isEqualTo("alice");
    assertThat(signIn(rp, key, bob, Tweaks.defaults()).getUsername()).isEqualTo("bob");
    assertThatThrownBy(() -> signIn(rp, key, null, Tweaks.defaults()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("2 usable credentials");
  }

  @Test
  void usernameFirstSignInUsesTheAllowedCredential() throws Exception {
    RelyingParty rp = rp(key);
    register(rp, key, "alice", Tweaks.defaults());
    register(rp, key, "bob", Tweaks.defaults());

    AssertionRequest request = rp.startAssertion(StartAssertionOptions.builder()
        .username("bob")
        .userVerification(UserVerificationRequirement.REQUIRED)
        .build());
    String response = key.signIn(request.toCredentialsGetJson(), null); // allowCredentials picks bob's
    AssertionResult result = rp.finishAssertion(FinishAssertionOptions.builder()
        .request(request)
        .response(PublicKeyCredential.parseAssertionResponseJson(response))
        .build());

    assertThat(result.getUsername()).isEqualTo("bob");
  }

  @ParameterizedTest(name = "assertion with {0} is rejected")
  @MethodSource("brokenResponses")
  void brokenAssertionIsRejected(Tweaks tweaks, String registrationError, String assertionError) throws Exception {
    RelyingParty rp = rp(key);
    register(rp, key, "alice", Tweaks.defaults());
    String alice = repository.userHandle("alice").getBase64Url();

    assertThatThrownBy(() -> signIn(rp, key, alice, tweaks))
        .isInstanceOf(AssertionFailedException.class)
        .hasMessageContaining(assertionError);
    assertThat(signIn(rp, key, alice, Tweaks.defaults()).isSuccess()).isTrue(); // the key is still fine
  }

  @Test
  void counterRegressionIsRejected() throws Exception {
    RelyingParty rp = rp(key);
    register(rp, key, "alice", Tweaks.defaults());
    String alice = repository.userHandle("alice").getBase64Url();
    signIn(rp, key, alice, Tweaks.defaults());
    signIn(rp, key, alice, Tweaks.defaults());
    signIn(rp, key, alice, Tweaks.defaults()); // RP has now seen 3

    key.setCounter(RP_ID, alice, 1); // next assertion reports 2, like a cloned key

    assertThatThrownBy(() -> signIn(rp, key, alice, Tweaks.defaults()))
        .isInstanceOfSatisfying(InvalidSignatureCountException.class, e -> {
          assertThat(e.getExpectedMinimum()).isEqualTo(4);
          assertThat(e.getReceived()).isEqualTo(2);
        });
  }

  // ---------------------------------------------------------------------------------------------
  // Key storage behaviour
  // ---------------------------------------------------------------------------------------------

  @Test
  void reRegistrationOfAnExcludedCredentialFails() throws Exception {
    RelyingParty rp = rp(key);
    register(rp, key, "alice", Tweaks.defaults());

    // Yubico puts alice's existing credential into excludeCredentials; the key refuses (InvalidStateError).
    assertThatThrownBy(() -> key.register(creationOptionsJson(rp, "alice")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("InvalidStateError");
  }

  @Test
  void sameUserHandleOverwritesTheResidentCredential() throws Exception {
    register(rp(key), key, "alice", Tweaks.defaults());
    String alice = repository.userHandle("alice").getBase64Url();
    String oldCredentialId = key.credentialId(RP_ID, alice);

    // A second RP database that does not know the old credential, so nothing is excluded.
    InMemoryCredentials freshDatabase = new InMemoryCredentials();
    freshDatabase.userHandles.put("alice", repository.userHandle("alice"));
    RelyingParty rp = rpBuilder(freshDatabase, key).build();
    PublicKeyCredentialCreationOptions request = startRegistration(rp, freshDatabase, "alice");
    String response = key.register(request.toCredentialsCreateJson());

    assertThat(key.userHandles(RP_ID)).containsExactly(alice);
    assertThat(key.credentialId(RP_ID, alice)).isNotEqualTo(oldCredentialId);
    assertThat(JSON.readTree(response).path("id").asString()).isEqualTo(key.credentialId(RP_ID, alice));
  }

  @Test
  void fullKeyRefusesNewCredentials() throws Exception {
    key.capacity(2);
    RelyingParty rp = rp(key);
    register(rp, key, "alice", Tweaks.defaults());
    register(rp, key, "bob", Tweaks.defaults());

    assertThatThrownBy(() -> register(rp, key, "carol", Tweaks.defaults()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("KEY_STORE_FULL");
    assertThat(key.credentialCount()).isEqualTo(2);
  }

  @Test
  void unknownUserHandleCannotSignIn() throws Exception {
    RelyingParty rp = rp(key);
    register(rp, key, "alice", Tweaks.defaults());
    AssertionRequest request = rp.startAssertion(StartAssertionOptions.builder().build());

    assertThatThrownBy(() -> key.signIn(request.toCredentialsGetJson(), "bm9ib2R5"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("NotAllowedError");
    assertThat(SoftwareAuthenticator.packed(MODEL).userHandles(RP_ID)).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // Relying party plumbing
  // ---------------------------------------------------------------------------------------------

  private RelyingParty rp(SoftwareAuthenticator... trustedModels) {
    return rpBuilder(trustedModels).build();
  }

  private RelyingParty.RelyingPartyBuilder rpBuilder(SoftwareAuthenticator... trustedModels) {
    return rpBuilder(repository, trustedModels);
  }

  /** An RP that asks for direct attestation and pins the roots of the given models (by AAGUID). */
  private static RelyingParty.RelyingPartyBuilder rpBuilder(
      CredentialRepository credentials, SoftwareAuthenticator... trustedModels) {
    Map<ByteArray, X509Certificate> rootsByAaguid = new HashMap<>();
    for (SoftwareAuthenticator model : trustedModels) {
      rootsByAaguid.put(aaguidBytes(model.aaguid()), model.attestationRootCertificate());
    }
    AttestationTrustSource trustSource = (attestationChain, aaguid) -> TrustRootsResult.builder()
        .trustRoots(aaguid.map(rootsByAaguid::get).map(Set::of).orElse(Set.of()))
        .enableRevocationChecking(false) // test roots publish no CRLs
        .build();
    return RelyingParty.builder()
        .identity(RelyingPartyIdentity.builder().id(RP_ID).name("Glasskey").build())
        .credentialRepository(credentials)
        .origins(Set.of(ORIGIN))
        .attestationConveyancePreference(AttestationConveyancePreference.DIRECT)
        .attestationTrustSource(trustSource)
        .allowUntrustedAttestation(true);
  }

  private String creationOptionsJson(RelyingParty rp, String username) {
    try {
      return startRegistration(rp, repository, username).toCredentialsCreateJson();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static PublicKeyCredentialCreationOptions startRegistration(
      RelyingParty rp, InMemoryCredentials credentials, String username) {
    ByteArray userHandle = credentials.userHandles.computeIfAbsent(username, name -> randomUserHandle());
    return rp.startRegistration(StartRegistrationOptions.builder()
        .user(UserIdentity.builder().name(username).displayName(username).id(userHandle).build())
        .authenticatorSelection(AuthenticatorSelectionCriteria.builder()
            .residentKey(ResidentKeyRequirement.REQUIRED)
            .userVerification(UserVerificationRequirement.REQUIRED)
            .build())
        .build());
  }

  private RegistrationResult register(RelyingParty rp, SoftwareAuthenticator authenticator, String username,
      Tweaks tweaks) throws Exception {
    PublicKeyCredentialCreationOptions request = startRegistration(rp, repository, username);
    String response = authenticator.register(request.toCredentialsCreateJson(), tweaks);
    RegistrationResult result = rp.finishRegistration(FinishRegistrationOptions.builder()
        .request(request)
        .response(PublicKeyCredential.parseRegistrationResponseJson(response))
        .build());
    repository.add(request.getUser().getId(), result);
    return result;
  }

  /** A discoverable (usernameless) sign-in with user verification required. */
  private AssertionResult signIn(RelyingParty rp, SoftwareAuthenticator authenticator, String userHandle,
      Tweaks tweaks) throws Exception {
    AssertionRequest request = rp.startAssertion(StartAssertionOptions.builder()
        .userVerification(UserVerificationRequirement.REQUIRED)
        .build());
    String response = authenticator.signIn(request.toCredentialsGetJson(), userHandle, tweaks);
    AssertionResult result = rp.finishAssertion(FinishAssertionOptions.builder()
        .request(request)
        .response(PublicKeyCredential.parseAssertionResponseJson(response))
        .build());
    repository.updateSignatureCount(result.getCredential().getCredentialId(), result.getSignatureCount());
    return result;
  }

  private static ByteArray randomUserHandle() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return new ByteArray(bytes);
  }

  private static ByteArray aaguidBytes(UUID aaguid) {
    return new ByteArray(SoftAuthBytes.uuidBytes(aaguid));
  }

  /** The minimal credential store an RP needs (WebAuthn L3 §7.1 step 27 / §7.2). */
  private static final class InMemoryCredentials implements CredentialRepository {
    final Map<String, ByteArray> userHandles = new LinkedHashMap<>();
    private final Map<ByteArray, RegisteredCredential> byId = new LinkedHashMap<>();

    ByteArray userHandle(String username) {
      return userHandles.get(username);
    }

    void add(ByteArray userHandle, RegistrationResult result) {
      byId.put(result.getKeyId().getId(), RegisteredCredential.builder()
          .credentialId(result.getKeyId().getId())
          .userHandle(userHandle)
          .publicKeyCose(result.getPublicKeyCose())
          .signatureCount(result.getSignatureCount())
          .backupEligible(result.isBackupEligible())
          .backupState(result.isBackedUp())
          .build());
    }

    void updateSignatureCount(ByteArray credentialId, long signatureCount) {
      byId.computeIfPresent(credentialId, (id, credential) ->
          credential.toBuilder().signatureCount(signatureCount).build());
    }

    @Override
    public Set<PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String username) {
      ByteArray userHandle = userHandles.get(username);
      return byId.values().stream()
          .filter(credential -> credential.getUserHandle().equals(userHandle))
          .map(credential -> PublicKeyCredentialDescriptor.builder().id(credential.getCredentialId()).build())
          .collect(Collectors.toCollection(HashSet::new));
    }

    @Override
    public Optional<ByteArray> getUserHandleForUsername(String username) {
      return Optional.ofNullable(userHandles.get(username));
    }

    @Override
    public Optional<String> getUsernameForUserHandle(ByteArray userHandle) {
      return userHandles.entrySet().stream()
          .filter(entry -> entry.getValue().equals(userHandle))
          .map(Map.Entry::getKey)
          .findFirst();
    }

    @Override
    public Optional<RegisteredCredential> lookup(ByteArray credentialId, ByteArray userHandle) {
      return Optional.ofNullable(byId.get(credentialId))
          .filter(credential -> credential.getUserHandle().equals(userHandle));
    }

    @Override
    public Set<RegisteredCredential> lookupAll(ByteArray credentialId) {
      return Optional.ofNullable(byId.get(credentialId)).map(Set::of).orElse(Set.of());
    }
  }
}
