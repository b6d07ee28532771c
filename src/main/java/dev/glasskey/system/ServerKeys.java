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
 * The server's own keys, generated on first start and kept in the database (so a backup of
 * the database is a backup of the keys): an ES256 key that signs audit checkpoints.
 */
@Component
@Order(0)
public class ServerKeys implements ApplicationRunner {
    public static final String AUDIT_SIGNING = "audit-signing";
    public static final String CHALLENGE_MAC = "challenge-mac";
    private static final Logger log = LoggerFactory.getLogger(ServerKeys.class);

    private final JdbcClient jdbc;
    private final Clock clock;

    ServerKeys(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
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
        var existing = jdbc.sql("select private_pem from server_key where purpose = :p and status = 'active'")
                .param("p", purpose).query(String.class).optional();
        if (existing.isPresent()) {
            return Base64.getDecoder().decode(existing.get().strip());
        }
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        String id = purpose + "-" + Ids.randomToken(8);
        jdbc.sql("""
                insert into server_key (id, purpose, algorithm, private_pem, public_pem, status, created_at)
                values (:id, :p, 'HS256', :secret, '', 'active', :at)""")
                .param("id", id).param("p", purpose).param("secret", Base64.getEncoder().encodeToString(secret))
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
                .param("priv", pem("PRIVATE KEY", pair.getPrivate().getEncoded()))
                .param("pub", pem("PUBLIC KEY", pair.getPublic().getEncoded()))
                .param("at", Times.db(Times.now(clock))).update();
        log.info("Generated server key {} ({})", id, purpose);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
