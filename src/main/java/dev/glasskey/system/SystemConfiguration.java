package dev.glasskey.system;

import java.security.Security;
import java.time.Clock;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The cross-cutting beans: the one {@link Clock} and the crypto provider set-up. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GlasskeyProperties.class)
@EnableScheduling
public class SystemConfiguration {

    static {
        installCryptoProviderInBackground();
    }

    /**
     * Bouncy Castle right after the JDK's {@code SUN} provider: a whole assertion verification is
     * ~4.9x faster with it than with SunEC on JDK 17 (see docs/PERFORMANCE.md), and ES256
     * verification is the cost of every sign-in; an ES256 token signature is ~5x cheaper too.
     *
     * <p>Why second and not first: {@code SUN} provides no EC or RSA algorithms, so every
     * {@code Signature}, {@code KeyFactory}, {@code KeyPairGenerator}, {@code Mac} and
     * {@code Cipher} still comes from Bouncy Castle, while the services {@code SUN} does provide
     * stay the JDK's: {@code MessageDigest} (its SHA-256 is several times faster than Bouncy
     * Castle's pure-Java one), X.509 certificate parsing and PKIX path validation (what Yubico's
     * library is tested with), and the default {@code SecureRandom}. With Bouncy Castle first,
     * {@code new SecureRandom()} was its prediction-resistant DRBG, which reseeds from the
     * entropy source with SHA-512 on every call: about a quarter of each token signature's
     * cost (docs/PERFORMANCE.md, "OpenID Connect token endpoint"). Idempotent, so the CLI and
     * tests can call it too.
     */
    public static synchronized void installCryptoProvider() {
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.insertProviderAt(new BouncyCastleProvider(), 2);
        }
    }

    /**
     * Registering Bouncy Castle costs ~0.2 s of class loading; do it beside start-up rather than
     * on its path. Until it is registered the JDK's providers serve (correct, only slower).
     */
    public static void installCryptoProviderInBackground() {
        Thread thread = new Thread(SystemConfiguration::installCryptoProvider, "glasskey-crypto-init");
        thread.setDaemon(true);
        thread.start();
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
