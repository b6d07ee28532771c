package dev.glasskey.alert;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server on 127.0.0.1 (SubEthaSMTP) that requires STARTTLS (RFC 3207) and AUTH with
 * one user, with a fresh self-signed certificate for localhost/127.0.0.1. Records each message
 * with the session's TLS state.
 */
public final class SmtpReceiver implements AutoCloseable {
    public static final String USER = "alerts";
    public static final String PASSWORD = "s3cret-smtp-password";

    public record Mail(String from, String to, String raw, boolean overTls, String authenticatedUser) {}

    private final SMTPServer server;
    private final String certificatePem;
    private final List<Mail> mails = new CopyOnWriteArrayList<>();

    public SmtpReceiver() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair pair = g.generateKeyPair();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=localhost");
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(1, ChronoUnit.DAYS)),
                Date.from(now.plus(1, ChronoUnit.DAYS)), name, pair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        certificatePem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("smtp", pair.getPrivate(), "pw".toCharArray(), new X509Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "pw".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);

        server = SMTPServer.port(0)
                .bindAddress(InetAddress.getByName("127.0.0.1"))
                .enableTLS().requireTLS().startTlsSocketFactory(tls)
                .requireAuth()
                .authenticationHandlerFactory(new EasyAuthenticationHandlerFactory(
                        (user, password, context) -> {
                            if (!USER.equals(user) || !PASSWORD.equals(password)) {
                                throw new org.subethamail.smtp.auth.LoginFailedException();
                            }
                        }))
                .messageHandler((context, from, to, data) -> mails.add(new Mail(from, to, new String(data, StandardCharsets.UTF_8),
                        context instanceof org.subethamail.smtp.server.Session session && session.isTLSStarted(),
                        context.getAuthenticationHandler().map(h -> String.valueOf(h.getIdentity())).orElse(null))))
                .build();
        server.start();
    }

    public int port() {
        return server.getPortAllocated();
    }

    public String certificatePem() {
        return certificatePem;
    }

    public List<Mail> mails() {
        return List.copyOf(mails);
    }

    @Override
    public void close() {
        server.stop();
    }
}
