package dev.glasskey.bench;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.glasskey.system.SystemConfiguration;

/**
 * ES256 under each JCA provider set-up, one operation at a time (docs/PERFORMANCE.md, "Crypto
 * providers"):
 * <ul>
 * <li>{@code signAccessToken}: one token signature as the server makes it — Nimbus's
 * {@link ECDSASigner} over a key that went through a JWK's JSON (as {@code SigningKeys} stores
 * it), claims shaped like a person's access token; a refresh signs two of these;</li>
 * <li>{@code decodeKeyAndVerify}: one sign-in's signature check as Yubico's library does it — the
 * stored public key decoded through {@link KeyFactory} afresh, then {@code SHA256withECDSA}
 * verification of a 300-byte message.</li>
 * </ul>
 * {@code provider}: {@code server} = what {@link SystemConfiguration#installCryptoProvider()}
 * registers (SUN, the Amazon Corretto Crypto Provider where its native library loads, Bouncy
 * Castle); {@code BC} = Bouncy Castle right after SUN (the server before the native provider);
 * {@code SunEC} = the JDK alone. Each value runs in its own forked JVM.
 *
 * <pre>java -cp "$CP" org.openjdk.jmh.Main TokenSignatureBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TokenSignatureBenchmark {
    @Param({"server", "BC", "SunEC"})
    public String provider;

    private JWSSigner signer;
    private JWSHeader header;
    private JWTClaimsSet claims;
    private byte[] publicKeySpki;
    private byte[] message;
    private byte[] signature;

    @Setup
    public void setUp() throws Exception {
        switch (provider) {
            case "server" -> {
                if (SystemConfiguration.nativeProviderName() == null) { // registers the server's providers first
                    System.err.println("note: the native provider did not load here; 'server' measures Bouncy Castle");
                }
            }
            case "BC" -> Security.insertProviderAt(new BouncyCastleProvider(), 2);
            case "SunEC" -> { }
            default -> throw new IllegalArgumentException("provider must be server, BC or SunEC");
        }
        // As SigningKeys holds it: generated, stored as a JWK's JSON, parsed back; Nimbus builds the JCA key.
        JWK stored = JWK.parse(new ECKeyGenerator(Curve.P_256).keyID("es256-bench").keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.ES256).generate().toJSONString());
        signer = new ECDSASigner((ECKey) stored);
        header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("es256-bench").type(new JOSEObjectType("at+jwt")).build();
        Date now = new Date();
        claims = new JWTClaimsSet.Builder().issuer("http://localhost:8080").subject("5f0c2f8e-2b7a-4a55-9a0e-3c6f1e2d9b10")
                .audience("gk-bench-client").issueTime(now).notBeforeTime(now).expirationTime(new Date(now.getTime() + 600_000))
                .jwtID("7d1c9a7e-2f4b-4c8e-b1a3-9e0f6d5c4b3a").claim("scope", List.of("openid", "profile"))
                .claim("client_id", "gk-bench-client").claim("auth_time", now.getTime() / 1000)
                .claim("amr", List.of("hwk", "user", "mfa")).claim("acr", "phrh").claim("emergency", false)
                .claim("roles", List.of("auditor")).build();

        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        publicKeySpki = pair.getPublic().getEncoded();
        message = new byte[300];
        new java.security.SecureRandom().nextBytes(message);
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(pair.getPrivate());
        s.update(message);
        signature = s.sign();
        System.err.println("provider set-up '" + provider + "': signing with "
                + Signature.getInstance("SHA256withECDSA").getProvider().getName() + " (first choice), keys from "
                + KeyFactory.getInstance("EC").getProvider().getName());
    }

    @Benchmark
    public String signAccessToken() throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    @Benchmark
    public boolean decodeKeyAndVerify() throws Exception {
        PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(publicKeySpki));
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(key);
        verifier.update(message);
        if (!verifier.verify(signature)) {
            throw new IllegalStateException("signature did not verify");
        }
        return true;
    }
}
