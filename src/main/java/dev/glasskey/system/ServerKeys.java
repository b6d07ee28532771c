package dev.glasskey.system;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.util.Base64;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The server's own keys, generated on first start and kept in the database (so every node shares
 * them): an ES256 key that signs audit checkpoints, and the secret of the sign-in challenges' MAC.
 * Their private parts are stored sealed under the key-encryption key ({@link Sealing}; a backup of
 * the database alone holds no usable key) and opened where they are read.
 */
@Component
@Order(0)
public class ServerKeys implements ApplicationRunner {
    public static final String AUDIT_SIGNING = "audit-signing";
    public static final String CHALLENGE_MAC = "challenge-mac";
    private static final Logger log = LoggerFactory.getLogger(ServerKeys.class);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Sealing sealing;

    ServerKeys(JdbcClient jdbc, Clock clock, Sealing sealing) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.sealing = sealing;
    }

    @Override
    @Transactional
    public void run(ApplicationArguments args) throws Exception {
        ensure(AUDIT_SIGNING);
        secret(CHALLENGE_MAC);
    }

    /**
     * A 256-bit secret for HMAC, made on first use and kept in the database so every node (and
     * a restored backup) shares it.
     */
    @Transactional
    public synchronized byte[] secret(String purpose) {
        var existing = jdbc.sql("select id, private_pem from server_key where purpose = :p and status = 'active'")
                .param("p", purpose).query((rs, n) -> sealing.open(SealedColumn.SERVER_KEY, rs.getString(1), rs.getString(2))).optional();
        if (existing.isPresent()) {
            return Base64.getDecoder().decode(existing.get().strip());
        }
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        String id = purpose + "-" + Ids.randomToken(8);
        jdbc.sql("""
                insert into server_key (id, purpose, algorithm, private_pem, public_pem, status, created_at)
                values (:id, :p, 'HS256', :secret, '', 'active', :at)""")
                .param("id", id).param("p", purpose)
                .param("secret", sealing.seal(SealedColumn.SERVER_KEY, id, Base64.getEncoder().encodeToString(secret)))
                .param("at", Times.db(Times.now(clock))).update();
        log.info("Generated server secret {} ({})", id, purpose);
        return secret;
    }

    @Transactional
    public void ensure(String purpose) throws Exception {
        long existing = jdbc.sql("select count(*) from server_key where purpose = :p and status = 'active'")
                .param("p", purpose).query(Long.class).single();
        if (existing > 0) {
            return;
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        String id = purpose + "-" + Ids.randomToken(8);
        jdbc.sql("""
                insert into server_key (id, purpose, algorithm, private_pem, public_pem, status, created_at)
                values (:id, :p, 'ES256', :priv, :pub, 'active', :at)""")
                .param("id", id).param("p", purpose)
                .param("priv", sealing.seal(SealedColumn.SERVER_KEY, id, pem("PRIVATE KEY", pair.getPrivate().getEncoded())))
                .param("pub", pem("PUBLIC KEY", pair.getPublic().getEncoded()))
                .param("at", Times.db(Times.now(clock))).update();
        log.info("Generated server key {} ({})", id, purpose);
    }

    /**
     * Retires the active key of a purpose and makes a new one; returns the new key. Old public keys
     * stay (retired) so old signatures still verify.
     */
    @Transactional
    public SigningKey rotate(String purpose) {
        jdbc.sql("update server_key set status = 'retired' where purpose = :p and status = 'active'").param("p", purpose).update();
        try {
            ensure(purpose);
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a new " + purpose + " key", e);
        }
        return signingKey(purpose);
    }

    /** The active ES256 key pair for a purpose (e.g. {@link #AUDIT_SIGNING}), decoded with JCA. */
    @Transactional(readOnly = true)
    public SigningKey signingKey(String purpose) {
        return jdbc.sql("select id, private_pem, public_pem from server_key where purpose = :p and status = 'active' and algorithm = 'ES256'")
                .param("p", purpose)
                .query((rs, n) -> new SigningKey(rs.getString(1),
                        decodePrivate(sealing.open(SealedColumn.SERVER_KEY, rs.getString(1), rs.getString(2))), decodePublic(rs.getString(3))))
                .optional().orElseThrow(() -> new IllegalStateException("no active " + purpose + " key"));
    }

    /**
     * Every public key ever used for a purpose, active or retired, by key id (PEM): what a verifier
     * needs to check old signatures.
     */
    @Transactional(readOnly = true)
    public java.util.Map<String, String> publicKeys(String purpose) {
        java.util.Map<String, String> keys = new java.util.LinkedHashMap<>();
        jdbc.sql("select id, public_pem from server_key where purpose = :p and algorithm = 'ES256' order by created_at")
                .param("p", purpose).query(rs -> {
                    keys.put(rs.getString(1), rs.getString(2));
                });
        return keys;
    }

    /** An ES256 key pair with its id. */
    public record SigningKey(String id, java.security.PrivateKey privateKey, java.security.PublicKey publicKey) {}

    /** An EC public key from PEM (SubjectPublicKeyInfo, RFC 5280 §4.1.2.7 / RFC 7468 §13). */
    public static java.security.PublicKey decodePublic(String pem) {
        try {
            return java.security.KeyFactory.getInstance("EC").generatePublic(new java.security.spec.X509EncodedKeySpec(der(pem)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("not an EC public key: " + e.getMessage(), e);
        }
    }

    private static java.security.PrivateKey decodePrivate(String pem) {
        try {
            return java.security.KeyFactory.getInstance("EC").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der(pem)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("stored key is not an EC private key", e);
        }
    }

    private static byte[] der(String pem) {
        String body = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
