package dev.glasskey.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash chain: {@code hash(n) = SHA-256(prev_hash || fields of n)}, each field
 * length-prefixed so no two different entries encode to the same bytes.
 */
public final class AuditChain {
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {}

    public static String hash(AuditEntry e) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
        field(digest, e.prevHash());
        field(digest, Long.toString(e.seq()));
        field(digest, e.at().toString());
        field(digest, e.actor());
        field(digest, e.action());
        field(digest, e.target());
        field(digest, e.outcome());
        field(digest, e.reason());
        field(digest, Boolean.toString(e.emergency()));
        field(digest, Boolean.toString(e.flagged()));
        field(digest, e.client());
        field(digest, e.detail());
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void field(MessageDigest digest, String value) {
        if (value == null) {
            digest.update(ByteBuffer.allocate(4).putInt(-1).array());
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        digest.update(bytes);
    }
}
