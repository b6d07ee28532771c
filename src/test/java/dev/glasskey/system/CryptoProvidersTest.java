package dev.glasskey.system;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Locale;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JCA provider order that {@link SystemConfiguration#installCryptoProvider()} sets up, and that
 * signatures made by the provider that serves the server verify under the others (a relying party
 * or a key may use any of them).
 */
class CryptoProvidersTest {
    private static final byte[] MESSAGE = "header.payload".getBytes(StandardCharsets.US_ASCII);

    @BeforeAll
    static void install() {
        SystemConfiguration.installCryptoProvider();
    }

    /** Linux on x86-64 is the platform the bundled native library is built for: there it must load. */
    private static boolean nativeLibraryPlatform() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    @Test
    void theJdksSunProviderStaysFirstForDigestsAndRandomness() throws Exception {
        assertThat(Security.getProviders()[0].getName()).isEqualTo("SUN");
        assertThat(MessageDigest.getInstance("SHA-256").getProvider().getName()).isEqualTo("SUN");
        assertThat(new SecureRandom().getProvider().getName()).isEqualTo("SUN");
        assertThat(Security.getProvider(BouncyCastleProvider.PROVIDER_NAME)).isNotNull();
    }

    @Test
    void es256SignaturesComeFromTheNativeProviderWhereItLoadsAndFromBouncyCastleElsewhere() throws Exception {
        String expected = nativeLibraryPlatform() ? "AmazonCorrettoCryptoProvider" : BouncyCastleProvider.PROVIDER_NAME;
        assertThat(SystemConfiguration.nativeProviderName()).isEqualTo(nativeLibraryPlatform() ? expected : null);

        KeyPair pair = storedAndReloaded(newP256());
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        assertThat(signer.getProvider().getName()).isEqualTo(expected);
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(pair.getPublic());
        assertThat(verifier.getProvider().getName()).isEqualTo(expected);
        assertThat(KeyFactory.getInstance("EC").getProvider().getName()).isEqualTo(expected);
    }

    @Test
    void signaturesOfTheServingProviderVerifyUnderBouncyCastleAndTheJdkAndTheOtherWayRound() throws Exception {
        KeyPair pair = storedAndReloaded(newP256());
        byte[] served = sign(Signature.getInstance("SHA256withECDSA"), pair.getPrivate(), MESSAGE);
        for (String provider : new String[] {BouncyCastleProvider.PROVIDER_NAME, "SunEC"}) {
            assertThat(verify(Signature.getInstance("SHA256withECDSA", provider), pair.getPublic(), MESSAGE, served)).as(provider).isTrue();
            byte[] tampered = "header.payloaD".getBytes(StandardCharsets.US_ASCII);
            assertThat(verify(Signature.getInstance("SHA256withECDSA", provider), pair.getPublic(), tampered, served)).as(provider).isFalse();
            byte[] theirs = sign(Signature.getInstance("SHA256withECDSA", provider),
                    KeyFactory.getInstance("EC", provider).generatePrivate(new PKCS8EncodedKeySpec(pair.getPrivate().getEncoded())), MESSAGE);
            assertThat(verify(Signature.getInstance("SHA256withECDSA"), pair.getPublic(), MESSAGE, theirs)).as(provider).isTrue();
        }
    }

    private static KeyPair newP256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** As the server holds its keys: encoded, stored, decoded again through the default {@link KeyFactory}. */
    private static KeyPair storedAndReloaded(KeyPair pair) throws Exception {
        KeyFactory factory = KeyFactory.getInstance("EC");
        PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(pair.getPublic().getEncoded()));
        PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(pair.getPrivate().getEncoded()));
        return new KeyPair(publicKey, privateKey);
    }

    private static byte[] sign(Signature signature, PrivateKey key, byte[] message) throws Exception {
        signature.initSign(key);
        signature.update(message);
        return signature.sign();
    }

    private static boolean verify(Signature signature, PublicKey key, byte[] message, byte[] value) throws Exception {
        signature.initVerify(key);
        signature.update(message);
        return signature.verify(value);
    }
}
