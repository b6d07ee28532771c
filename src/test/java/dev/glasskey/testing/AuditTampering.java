package dev.glasskey.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.OffsetDateTime;
import java.util.Base64;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.glasskey.audit.AuditChain;
import dev.glasskey.audit.AuditCheckpoint;
import dev.glasskey.audit.AuditEntry;

/**
 * What someone who can write the database can do to the audit log, done with plain SQL: edit an
 * entry and recompute the chain after it, and sign the checkpoints again with a key of their own
 * whose public key they insert as the active audit-signing key.
 */
public final class AuditTampering {
    private AuditTampering() {}

    /** Edits the detail of the entry with this target and recomputes every later hash and the head. */
    public static void rewriteChainFrom(JdbcClient jdbc, String target) {
        jdbc.sql("update audit_event set detail = 'rewritten' where target = :t").param("t", target).update();
        String prev = AuditChain.GENESIS;
        for (AuditEntry e : jdbc.sql("select * from audit_event order by seq").query((rs, n) -> new AuditEntry(rs.getLong("seq"),
                rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("actor"), rs.getString("action"),
                rs.getString("target"), rs.getString("outcome"), rs.getString("reason"), rs.getBoolean("emergency"),
                rs.getBoolean("flagged"), rs.getString("client"), rs.getString("detail"), null, null)).list()) {
            AuditEntry linked = new AuditEntry(e.seq(), e.at(), e.actor(), e.action(), e.target(), e.outcome(), e.reason(),
                    e.emergency(), e.flagged(), e.client(), e.detail(), prev, null);
            prev = AuditChain.hash(linked);
            jdbc.sql("update audit_event set prev_hash = :p, hash = :h where seq = :s")
                    .param("p", linked.prevHash()).param("h", prev).param("s", e.seq()).update();
        }
        jdbc.sql("update audit_head set hash = :h where id = 1").param("h", prev).update();
    }

    /**
     * Retires the genuine audit-signing key row, inserts {@code own}'s public key as the active one
     * under {@code keyId}, and replaces every stored checkpoint with one over the chain as it is now,
     * signed with {@code own}: everything the database holds is consistent again.
     */
    public static void reSignCheckpoints(JdbcClient jdbc, KeyPair own, String keyId) {
        jdbc.sql("update server_key set status = 'retired' where purpose = 'audit-signing' and status = 'active'").update();
        jdbc.sql("""
                insert into server_key (id, purpose, algorithm, private_pem, public_pem, status, created_at)
                values (:id, 'audit-signing', 'ES256', 'the writer keeps it', :pub, 'active', current_timestamp)""")
                .param("id", keyId).param("pub", pem(own.getPublic())).update();
        for (AuditCheckpoint c : jdbc.sql("select seq, signed_at from audit_checkpoint order by seq")
                .query((rs, n) -> new AuditCheckpoint(rs.getLong(1), null, rs.getObject(2, OffsetDateTime.class).toInstant(), keyId, null))
                .list()) {
            String hash = jdbc.sql("select hash from audit_event where seq = :s").param("s", c.seq()).query(String.class).single();
            AuditCheckpoint unsigned = new AuditCheckpoint(c.seq(), hash, c.signedAt(), keyId, null);
            jdbc.sql("update audit_checkpoint set head_hash = :h, key_id = :k, signature = :sig where seq = :s")
                    .param("h", hash).param("k", keyId).param("sig", sign(unsigned, own)).param("s", c.seq()).update();
        }
    }

    /** Base64 DER ECDSA P-256 / SHA-256 over the checkpoint's signed text, as the server signs. */
    public static String sign(AuditCheckpoint unsigned, KeyPair key) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(key.getPrivate());
            s.update(unsigned.signedText().getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
