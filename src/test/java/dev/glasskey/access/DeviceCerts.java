package dev.glasskey.access;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Device CAs and device certificates for tests (an MDM's CA issuing a device its client certificate). */
final class DeviceCerts {
    private static final SecureRandom RANDOM = new SecureRandom();

    private DeviceCerts() {}

    record Issued(X509Certificate certificate, KeyPair keys) {
        String pem() {
            return DeviceCerts.pem(certificate);
        }
    }

    static Issued ca(String name, Instant notBefore, Instant notAfter) {
        KeyPair keys = p256();
        return new Issued(sign(new X500Name("CN=" + name), keys, new X500Name("CN=" + name), keys, true, notBefore, notAfter), keys);
    }

    static Issued ca(String name) {
        return ca(name, Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2099-12-31T23:59:59Z"));
    }

    static Issued device(String name, Issued ca) {
        KeyPair keys = p256();
        X500Name issuer = new X500Name(ca.certificate().getSubjectX500Principal().getName());
        return new Issued(sign(issuer, ca.keys(), new X500Name("CN=" + name), keys, false, Instant.parse("2020-01-01T00:00:00Z"),
                Instant.parse("2099-12-31T23:59:59Z")), keys);
    }

    /** A TLS server certificate for {@code localhost} (subject alternative name), self-signed. */
    static Issued localhost() {
        try {
            KeyPair keys = p256();
            X500Name name = new X500Name("CN=localhost");
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(63, RANDOM).add(BigInteger.ONE),
                    Date.from(Instant.parse("2020-01-01T00:00:00Z")), Date.from(Instant.parse("2099-12-31T23:59:59Z")), name, keys.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false, new org.bouncycastle.asn1.x509.GeneralNames(
                            new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.dNSName, "localhost")));
            return new Issued(new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))), keys);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(X509Certificate certificate) {
        try {
            Base64.Encoder mime = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
            return "-----BEGIN CERTIFICATE-----\n" + mime.encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair p256() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(X500Name issuer, KeyPair issuerKeys, X500Name subject, KeyPair subjectKeys, boolean ca,
                                        Instant notBefore, Instant notAfter) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(63, RANDOM).add(BigInteger.ONE),
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, ca ? new BasicConstraints(0) : new BasicConstraints(false));
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
