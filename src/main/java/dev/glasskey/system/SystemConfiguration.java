package dev.glasskey.system;

import java.security.Provider;
import java.security.Security;
import java.time.Clock;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;

/** The cross-cutting beans: the one {@link Clock} and the crypto provider set-up. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GlasskeyProperties.class)
@EnableScheduling
public class SystemConfiguration {
    private static final Logger log = LoggerFactory.getLogger(SystemConfiguration.class);
    /** Whether {@link #installCryptoProvider()} has run (guarded by the class's lock). */
    private static boolean installed;

    static {
        installCryptoProviderInBackground();
    }

    /**
     * The JCA providers, in this order: the JDK's {@code SUN}, then the Amazon Corretto Crypto
     * Provider (AWS-LC, native) where its library loads, then Bouncy Castle, then the JDK's others.
     *
     * <p>Why a native provider: ES256 is the cost of every sign-in (one verification) and of every
     * token (one signature each). On this project's machines (docs/PERFORMANCE.md, "Crypto
     * providers") an ES256 token signature costs ~23 µs with it against ~88 µs with Bouncy Castle
     * and ~560 µs with SunEC on JDK 17, and decoding a public key and verifying with it ~53 µs
     * against ~183 µs with Bouncy Castle. Where it cannot load (another OS or CPU, a {@code noexec}
     * temporary directory), it is left out and Bouncy Castle serves the same algorithms, as it
     * did before: nothing depends on which of the two it is.
     *
     * <p>Why {@code SUN} stays first: it provides no EC, RSA, HMAC or cipher algorithms, so every
     * {@code Signature}, {@code KeyFactory}, {@code KeyPairGenerator}, {@code Mac} and
     * {@code Cipher} still comes from the native provider (or Bouncy Castle), while the services
     * {@code SUN} does provide stay the JDK's: {@code MessageDigest} (its SHA-256 runs on the
     * CPU's SHA instructions), X.509 certificate parsing and PKIX path validation (what Yubico's
     * library is tested with), and the default {@code SecureRandom}. With Bouncy Castle first,
     * {@code new SecureRandom()} was its prediction-resistant DRBG, which reseeds from the
     * entropy source with SHA-512 on every call: about a quarter of each token signature's
     * cost (docs/PERFORMANCE.md, "OpenID Connect token endpoint"). Idempotent, so the CLI and
     * tests can call it too.
     */
    public static synchronized void installCryptoProvider() {
        if (installed) {
            return;
        }
        installed = true;
        int position = 2;
        Provider nativeProvider = Boolean.parseBoolean(System.getProperty(NATIVE_PROVIDER_PROPERTY, "true")) ? nativeProvider() : null;
        if (nativeProvider != null && Security.getProvider(nativeProvider.getName()) == null) {
            Security.insertProviderAt(nativeProvider, position++);
        }
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.insertProviderAt(new BouncyCastleProvider(), position);
        }
    }

    /**
     * JVM system property that, set to {@code false}, leaves the native provider out (Bouncy Castle
     * serves everything, as where the library cannot load). The launcher's class-data-sharing
     * training run sets it: JDK 17's archive dump crashes on the lambda classes of the provider's
     * signed jar (a SIGSEGV in {@code SystemDictionaryShared::adjust_lambda_proxy_class_dictionary}),
     * and the archive skips classes of signed jars anyway. An operator may set it too.
     */
    public static final String NATIVE_PROVIDER_PROPERTY = "glasskey.crypto.native";

    /** The name of the native provider in use, or null when Bouncy Castle serves alone. */
    public static String nativeProviderName() {
        installCryptoProvider();
        return Security.getProvider(AmazonCorrettoCryptoProvider.PROVIDER_NAME) == null ? null : AmazonCorrettoCryptoProvider.PROVIDER_NAME;
    }

    /** The Amazon Corretto Crypto Provider when its native library loaded and its self-tests pass, else null. */
    private static Provider nativeProvider() {
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            if (accp.getLoadingError() != null) {
                log.info("Native crypto provider not available here ({}); Bouncy Castle serves", accp.getLoadingError().toString());
                return null;
            }
            accp.assertHealthy();
            log.info("Crypto: {} {} (AWS-LC {}) serves signatures, keys, MACs and ciphers; Bouncy Castle after it",
                    accp.getName(), accp.getVersionStr(), accp.getAwsLcVersionStr());
            return accp;
        } catch (RuntimeException | LinkageError e) {
            log.info("Native crypto provider not available here ({}); Bouncy Castle serves", e.toString());
            return null;
        }
    }

    /**
     * Registering the providers costs ~0.2 s of class and library loading; do it beside start-up
     * rather than on its path. Until they are registered the JDK's providers serve (correct, only
     * slower).
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
