package dev.glasskey.testing;

import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The attestation PKI of one <em>authenticator model</em> (one AAGUID): a self-signed test root CA and
 * one batch attestation certificate issued by it.
 *
 * <p>Real vendors share one attestation key pair and certificate across a batch of devices of the same
 * model (FIDO privacy guidance: at least 100,000 units), and operators pin the vendor's root. To mirror
 * that, instances are cached per AAGUID for the life of the JVM: every {@link SoftwareAuthenticator} of
 * the same model presents the same attestation certificate and chains to the same root.
 *
 * <p>The batch certificate meets WebAuthn L3 §8.2.1 "Certificate Requirements for Packed Attestation
 * Statements": X.509 v3; subject C (ISO 3166 code), O, OU = "Authenticator Attestation", CN; Basic
 * Constraints with CA = false; and the non-critical extension id-fido-gen-ce-aaguid
 * (1.3.6.1.4.1.45724.1.1.4) whose extnValue is an OCTET STRING wrapping the 16 AAGUID bytes.
 */
final class SoftAuthAttestationCa {

  /** id-fido-gen-ce-aaguid, WebAuthn L3 §8.2.1. */
  static final String ID_FIDO_GEN_CE_AAGUID = "1.3.6.1.4.1.45724.1.1.4";

  // Fixed, generous validity so that an RP validating with a fixed or skewed clock still accepts.
  private static final Date NOT_BEFORE = Date.from(Instant.parse("2020-01-01T00:00:00Z"));
  private static final Date NOT_AFTER = Date.from(Instant.parse("2099-12-31T23:59:59Z"));
  private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Map<UUID, SoftAuthAttestationCa> BY_AAGUID = new ConcurrentHashMap<>();

  private final X509Certificate rootCertificate;
  private final KeyPair batchKeyPair;
  private final X509Certificate batchCertificate;

  private SoftAuthAttestationCa(UUID aaguid) {
    KeyPair rootKeyPair = generateP256KeyPair();
    X500Name rootName = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.C, "US")
        .addRDN(BCStyle.O, "Glasskey Test Authenticators")
        .addRDN(BCStyle.CN, "Soft Authenticator Root CA " + aaguid)
        .build();
    this.rootCertificate = issueRoot(rootName, rootKeyPair);

    this.batchKeyPair = generateP256KeyPair();
    X500Name batchName = new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.C, "US")
        .addRDN(BCStyle.O, "Glasskey Test Authenticators")
        .addRDN(BCStyle.OU, "Authenticator Attestation")
        .addRDN(BCStyle.CN, "Glasskey Soft Authenticator Batch 1")
        .build();
    this.batchCertificate = issueBatch(batchName, batchKeyPair.getPublic(), aaguid, rootCertificate,
        rootKeyPair.getPrivate());
  }

  /** The (JVM-wide) attestation PKI of the model identified by {@code aaguid}. */
  static SoftAuthAttestationCa forAaguid(UUID aaguid) {
    return BY_AAGUID.computeIfAbsent(aaguid, SoftAuthAttestationCa::new);
  }

  /** The root an RP operator would pin for this model; it is never sent in x5c. */
  X509Certificate rootCertificate() {
    return rootCertificate;
  }

  /** The batch attestation certificate: x5c[0] of every packed attestation statement of this model. */
  X509Certificate batchCertificate() {
    return batchCertificate;
  }

  /** The private key matching {@link #batchCertificate()}, which signs packed attestation statements. */
  PrivateKey batchPrivateKey() {
    return batchKeyPair.getPrivate();
  }

  static KeyPair generateP256KeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("P-256 key generation unavailable", e);
    }
  }

  static String toPem(X509Certificate certificate) {
    if (certificate == null) {
      return null;
    }
    try {
      Base64.Encoder mime = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
      return "-----BEGIN CERTIFICATE-----\n"
          + mime.encodeToString(certificate.getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate issueRoot(X500Name name, KeyPair keyPair) {
    try {
      JcaX509ExtensionUtils extensionUtils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          name, serialNumber(), NOT_BEFORE, NOT_AFTER, name, keyPair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              extensionUtils.createSubjectKeyIdentifier(keyPair.getPublic()));
      return sign(builder, keyPair.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } catch (CertIOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X509Certificate issueBatch(X500Name name, PublicKey publicKey, UUID aaguid,
      X509Certificate issuer, PrivateKey issuerKey) {
    try {
      JcaX509ExtensionUtils extensionUtils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          issuer, serialNumber(), NOT_BEFORE, NOT_AFTER, name, publicKey)
          // §8.2.1: "The Basic Constraints extension MUST have the CA component set to false."
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.subjectKeyIdentifier, false,
              extensionUtils.createSubjectKeyIdentifier(publicKey))
          .addExtension(Extension.authorityKeyIdentifier, false,
              extensionUtils.createAuthorityKeyIdentifier(issuer))
          // §8.2.1: id-fido-gen-ce-aaguid, "MUST NOT be marked as critical"; the value is an
          // OCTET STRING holding the AAGUID (BC wraps it in the extnValue OCTET STRING).
          .addExtension(new ASN1ObjectIdentifier(ID_FIDO_GEN_CE_AAGUID), false,
              new DEROctetString(SoftAuthBytes.uuidBytes(aaguid)));
      return sign(builder, issuerKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } catch (CertIOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(issuerKey)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static BigInteger serialNumber() {
    return new BigInteger(63, RANDOM).add(BigInteger.ONE);
  }
}
