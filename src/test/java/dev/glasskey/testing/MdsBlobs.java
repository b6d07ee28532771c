package dev.glasskey.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.springframework.test.context.DynamicPropertyRegistry;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSASSASigner;

/**
 * FIDO Metadata Service (MDS3) BLOBs made in the test, since a real one cannot be fetched here: a
 * test MDS PKI (a root CA and a signing certificate named like the Metadata Service's, RSA as the
 * real one), BLOBs in the shape of MDS3 §3.1.6 with entries for test models and their attestation
 * roots, signed RS256 with x5c, and CRLs of the root. The isolated test servers pin {@link #TEST}'s
 * root ({@link #register}); {@link #OTHER} is a root they do not know.
 */
public final class MdsBlobs {
    public static final String SIGNER_NAME = "mds.test.glasskey.invalid";
    public static final String LEGAL_HEADER = "Retrieval and use of this BLOB indicates acceptance of the appropriate agreement located at "
            + "https://fidoalliance.org/metadata/metadata-legal-terms/";
    /** The largest BLOB the isolated test servers accept, small enough to send one over it in a test. */
    public static final long MAX_BLOB_BYTES = 256 * 1024;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Date NOT_BEFORE = Date.from(Instant.parse("2020-01-01T00:00:00Z"));
    private static final Date NOT_AFTER = Date.from(Instant.parse("2099-12-31T23:59:59Z"));

    /** The pinned test root; its signing certificate names {@link MdsFeed}'s CRL as its CRL distribution point. */
    public static final Pki TEST = new Pki("Glasskey Test MDS Root", MdsFeed.shared().crlUrl());
    public static final Pki OTHER = new Pki("Another MDS Root", null);

    private MdsBlobs() {}

    /** Pins {@link #TEST}'s root on a test server; the BLOB URL is the shared {@link MdsFeed}; no scheduled fetch during tests. */
    public static void register(DynamicPropertyRegistry registry) {
        registry.add("glasskey.mds.trust-roots", () -> trustRootsFile().toString());
        registry.add("glasskey.mds.signer-names", () -> SIGNER_NAME);
        registry.add("glasskey.mds.max-blob-bytes", () -> MAX_BLOB_BYTES);
        registry.add("glasskey.mds.url", () -> MdsFeed.shared().url());
        registry.add("glasskey.mds.fetch-initial-delay", () -> "PT240H");
    }

    /** The PEM file of {@link #TEST}'s root, for {@code glasskey.mds.trust-roots}. */
    public static Path trustRootsFile() {
        return TrustRoots.FILE;
    }

    /** The PEM file of {@link #TEST}'s root, written once per JVM. */
    private static final class TrustRoots {
        static final Path FILE = write();

        private static Path write() {
            try {
                Path file = TempDirs.create("glasskey-mds-").resolve("test-mds-root.pem");
                Files.writeString(file, pem(TEST.root()));
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A signing certificate and its key. */
    public record Signer(X509Certificate certificate, PrivateKey key) {}

    /** A test MDS PKI: a root CA, and a signing certificate it issued to {@link #SIGNER_NAME}. */
    public static final class Pki {
        private final KeyPair rootKeys = rsa();
        private final X509Certificate root;
        private final Signer signer;

        Pki(String rootName, String crlUrl) {
            X500Name name = new X500Name("CN=" + rootName + ", O=Glasskey Tests");
            this.root = certificate(name, name, rootKeys, rootKeys.getPrivate(), true, null, null);
            KeyPair keys = rsa();
            this.signer = new Signer(certificate(new X500Name("CN=" + SIGNER_NAME + ", O=Glasskey Tests"), name, keys, rootKeys.getPrivate(),
                    false, SIGNER_NAME, crlUrl), keys.getPrivate());
        }

        public X509Certificate root() {
            return root;
        }

        public Signer signer() {
            return signer;
        }

        /** Another signing certificate of this root, issued to {@code name}. */
        public Signer signer(String name) {
            KeyPair keys = rsa();
            X509Certificate cert = certificate(new X500Name("CN=" + name + ", O=Glasskey Tests"), X500Name.getInstance(root.getSubjectX500Principal().getEncoded()),
                    keys, rootKeys.getPrivate(), false, name, null);
            return new Signer(cert, keys.getPrivate());
        }

        /** A CRL of this root (PEM), current at {@code now}, revoking the certificates with these serial numbers. */
        public String crl(Instant now, BigInteger... revoked) {
            try {
                X509v2CRLBuilder builder = new X509v2CRLBuilder(X500Name.getInstance(root.getSubjectX500Principal().getEncoded()),
                        Date.from(now.minus(Duration.ofHours(1))));
                builder.setNextUpdate(Date.from(now.plus(Duration.ofDays(7))));
                for (BigInteger serial : revoked) {
                    builder.addCRLEntry(serial, Date.from(now.minus(Duration.ofHours(2))), CRLReason.keyCompromise);
                }
                builder.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(root));
                X509CRL crl = new JcaX509CRLConverter().getCRL(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(rootKeys.getPrivate())));
                return "-----BEGIN X509 CRL-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(crl.getEncoded())
                        + "\n-----END X509 CRL-----\n";
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A BLOB with serial number {@code serial}; add models, then sign. */
    public static Blob blob(long serial, LocalDate nextUpdate) {
        return new Blob(serial, nextUpdate);
    }

    /** An MDS3 BLOB payload being built. */
    public static final class Blob {
        private final long serial;
        private final LocalDate nextUpdate;
        private final List<Map<String, Object>> entries = new ArrayList<>();

        private Blob(long serial, LocalDate nextUpdate) {
            this.serial = serial;
            this.nextUpdate = nextUpdate;
        }

        /**
         * An entry for a FIDO2 model: its metadata statement with {@code attestationRoot} and status reports
         * given as {@code STATUS} or {@code STATUS@yyyy-mm-dd} (effective date), in order.
         */
        public Blob model(UUID aaguid, String description, X509Certificate attestationRoot, String... statuses) {
            Map<String, Object> statement = new LinkedHashMap<>();
            statement.put("legalHeader", LEGAL_HEADER);
            statement.put("aaguid", aaguid.toString());
            statement.put("description", description);
            statement.put("authenticatorVersion", 5);
            statement.put("protocolFamily", "fido2");
            statement.put("schema", 3);
            statement.put("upv", List.of(Map.of("major", 1, "minor", 1)));
            statement.put("authenticationAlgorithms", List.of("secp256r1_ecdsa_sha256_raw"));
            statement.put("publicKeyAlgAndEncodings", List.of("cose"));
            statement.put("attestationTypes", List.of("basic_full"));
            statement.put("userVerificationDetails", List.of(List.of(Map.of("userVerificationMethod", "fingerprint_internal"))));
            statement.put("keyProtection", List.of("hardware", "secure_element"));
            statement.put("matcherProtection", List.of("on_chip"));
            statement.put("attachmentHint", List.of("external", "wired"));
            statement.put("tcDisplay", List.of());
            statement.put("attestationRootCertificates", attestationRoot == null ? List.of() : List.of(base64(attestationRoot)));
            List<Map<String, Object>> reports = new ArrayList<>();
            String last = "2024-01-01";
            for (String s : statuses) {
                String[] parts = s.split("@");
                last = parts.length > 1 ? parts[1] : "2024-01-01";
                reports.add(Map.of("status", parts[0], "effectiveDate", last));
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("aaguid", aaguid.toString());
            entry.put("metadataStatement", statement);
            entry.put("statusReports", reports);
            entry.put("timeOfLastStatusChange", last);
            entries.add(entry);
            return this;
        }

        public String payloadJson() {
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("legalHeader", LEGAL_HEADER);
            payload.put("no", serial);
            payload.put("nextUpdate", nextUpdate.toString());
            payload.put("entries", entries);
            return Client.JSON.writeValueAsString(payload);
        }

        /** Signed by {@link #TEST}'s signing certificate. */
        public String jws() {
            return signedBy(TEST.signer());
        }

        /** Signed RS256 by {@code signer}, whose certificate is the x5c chain. */
        public String signedBy(Signer signer) {
            return sign(payloadJson(), signer, signer.certificate());
        }
    }

    /** A JWS over {@code payload} signed by {@code signer}'s key, naming {@code x5c} as its chain. */
    public static String sign(String payload, Signer signer, X509Certificate x5c) {
        try {
            JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                    .x509CertChain(List.of(com.nimbusds.jose.util.Base64.encode(x5c.getEncoded()))).build();
            JWSObject jws = new JWSObject(header, new Payload(payload));
            jws.sign(new RSASSASigner(signer.key()));
            return jws.serialize();
        } catch (JOSEException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(X509Certificate certificate) {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(encoded(certificate))
                + "\n-----END CERTIFICATE-----\n";
    }

    private static String base64(X509Certificate certificate) {
        return Base64.getEncoder().encodeToString(encoded(certificate));
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate certificate(X500Name subject, X500Name issuer, KeyPair subjectKeys, PrivateKey issuerKey, boolean ca,
                                               String dnsName, String crlUrl) {
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(63, RANDOM).add(BigInteger.ONE),
                    NOT_BEFORE, NOT_AFTER, subject, subjectKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, ca ? new BasicConstraints(0) : new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKeys.getPublic()));
            if (dnsName != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
            }
            if (crlUrl != null) {
                builder.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {new DistributionPoint(
                        new DistributionPointName(new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, crlUrl))), null, null)}));
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
