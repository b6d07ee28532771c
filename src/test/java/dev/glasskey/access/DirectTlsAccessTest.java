package dev.glasskey.access;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.ServerTest;
import dev.glasskey.testing.SoftwareAuthenticator;
import dev.glasskey.testing.TempDirs;

import static dev.glasskey.access.ConditionalAccessContract.account;
import static dev.glasskey.access.ConditionalAccessContract.console;
import static dev.glasskey.access.ConditionalAccessContract.policy;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A compliant device on direct TLS (issue 17): Glasskey terminates TLS itself ({@code server.ssl.*},
 * a listener this test starts with a certificate it makes), asks for a client certificate without
 * requiring one, and Conditional Access judges per request whether the certificate presented in the
 * handshake chains to a device CA. Java's HttpClient presents the device's certificate.
 */
class DirectTlsAccessTest extends ServerTest {
    static final int PORT = freePort();
    static final char[] PASSWORD = "changeit".toCharArray();
    static final DeviceCerts.Issued SERVER = DeviceCerts.localhost();
    static final DeviceCerts.Issued MDM = DeviceCerts.ca("MDM device CA");
    static final DeviceCerts.Issued OTHER = DeviceCerts.ca("Somebody else's CA");

    @DynamicPropertySource
    static void directTls(DynamicPropertyRegistry registry) throws Exception {
        Path dir = TempDirs.create("glasskey-access-tls-");
        // PEM files (Spring Boot's server.ssl.certificate / certificate-private-key): no keystore password to get wrong.
        Path certificate = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Files.writeString(certificate, SERVER.pem());
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(SERVER.keys().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        registry.add("server.port", () -> PORT);
        registry.add("glasskey.base-url", () -> "https://localhost:" + PORT);
        registry.add("glasskey.data-dir", () -> dir.resolve("data").toString());
        registry.add("server.ssl.certificate", () -> certificate.toUri().toString());
        registry.add("server.ssl.certificate-private-key", () -> key.toUri().toString());
    }

    @Override
    public int port() {
        return PORT;
    }

    @Override
    public String baseUrl() {
        return "https://localhost:" + PORT;
    }

    @Override
    public SoftwareAuthenticator newKey() {
        return SoftwareAuthenticator.packed(TEST_MODEL).origin(baseUrl());
    }

    /** A browser that trusts the test server and presents no certificate. */
    @Override
    public Client client() {
        return new Client(baseUrl(), tls(null, null));
    }

    /** A browser on a device: it presents {@code device}'s certificate (with its CA) in the TLS handshake. */
    Client onDevice(DeviceCerts.Issued device, DeviceCerts.Issued ca) {
        return new Client(baseUrl(), tls(device, ca));
    }

    static SSLContext tls(DeviceCerts.Issued device, DeviceCerts.Issued ca) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("server", SERVER.certificate());
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            KeyManagerFactory keyManagers = null;
            if (device != null) {
                KeyStore own = KeyStore.getInstance("PKCS12");
                own.load(null, null);
                own.setKeyEntry("device", device.keys().getPrivate(), PASSWORD, new Certificate[] {device.certificate(), ca.certificate()});
                keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(own, PASSWORD);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void empty() {
        clock().reset();
        emptyOrganisation();
    }

    @Test
    void theDeviceCertificateOfTheHandshakeMakesTheDeviceCompliant() {
        Client admin = newAdmin().http();
        assertThat(admin.post("/api/access/device-cas", Map.of("name", "MDM", "certificate", MDM.pem())).status()).isEqualTo(201);
        PasswordPerson p = invitePerson(admin);
        Client.Response created = admin.post("/api/access/policies", policy("Managed devices only", "on", account(p.accountId()),
                console(), Map.of("controls", List.of(Map.of("type", "compliant-device")))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);

        assertProblem(passwordSignIn(client(), p.signInName(), p.password(), totpCode(p.secret(), 0)), 403, "access.requirement_unmet");
        clock().advance(dev.glasskey.totp.Totp.STEP);
        // Another CA's certificate: the connection stands (never a failed handshake), the device is not compliant.
        Client foreign = onDevice(DeviceCerts.device("laptop-9", OTHER), OTHER);
        assertProblem(passwordSignIn(foreign, p.signInName(), p.password(), totpCode(p.secret(), 0)), 403, "access.requirement_unmet");
        clock().advance(dev.glasskey.totp.Totp.STEP);
        Client managed = onDevice(DeviceCerts.device("laptop-1", MDM), MDM);
        Client.Response signedIn = passwordSignIn(managed, p.signInName(), p.password(), totpCode(p.secret(), 0));
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        assertThat(managed.get("/api/session").status()).isEqualTo(200);

        var log = admin.get("/api/access/decisions?account=" + p.accountId()).json().path("decisions");
        assertThat(log.valueStream().map(d -> d.path("deviceCompliant").asBoolean()).toList()).containsExactly(true, false, false);
    }
}
