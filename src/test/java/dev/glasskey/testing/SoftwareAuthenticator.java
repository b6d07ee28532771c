package dev.glasskey.testing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.AttestationCertificatePath;
import com.webauthn4j.data.attestation.statement.AttestationStatement;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.attestation.statement.PackedAttestationStatement;
import com.webauthn4j.data.extension.authenticator.AuthenticationExtensionAuthenticatorOutput;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.cbor.CBORMapper;

import static dev.glasskey.testing.SoftAuthBytes.b64u;
import static dev.glasskey.testing.SoftAuthBytes.canonicalB64u;
import static dev.glasskey.testing.SoftAuthBytes.concat;
import static dev.glasskey.testing.SoftAuthBytes.fromB64u;
import static dev.glasskey.testing.SoftAuthBytes.sha256;

/**
 * A software FIDO2 security key plus the slice of a browser (the WebAuthn "client") that talks to it,
 * for HTTP integration tests of a WebAuthn relying party.
 *
 * <p>It consumes exactly the JSON a Yubico {@code RelyingParty} hands to the browser
 * ({@code {"publicKey":{...}}} from {@code toCredentialsCreateJson()} / {@code toCredentialsGetJson()})
 * and returns what a browser's {@code PublicKeyCredential.toJSON()} (WebAuthn L3 §5.1) would produce,
 * with genuine ES256 (COSE alg -7, P-256, SHA-256) signatures made through JCA. CBOR (the attestation
 * object and the COSE credential public key) is produced by webauthn4j's data model and converters.
 *
 * <p>Like a real roaming key it stores <em>discoverable</em> credentials, one per (RP ID, user handle):
 * registering the same user handle again under the same RP ID overwrites the old credential (CTAP 2.1
 * authenticatorMakeCredential), and a registration that would need a new slot once {@link #capacity()}
 * slots are used throws {@link IllegalStateException}. Each credential has its own signature counter:
 * 0 in the registration response, then incremented before every assertion (so the first assertion
 * reports 1).
 *
 * <p>Client behaviour that is emulated, because a real browser/key would do the same:
 * <ul>
 *   <li>{@code excludeCredentials} naming a credential held for that RP ID makes registration fail with
 *       {@link IllegalStateException} ("InvalidStateError", §6.3.2 step 3).</li>
 *   <li>{@code pubKeyCredParams} without ES256 fails ("NotSupportedError"): this key only does ES256.</li>
 *   <li>{@code authenticatorSelection.authenticatorAttachment = "platform"} fails: this is a roaming key.</li>
 *   <li>Attestation conveyance (§5.1.3, "attestation" member): with {@code "none"} or no preference the
 *       client replaces the statement by {@code fmt "none"} and an empty attStmt (the AAGUID stays, as in
 *       L3), so ask for {@code "direct"} (or "indirect"/"enterprise") to see packed attestation.</li>
 *   <li>{@code allowCredentials} restricts which resident credential may answer an assertion.</li>
 *   <li>Client extension {@code credProps} yields {@code {"rk": true}}; {@code appid} yields
 *       {@code false}; other extensions are ignored.</li>
 * </ul>
 *
 * <p>Every ceremony can be distorted with {@link Tweaks} for negative tests. Note that the key stores a
 * credential even if the RP later rejects the registration (as real keys do): a tweaked registration
 * under an existing user handle overwrites that user's good credential.
 *
 * <p>Instances are thread-safe (all state changes are synchronized).
 */
public final class SoftwareAuthenticator {

  /** Default number of discoverable credential slots, like a typical FIDO2 key. */
  public static final int DEFAULT_CAPACITY = 128;

  /** COSE algorithm identifier of ES256 (RFC 9053), the only algorithm this key supports. */
  public static final long COSE_ES256 = -7;

  private static final String TRANSPORT = "usb";
  private static final String ATTACHMENT = "cross-platform";
  private static final int CREDENTIAL_ID_LENGTH = 32;

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final CBORMapper CBOR = CBORMapper.builder().build();
  private static final ObjectConverter WEBAUTHN4J = new ObjectConverter();
  private static final AttestationObjectConverter ATTESTATION_OBJECTS =
      new AttestationObjectConverter(WEBAUTHN4J);
  private static final AuthenticatorDataConverter AUTHENTICATOR_DATA =
      new AuthenticatorDataConverter(WEBAUTHN4J);
  private static final SecureRandom RANDOM = new SecureRandom();

  private enum AttestationMode { PACKED_BASIC, PACKED_SELF, NONE }

  private final AttestationMode mode;
  private final UUID aaguid;
  /** The model's attestation PKI; only for {@link AttestationMode#PACKED_BASIC}. */
  private final SoftAuthAttestationCa attestationCa;
  /** Resident credentials in registration order. */
  private final Map<SlotKey, ResidentCredential> credentials = new LinkedHashMap<>();
  private String origin;
  private int capacity = DEFAULT_CAPACITY;

  private SoftwareAuthenticator(AttestationMode mode, UUID aaguid) {
    this.mode = mode;
    this.aaguid = aaguid;
    this.attestationCa = mode == AttestationMode.PACKED_BASIC ? SoftAuthAttestationCa.forAaguid(aaguid) : null;
  }

  // ---------------------------------------------------------------------------------------------
  // Factories and configuration
  // ---------------------------------------------------------------------------------------------

  /**
   * A key with "packed" basic attestation (WebAuthn L3 §8.2): x5c = [batch attestation certificate],
   * issued by a test root CA shared by every key of the same AAGUID in this JVM (see
   * {@link #attestationRootCertificate()}).
   */
  public static SoftwareAuthenticator packed(UUID aaguid) {
    return new SoftwareAuthenticator(AttestationMode.PACKED_BASIC, Objects.requireNonNull(aaguid, "aaguid"));
  }

  /** A key with "packed" self attestation (§8.2, no x5c; sig made with the new credential's own key). */
  public static SoftwareAuthenticator selfAttested(UUID aaguid) {
    return new SoftwareAuthenticator(AttestationMode.PACKED_SELF, Objects.requireNonNull(aaguid, "aaguid"));
  }

  /** A key with "none" attestation (§8.7) and an all-zero AAGUID. */
  public static SoftwareAuthenticator noneAttestation() {
    return new SoftwareAuthenticator(AttestationMode.NONE, new UUID(0L, 0L));
  }

  /**
   * Sets the origin the emulated browser puts into clientDataJSON (e.g. {@code "http://localhost:8443"}),
   * unless a {@link Tweaks#origin()} overrides it. Unset, it is {@code "https://" + rpId}.
   */
  public synchronized SoftwareAuthenticator origin(String origin) {
    this.origin = origin;
    return this;
  }

  public synchronized String origin() {
    return origin;
  }

  /** Sets how many discoverable credentials fit on the key (default {@value #DEFAULT_CAPACITY}). */
  public synchronized SoftwareAuthenticator capacity(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0");
    }
    this.capacity = capacity;
    return this;
  }

  public synchronized int capacity() {
    return capacity;
  }

  /** The AAGUID in attested credential data (all zero for {@link #noneAttestation()}). */
  public UUID aaguid() {
    return aaguid;
  }

  /** "packed" or "none": the attestation statement format this key produces (before conveyance). */
  public String attestationFormat() {
    return mode == AttestationMode.NONE ? NoneAttestationStatement.FORMAT : PackedAttestationStatement.FORMAT;
  }

  /**
   * The root CA certificate an RP operator would pin for this model (same object for every key with
   * this AAGUID in the JVM); {@code null} for self and none attestation.
   */
  public X509Certificate attestationRootCertificate() {
    return attestationCa == null ? null : attestationCa.rootCertificate();
  }

  /** {@link #attestationRootCertificate()} as PEM ("-----BEGIN CERTIFICATE-----"), or {@code null}. */
  public String attestationRootPem() {
    return SoftAuthAttestationCa.toPem(attestationRootCertificate());
  }

  /** The batch attestation certificate sent as x5c[0]; {@code null} for self and none attestation. */
  public X509Certificate attestationCertificate() {
    return attestationCa == null ? null : attestationCa.batchCertificate();
  }

  // ---------------------------------------------------------------------------------------------
  // Registration: navigator.credentials.create() + authenticatorMakeCredential
  // ---------------------------------------------------------------------------------------------

  /** {@link #register(String, Tweaks)} with {@link Tweaks#defaults()}. */
  public String register(String creationOptionsJson) {
    return register(creationOptionsJson, Tweaks.defaults());
  }

  /**
   * Creates a discoverable credential from the options JSON the RP sends ({@code {"publicKey":{...}}},
   * or the bare inner object) and returns the registration response in
   * {@code PublicKeyCredential.toJSON()} form (WebAuthn L3 §5.2.1 AuthenticatorAttestationResponseJSON):
   * {@code {"id","rawId","type","response":{"clientDataJSON","attestationObject","transports",
   * "authenticatorData","publicKey","publicKeyAlgorithm"},"clientExtensionResults",
   * "authenticatorAttachment"}}, binary members base64url without padding.
   */
  public synchronized String register(String creationOptionsJson, Tweaks tweaks) {
    Objects.requireNonNull(tweaks, "tweaks");
    JsonNode options = publicKeyMember(creationOptionsJson);
    String rpId = options.path("rp").path("id").asString(null);
    String clientOrigin = effectiveOrigin(rpId, tweaks);
    if (rpId == null) {
      rpId = URI.create(clientOrigin).getHost(); // §5.1.3: rp.id defaults to the origin's effective domain
    }
    byte[] userHandle = fromB64u(requiredText(options.path("user"), "id", "publicKey.user.id"));
    if (userHandle.length < 1 || userHandle.length > 64) {
      throw new IllegalArgumentException("TypeError: user.id must be 1..64 bytes (§5.4.3), was " + userHandle.length);
    }
    String challenge = canonicalB64u(requiredText(options, "challenge", "publicKey.challenge"));
    requireEs256(options.path("pubKeyCredParams"));
    String attachment = options.path("authenticatorSelection").path("authenticatorAttachment").asString(null);
    if ("platform".equals(attachment)) {
      throw new IllegalStateException("NotAllowedError: a platform authenticator was requested; this is a roaming key");
    }
    requireNotExcluded(rpId, options.path("excludeCredentials"));

    SlotKey slot = new SlotKey(rpId, b64u(userHandle));
    if (!credentials.containsKey(slot) && credentials.size() >= capacity) {
      throw new IllegalStateException("CTAP2_ERR_KEY_STORE_FULL: all " + capacity + " credential slots are used");
    }

    // authenticatorMakeCredential (§6.3.2): a new ES256 key pair and a random credential ID.
    KeyPair credentialKeyPair = SoftAuthAttestationCa.generateP256KeyPair();
    byte[] credentialId = new byte[tweaks.credentialIdLength() != null ? tweaks.credentialIdLength() : CREDENTIAL_ID_LENGTH];
    RANDOM.nextBytes(credentialId);

    byte[] clientDataJson = clientDataJson("webauthn.create", challenge, clientOrigin, tweaks);

    // §6.5.2 attested credential data: AAGUID || L || credentialId || COSE_Key (webauthn4j encodes it).
    AttestedCredentialData attestedCredentialData = new AttestedCredentialData(
        new AAGUID(tweaks.attestedAaguid() != null ? tweaks.attestedAaguid() : aaguid),
        credentialId,
        EC2COSEKey.create((ECPublicKey) credentialKeyPair.getPublic(), COSEAlgorithmIdentifier.ES256));
    // §6.1 authenticator data: rpIdHash || flags || signCount || attestedCredentialData.
    AuthenticatorData<RegistrationExtensionAuthenticatorOutput> authenticatorData = new AuthenticatorData<>(
        rpIdHash(rpId, tweaks),
        (byte) (flags(tweaks) | AuthenticatorData.BIT_AT),
        0L,
        attestedCredentialData);
    byte[] modelBytes = AUTHENTICATOR_DATA.convert(authenticatorData);
    byte[] authenticatorDataBytes = distortedAuthenticatorData(modelBytes, credentialId.length, tweaks);

    AttestationStatement statement = attestationStatement(
        options.path("attestation").asString("none"),
        concat(authenticatorDataBytes, sha256(clientDataJson)),
        credentialKeyPair.getPrivate(),
        tweaks);
    byte[] attestationObject =
        ATTESTATION_OBJECTS.convertToBytes(new AttestationObject(authenticatorData, statement));
    if (authenticatorDataBytes != modelBytes) {
      attestationObject = withAuthenticatorData(attestationObject, authenticatorDataBytes);
    }
    if (!Arrays.equals(ATTESTATION_OBJECTS.extractAuthenticatorData(attestationObject), authenticatorDataBytes)) {
      // The signature covers authenticatorDataBytes; the CBOR must embed exactly those bytes.
      throw new IllegalStateException("attestation object does not embed the signed authenticator data");
    }

    // CTAP 2.1: a credential for the same RP ID and user handle is overwritten.
    credentials.put(slot, new ResidentCredential(credentialId, rpId, userHandle, credentialKeyPair));

    ObjectNode response = JSON.createObjectNode()
        .put("clientDataJSON", b64u(clientDataJson))
        .put("attestationObject", b64u(attestationObject))
        .put("authenticatorData", b64u(authenticatorDataBytes))
        .put("publicKey", b64u(credentialKeyPair.getPublic().getEncoded())) // SubjectPublicKeyInfo DER
        .put("publicKeyAlgorithm", COSE_ES256);
    response.putArray("transports").add(TRANSPORT);

    ObjectNode extensionResults = JSON.createObjectNode();
    if (options.path("extensions").path("credProps").asBoolean(false)) {
      extensionResults.putObject("credProps").put("rk", true); // §10.1.3: always discoverable here
    }
    return credentialJson(credentialId, response, extensionResults);
  }

  // ---------------------------------------------------------------------------------------------
  // Authentication: navigator.credentials.get() + authenticatorGetAssertion
  // ---------------------------------------------------------------------------------------------

  /** {@link #signIn(String, String, Tweaks)} with {@link Tweaks#defaults()}. */
  public String signIn(String requestOptionsJson, String userHandleB64u) {
    return signIn(requestOptionsJson, userHandleB64u, Tweaks.defaults());
  }

  /**
   * Signs an assertion with the resident credential of {@code userHandleB64u} under the options' rpId.
   * With a {@code null} user handle, the single credential of that RP ID (after {@code allowCredentials}
   * filtering) is used; if there are none or several, {@link IllegalStateException}. Returns the
   * {@code PublicKeyCredential.toJSON()} form (§5.2.2 AuthenticatorAssertionResponseJSON) with response
   * members {@code clientDataJSON, authenticatorData, signature, userHandle}.
   */
  public synchronized String signIn(String requestOptionsJson, String userHandleB64u, Tweaks tweaks) {
    Objects.requireNonNull(tweaks, "tweaks");
    JsonNode options = publicKeyMember(requestOptionsJson);
    String rpId = options.path("rpId").asString(null);
    String clientOrigin = effectiveOrigin(rpId, tweaks);
    if (rpId == null) {
      rpId = URI.create(clientOrigin).getHost(); // §5.1.4: rpId defaults to the origin's effective domain
    }
    String challenge = canonicalB64u(requiredText(options, "challenge", "publicKey.challenge"));
    ResidentCredential credential = selectCredential(rpId, userHandleB64u, options.path("allowCredentials"));

    // §6.3.3 authenticatorGetAssertion step 10: increment the signature counter.
    credential.signCount = (credential.signCount + 1) & 0xFFFFFFFFL;
    byte[] clientDataJson = clientDataJson("webauthn.get", challenge, clientOrigin, tweaks);
    // §6.1 authenticator data without attested credential data: rpIdHash || flags || signCount.
    byte[] authenticatorData = AUTHENTICATOR_DATA.convert(
        new AuthenticatorData<AuthenticationExtensionAuthenticatorOutput>(
            rpIdHash(rpId, tweaks), flags(tweaks), credential.signCount));
    if (tweaks.authenticatorData() != null) {
      authenticatorData = tweaks.authenticatorData().apply(authenticatorData.clone());
    }
    // §6.3.3 step 11: sign authenticatorData || SHA-256(clientDataJSON) with the credential key.
    PrivateKey signingKey = tweaks.signWithForeignKey()
        ? SoftAuthAttestationCa.generateP256KeyPair().getPrivate()
        : credential.keyPair.getPrivate();
    byte[] signature = es256(signingKey, concat(authenticatorData, sha256(clientDataJson)));

    ObjectNode response = JSON.createObjectNode()
        .put("clientDataJSON", b64u(clientDataJson))
        .put("authenticatorData", b64u(authenticatorData))
        .put("signature", b64u(signature))
        .put("userHandle", b64u(credential.userHandle));

    ObjectNode extensionResults = JSON.createObjectNode();
    if (options.path("extensions").has("appid")) {
      extensionResults.put("appid", false); // §10.1.1: we never used the legacy AppID
    }
    return credentialJson(credential.id, response, extensionResults);
  }

  // ---------------------------------------------------------------------------------------------
  // Introspection and state manipulation for tests
  // ---------------------------------------------------------------------------------------------

  /** Base64url user handles that have a resident credential under {@code rpId}, in registration order. */
  public synchronized List<String> userHandles(String rpId) {
    List<String> handles = new ArrayList<>();
    for (ResidentCredential credential : credentials.values()) {
      if (credential.rpId.equals(rpId)) {
        handles.add(b64u(credential.userHandle));
      }
    }
    return handles;
  }

  /** The base64url credential ID stored for (rpId, user handle); {@link IllegalArgumentException} if none. */
  public synchronized String credentialId(String rpId, String userHandleB64u) {
    return b64u(credential(rpId, userHandleB64u).id);
  }

  /** The current signature counter of (rpId, user handle); the next assertion reports this + 1. */
  public synchronized long signatureCounter(String rpId, String userHandleB64u) {
    return credential(rpId, userHandleB64u).signCount;
  }

  /**
   * Sets the signature counter of (rpId, user handle) so that the next assertion reports
   * {@code value + 1}; set it below what the RP has seen to produce a counter regression (§6.1.1).
   */
  public synchronized void setCounter(String rpId, String userHandleB64u, long value) {
    if (value < 0 || value > 0xFFFFFFFEL) {
      throw new IllegalArgumentException("counter must fit an unsigned 32-bit value after increment");
    }
    credential(rpId, userHandleB64u).signCount = value;
  }

  /** Number of resident credentials on the key, over all RP IDs. */
  public synchronized int credentialCount() {
    return credentials.size();
  }

  @Override
  public synchronized String toString() {
    return "SoftwareAuthenticator[" + attestationFormat() + (mode == AttestationMode.PACKED_SELF ? "/self" : "")
        + ", aaguid=" + aaguid + ", credentials=" + credentials.size() + "/" + capacity + "]";
  }

  // ---------------------------------------------------------------------------------------------
  // Internals
  // ---------------------------------------------------------------------------------------------

  private ResidentCredential credential(String rpId, String userHandleB64u) {
    ResidentCredential credential = credentials.get(new SlotKey(rpId, canonicalB64u(userHandleB64u)));
    if (credential == null) {
      throw new IllegalArgumentException("no credential for user handle " + userHandleB64u + " under " + rpId);
    }
    return credential;
  }

  private ResidentCredential selectCredential(String rpId, String userHandleB64u, JsonNode allowCredentials) {
    Set<String> allowed = new LinkedHashSet<>();
    for (JsonNode descriptor : allowCredentials) {
      allowed.add(canonicalB64u(requiredText(descriptor, "id", "allowCredentials[].id")));
    }
    List<ResidentCredential> candidates = new ArrayList<>();
    for (ResidentCredential credential : credentials.values()) {
      if (credential.rpId.equals(rpId) && (allowed.isEmpty() || allowed.contains(b64u(credential.id)))) {
        candidates.add(credential);
      }
    }
    if (userHandleB64u != null) {
      byte[] wanted = fromB64u(userHandleB64u);
      return candidates.stream()
          .filter(credential -> Arrays.equals(credential.userHandle, wanted))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("NotAllowedError: no usable credential for user handle "
              + userHandleB64u + " under " + rpId + (allowed.isEmpty() ? "" : " within allowCredentials")));
    }
    if (candidates.size() != 1) {
      throw new IllegalStateException("NotAllowedError: " + candidates.size() + " usable credentials under "
          + rpId + "; pass a user handle to choose one");
    }
    return candidates.get(0);
  }

  /** WebAuthn L3 §8.2 (packed) / §8.7 (none), after the client's attestation conveyance (§5.1.3). */
  private AttestationStatement attestationStatement(
      String conveyance, byte[] signedData, PrivateKey credentialKey, Tweaks tweaks) {
    boolean selfAttestationWithZeroAaguid = mode == AttestationMode.PACKED_SELF && aaguid.equals(new UUID(0L, 0L));
    if (mode == AttestationMode.NONE || ("none".equals(conveyance) && !selfAttestationWithZeroAaguid)) {
      return new NoneAttestationStatement();
    }
    PrivateKey attestationKey;
    if (tweaks.signWithForeignKey()) {
      attestationKey = SoftAuthAttestationCa.generateP256KeyPair().getPrivate();
    } else if (mode == AttestationMode.PACKED_BASIC) {
      attestationKey = attestationCa.batchPrivateKey();
    } else {
      attestationKey = credentialKey;
    }
    byte[] sig = es256(attestationKey, signedData);
    AttestationCertificatePath x5c = mode == AttestationMode.PACKED_BASIC
        // x5c = [attestation certificate]; the root is what the RP pins, so it is not sent.
        ? new AttestationCertificatePath(List.of(attestationCa.batchCertificate()))
        : null;
    return new PackedAttestationStatement(COSEAlgorithmIdentifier.ES256, sig, x5c);
  }

  private byte[] clientDataJson(String correctType, String challenge, String clientOrigin, Tweaks tweaks) {
    // §5.8.1 CollectedClientData, members in the order of the §5.8.1.1 serialization.
    ObjectNode clientData = JSON.createObjectNode()
        .put("type", tweaks.clientDataType() != null ? tweaks.clientDataType() : correctType)
        .put("challenge", tweaks.challengeOverride() != null ? tweaks.challengeOverride() : challenge)
        .put("origin", clientOrigin)
        .put("crossOrigin", false);
    String json = JSON.writeValueAsString(clientData);
    if (tweaks.clientDataJson() != null) {
      json = tweaks.clientDataJson().apply(json);
    }
    return json.getBytes(StandardCharsets.UTF_8);
  }

  private String effectiveOrigin(String rpId, Tweaks tweaks) {
    if (tweaks.origin() != null) {
      return tweaks.origin();
    }
    if (origin != null) {
      return origin;
    }
    if (rpId == null) {
      throw new IllegalArgumentException("options carry no RP ID and no origin is configured");
    }
    return "https://" + rpId;
  }

  /**
   * The authenticator data as {@code tweaks} distort it: another COSE key after the credential id
   * (rpIdHash 32 || flags 1 || signCount 4 || AAGUID 16 || L 2 || credentialId L || COSE_Key, §6.5.2),
   * then the caller's rewrite. Returns {@code modelBytes} itself when nothing changes.
   */
  private static byte[] distortedAuthenticatorData(byte[] modelBytes, int credentialIdLength, Tweaks tweaks) {
    byte[] bytes = modelBytes;
    if (tweaks.credentialPublicKey() != null) {
      bytes = concat(Arrays.copyOf(bytes, 32 + 1 + 4 + 16 + 2 + credentialIdLength), tweaks.credentialPublicKey());
    }
    if (tweaks.authenticatorData() != null) {
      bytes = tweaks.authenticatorData().apply(bytes.clone());
    }
    return bytes;
  }

  /** Re-encodes an attestation object with other authenticator data bytes (the map stays in its order). */
  private static byte[] withAuthenticatorData(byte[] attestationObject, byte[] authenticatorData) {
    ObjectNode decoded = (ObjectNode) CBOR.readTree(attestationObject);
    decoded.put("authData", authenticatorData);
    return CBOR.writeValueAsBytes(decoded);
  }

  private static byte[] rpIdHash(String rpId, Tweaks tweaks) {
    return sha256(tweaks.rpIdForHash() != null ? tweaks.rpIdForHash() : rpId);
  }

  /** §6.1 flags: UP (bit 0), UV (bit 2), BE (bit 3); AT is added for registration. */
  private static byte flags(Tweaks tweaks) {
    int flags = 0;
    if (tweaks.userPresent()) {
      flags |= AuthenticatorData.BIT_UP;
    }
    if (tweaks.userVerified()) {
      flags |= AuthenticatorData.BIT_UV;
    }
    if (tweaks.backupEligible()) {
      flags |= AuthenticatorData.BIT_BE;
    }
    return (byte) flags;
  }

  /** ES256: ECDSA P-256 with SHA-256, ASN.1 DER signature as WebAuthn §6.5.5 requires. */
  private static byte[] es256(PrivateKey key, byte[] data) {
    try {
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(key, RANDOM);
      signer.update(data);
      return signer.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ES256 signing failed", e);
    }
  }

  private static void requireEs256(JsonNode pubKeyCredParams) {
    if (pubKeyCredParams.isMissingNode() || pubKeyCredParams.isEmpty()) {
      return; // §5.1.3: an empty list means the client default, which includes ES256
    }
    for (JsonNode parameter : pubKeyCredParams) {
      if ("public-key".equals(parameter.path("type").asString(null)) && parameter.path("alg").asLong(0) == COSE_ES256) {
        return;
      }
    }
    throw new IllegalStateException("NotSupportedError: pubKeyCredParams do not allow ES256 (-7): " + pubKeyCredParams);
  }

  private void requireNotExcluded(String rpId, JsonNode excludeCredentials) {
    for (JsonNode descriptor : excludeCredentials) {
      String id = canonicalB64u(requiredText(descriptor, "id", "excludeCredentials[].id"));
      for (ResidentCredential credential : credentials.values()) {
        if (credential.rpId.equals(rpId) && b64u(credential.id).equals(id)) {
          throw new IllegalStateException(
              "InvalidStateError: the key already holds excluded credential " + id + " for " + rpId);
        }
      }
    }
  }

  private static String credentialJson(byte[] credentialId, ObjectNode response, ObjectNode extensionResults) {
    ObjectNode credential = JSON.createObjectNode()
        .put("id", b64u(credentialId))
        .put("rawId", b64u(credentialId))
        .put("type", "public-key");
    credential.set("response", response);
    credential.set("clientExtensionResults", extensionResults);
    credential.put("authenticatorAttachment", ATTACHMENT);
    return JSON.writeValueAsString(credential);
  }

  /** The {@code publicKey} member of CredentialCreationOptions / CredentialRequestOptions, or the root. */
  private static JsonNode publicKeyMember(String optionsJson) {
    JsonNode root = JSON.readTree(Objects.requireNonNull(optionsJson, "options JSON"));
    JsonNode publicKey = root.path("publicKey");
    return publicKey.isObject() ? publicKey : root;
  }

  private static String requiredText(JsonNode node, String field, String description) {
    JsonNode value = node.path(field);
    if (!value.isString()) {
      throw new IllegalArgumentException("options lack " + description);
    }
    return value.asString();
  }

  private record SlotKey(String rpId, String userHandleB64u) {
  }

  private static final class ResidentCredential {
    final byte[] id;
    final String rpId;
    final byte[] userHandle;
    final KeyPair keyPair;
    long signCount;

    ResidentCredential(byte[] id, String rpId, byte[] userHandle, KeyPair keyPair) {
      this.id = id;
      this.rpId = rpId;
      this.userHandle = userHandle;
      this.keyPair = keyPair;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Tweaks
  // ---------------------------------------------------------------------------------------------

  /**
   * Immutable distortions of one ceremony for negative tests; {@link #defaults()} yields a correct
   * response. Each applies to registration and assertion alike unless it says otherwise. Distortions
   * of signed bytes are applied <em>before</em> signing, so the signature stays genuine and only the
   * relying party's own checks can refuse them.
   *
   * @param origin             clientDataJSON.origin; {@code null} = the authenticator's {@link #origin()}
   * @param rpIdForHash        RP ID hashed into authenticatorData.rpIdHash; {@code null} = the options' RP ID
   * @param userPresent        UP flag (§6.1, bit 0)
   * @param userVerified       UV flag (§6.1, bit 2)
   * @param backupEligible     BE flag (§6.1, bit 3); BS is never set
   * @param signWithForeignKey sign with a fresh unrelated key instead of the credential key (assertion)
   *                           or the attestation key (registration; no effect with "none" attestation)
   * @param clientDataType     clientDataJSON.type; {@code null} = "webauthn.create" / "webauthn.get"
   * @param challengeOverride  clientDataJSON.challenge, verbatim; {@code null} = the options' challenge
   * @param clientDataJson     rewrites the serialized clientDataJSON text before it is hashed and signed
   *                           (e.g. {@code crossOrigin: true}, a number as origin, duplicate members)
   * @param authenticatorData  rewrites the authenticator data bytes before they are signed (and, for
   *                           registration, embedded in the attestation object)
   * @param credentialPublicKey registration: these COSE_Key bytes in the attested credential data instead
   *                           of the credential's real key (the attestation still signs them)
   * @param credentialIdLength registration: the length of the attested credential id; {@code null} = 32
   * @param attestedAaguid     registration: the AAGUID in the attested credential data; {@code null} = the
   *                           key's model (whose batch certificate names it)
   */
  public record Tweaks(
      String origin,
      String rpIdForHash,
      boolean userPresent,
      boolean userVerified,
      boolean backupEligible,
      boolean signWithForeignKey,
      String clientDataType,
      String challengeOverride,
      UnaryOperator<String> clientDataJson,
      UnaryOperator<byte[]> authenticatorData,
      byte[] credentialPublicKey,
      Integer credentialIdLength,
      UUID attestedAaguid) {

    private static final Tweaks DEFAULTS =
        new Tweaks(null, null, true, true, false, false, null, null, null, null, null, null, null);

    /** A correct response, using the authenticator's configured origin. */
    public static Tweaks defaults() {
      return DEFAULTS;
    }

    /** A correct response from {@code origin}. */
    public static Tweaks defaults(String origin) {
      return DEFAULTS.withOrigin(origin);
    }

    public Tweaks withOrigin(String origin) {
      return with(b -> b.origin = origin);
    }

    public Tweaks withRpIdForHash(String rpIdForHash) {
      return with(b -> b.rpIdForHash = rpIdForHash);
    }

    public Tweaks withUserPresent(boolean userPresent) {
      return with(b -> b.userPresent = userPresent);
    }

    public Tweaks withUserVerified(boolean userVerified) {
      return with(b -> b.userVerified = userVerified);
    }

    public Tweaks withBackupEligible(boolean backupEligible) {
      return with(b -> b.backupEligible = backupEligible);
    }

    public Tweaks withSignWithForeignKey(boolean signWithForeignKey) {
      return with(b -> b.signWithForeignKey = signWithForeignKey);
    }

    public Tweaks withClientDataType(String clientDataType) {
      return with(b -> b.clientDataType = clientDataType);
    }

    public Tweaks withChallengeOverride(String challengeOverride) {
      return with(b -> b.challengeOverride = challengeOverride);
    }

    public Tweaks withClientDataJson(UnaryOperator<String> clientDataJson) {
      return with(b -> b.clientDataJson = clientDataJson);
    }

    public Tweaks withAuthenticatorData(UnaryOperator<byte[]> authenticatorData) {
      return with(b -> b.authenticatorData = authenticatorData);
    }

    public Tweaks withCredentialPublicKey(byte[] credentialPublicKey) {
      return with(b -> b.credentialPublicKey = credentialPublicKey.clone());
    }

    public Tweaks withCredentialIdLength(int credentialIdLength) {
      return with(b -> b.credentialIdLength = credentialIdLength);
    }

    public Tweaks withAttestedAaguid(UUID attestedAaguid) {
      return with(b -> b.attestedAaguid = attestedAaguid);
    }

    private Tweaks with(java.util.function.Consumer<Builder> change) {
      Builder b = new Builder(this);
      change.accept(b);
      return b.build();
    }

    /** The one place that copies every component, so a wither names only what it changes. */
    private static final class Builder {
      String origin;
      String rpIdForHash;
      boolean userPresent;
      boolean userVerified;
      boolean backupEligible;
      boolean signWithForeignKey;
      String clientDataType;
      String challengeOverride;
      UnaryOperator<String> clientDataJson;
      UnaryOperator<byte[]> authenticatorData;
      byte[] credentialPublicKey;
      Integer credentialIdLength;
      UUID attestedAaguid;

      Builder(Tweaks t) {
        origin = t.origin;
        rpIdForHash = t.rpIdForHash;
        userPresent = t.userPresent;
        userVerified = t.userVerified;
        backupEligible = t.backupEligible;
        signWithForeignKey = t.signWithForeignKey;
        clientDataType = t.clientDataType;
        challengeOverride = t.challengeOverride;
        clientDataJson = t.clientDataJson;
        authenticatorData = t.authenticatorData;
        credentialPublicKey = t.credentialPublicKey;
        credentialIdLength = t.credentialIdLength;
        attestedAaguid = t.attestedAaguid;
      }

      Tweaks build() {
        return new Tweaks(origin, rpIdForHash, userPresent, userVerified, backupEligible, signWithForeignKey,
            clientDataType, challengeOverride, clientDataJson, authenticatorData, credentialPublicKey,
            credentialIdLength, attestedAaguid);
      }
    }
  }
}
