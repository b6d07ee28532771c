package dev.glasskey.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;

/**
 * A signed checkpoint of the chain: the server's ES256 signature (ECDSA P-256 with SHA-256, the
 * JCA's {@code SHA256withECDSA}, DER-encoded signature) over {@link #signedText()}, which names
 * entry {@code seq}, its hash, when it was signed and by which key.
 */
public record AuditCheckpoint(long seq, String headHash, Instant signedAt, String keyId, String signature) {
    static final String FORMAT = "glasskey-audit-checkpoint/1";

    /** The exact bytes signed: one field per line, so no two checkpoints sign the same text. */
    public String signedText() {
        return FORMAT + "\n" + seq + "\n" + headHash + "\n" + signedAt + "\n" + keyId + "\n";
    }

    static AuditCheckpoint sign(long seq, String headHash, Instant signedAt, String keyId, PrivateKey key) {
        AuditCheckpoint unsigned = new AuditCheckpoint(seq, headHash, signedAt, keyId, null);
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(key);
            s.update(unsigned.signedText().getBytes(StandardCharsets.UTF_8));
            return new AuditCheckpoint(seq, headHash, signedAt, keyId, Base64.getEncoder().encodeToString(s.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign audit checkpoint", e);
        }
    }

    public boolean verifies(PublicKey key) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initVerify(key);
            s.update(signedText().getBytes(StandardCharsets.UTF_8));
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
