package dev.glasskey.alert;

import java.util.Properties;

import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.stereotype.Component;

/**
 * E-mail over SMTP with Jakarta Mail (Eclipse Angus): STARTTLS (RFC 3207) required by default,
 * with the server's identity checked, and SMTP AUTH when a user name is set. The Message-ID is
 * derived from the idempotency key, so a redelivered alert is recognisable as the same message
 * (RFC 5322 §3.6.4).
 */
@Component
class EmailSender implements ChannelSender {
    private final AlertProperties properties;

    EmailSender(AlertProperties properties) {
        this.properties = properties;
    }

    /** The JVM's CA store, or exactly the pinned certificate (JCA trust manager over a one-entry key store). */
    static SSLSocketFactory socketFactory(String pinnedPem) throws java.security.GeneralSecurityException, java.io.IOException {
        if (pinnedPem == null) {
            return (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("pinned", certificate(pinnedPem));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    static X509Certificate certificate(String pem) throws java.security.cert.CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(pem.strip().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    @Override
    public AlertChannel.Type type() {
        return AlertChannel.Type.EMAIL;
    }

    @Override
    public void send(AlertChannel channel, String secret, AlertMessage m) throws Exception {
        ChannelSettings s = channel.settings();
        JavaMailSenderImpl sender = mailer(channel, secret);
        MimeMessage message = new IdentifiedMessage(sender.getSession(), "<" + m.idempotencyKey() + "@glasskey>");
        message.setFrom(new InternetAddress(s.from(), true));
        for (String to : s.to()) {
            message.addRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(to, true));
        }
        message.setSubject("[Glasskey " + m.severity().value().toUpperCase(java.util.Locale.ROOT) + "] "
                + (m.test() ? "TEST: " : "") + m.summary(), "UTF-8");
        message.setHeader("X-Glasskey-Idempotency-Key", m.idempotencyKey());
        message.setHeader("X-Glasskey-Severity", m.severity().value());
        message.setText(m.text() + "\n\nAlert " + m.alertId() + ", rules: " + m.rules() + "\n\nEvent:\n" + m.eventJson() + "\n", "UTF-8");
        message.setSentDate(java.util.Date.from(m.createdAt()));
        sender.send(message);
    }

    /**
     * One message to one address through this channel's server, sender address and credentials (not
     * to the channel's own recipients): a notice to a person ({@link PersonalMail}).
     */
    void sendTo(AlertChannel channel, String secret, String to, String subject, String text, String idempotencyKey,
                java.time.Instant date) throws Exception {
        JavaMailSenderImpl sender = mailer(channel, secret);
        MimeMessage message = new IdentifiedMessage(sender.getSession(), "<" + idempotencyKey + "@glasskey>");
        message.setFrom(new InternetAddress(channel.settings().from(), true));
        message.addRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(to, true));
        message.setSubject(subject, "UTF-8");
        message.setHeader("X-Glasskey-Idempotency-Key", idempotencyKey);
        message.setText(text, "UTF-8");
        message.setSentDate(java.util.Date.from(date));
        sender.send(message);
    }

    private JavaMailSenderImpl mailer(AlertChannel channel, String secret) throws Exception {
        ChannelSettings s = channel.settings();
        JavaMailSenderImpl sender = new JavaMailSenderImpl();
        sender.setHost(s.host());
        sender.setPort(s.port());
        sender.setDefaultEncoding("UTF-8");
        boolean auth = s.username() != null && !s.username().isBlank();
        if (auth) {
            sender.setUsername(s.username());
            sender.setPassword(secret);
        }
        String timeout = Long.toString(properties.sendTimeout().toMillis());
        Properties p = sender.getJavaMailProperties();
        p.put("mail.smtp.auth", Boolean.toString(auth));
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", Boolean.toString(!Boolean.FALSE.equals(s.startTls())));
        p.put("mail.smtp.ssl.checkserveridentity", "true");
        p.put("mail.smtp.ssl.socketFactory", socketFactory(s.tlsCertificatePem()));
        p.put("mail.smtp.connectiontimeout", timeout);
        p.put("mail.smtp.timeout", timeout);
        p.put("mail.smtp.writetimeout", timeout);
        return sender;
    }

    /** Keeps our Message-ID instead of the random one Jakarta Mail sets on save. */
    private static final class IdentifiedMessage extends MimeMessage {
        private final String messageId;

        IdentifiedMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
