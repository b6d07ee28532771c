package dev.glasskey.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash chain: {@code hash(n) = SHA-256(prev_hash || fields of n)}, each field
 * length-prefixed (4-byte big-endian length, -1 for null) so no two different entries encode to
 * the same bytes.
 */
public final class AuditChain {
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {}

    public static String hash(AuditEntry e) {
        return new Hasher().hashHex(e.prevHash(), e.seq(), e.at().toString(), e.actor(), e.action(), e.target(),
                e.outcome(), e.reason(), e.emergency(), e.flagged(), e.client(), e.detail());
    }

    /**
     * One reusable hasher: the verification loop runs it over millions of entries, so it keeps
     * one {@link MessageDigest} and one buffer and compares digests without building strings.
     * Not thread-safe.
     */
    public static final class Hasher {
        private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        private final MessageDigest digest;
        private final byte[] out = new byte[32];
        private byte[] buf = new byte[1024];
        private int len;

        public Hasher() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The hex hash of an entry's fields. {@code at} is {@link java.time.Instant#toString()}. */
        public String hashHex(String prevHash, long seq, String at, String actor, String action, String target,
                              String outcome, String reason, boolean emergency, boolean flagged, String client, String detail) {
            digest(prevHash, seq, at, actor, action, target, outcome, reason, emergency, flagged, client, detail);
            return HexFormat.of().formatHex(out);
        }

        /** Whether an entry's fields hash to {@code expectedHex} (lower-case hex, as stored). */
        public boolean matches(String expectedHex, String prevHash, long seq, String at, String actor, String action,
                               String target, String outcome, String reason, boolean emergency, boolean flagged,
                               String client, String detail) {
            if (expectedHex == null || expectedHex.length() != 64) {
                return false;
            }
            digest(prevHash, seq, at, actor, action, target, outcome, reason, emergency, flagged, client, detail);
            for (int i = 0; i < 32; i++) {
                int b = out[i] & 0xff;
                if (expectedHex.charAt(2 * i) != HEX[b >>> 4] || expectedHex.charAt(2 * i + 1) != HEX[b & 0xf]) {
                    return false;
                }
            }
            return true;
        }

        private void digest(String prevHash, long seq, String at, String actor, String action, String target,
                            String outcome, String reason, boolean emergency, boolean flagged, String client, String detail) {
            len = 0;
            field(prevHash);
            field(Long.toString(seq));
            field(at);
            field(actor);
            field(action);
            field(target);
            field(outcome);
            field(reason);
            field(emergency ? "true" : "false");
            field(flagged ? "true" : "false");
            field(client);
            field(detail);
            digest.update(buf, 0, len);
            try {
                digest.digest(out, 0, 32);
            } catch (java.security.DigestException e) {
                throw new IllegalStateException(e);
            }
        }

        private void field(String value) {
            if (value == null) {
                ensure(4);
                putInt(-1);
                return;
            }
            int n = value.length();
            ensure(4 + n);
            int start = len + 4;
            // ASCII fast path: UTF-8 of ASCII is the chars themselves.
            for (int i = 0; i < n; i++) {
                char c = value.charAt(i);
                if (c >= 0x80) {
                    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
                    ensure(4 + utf8.length);
                    putInt(utf8.length);
                    System.arraycopy(utf8, 0, buf, len, utf8.length);
                    len += utf8.length;
                    return;
                }
                buf[start + i] = (byte) c;
            }
            putInt(n);
            len += n;
        }

        private void putInt(int v) {
            buf[len] = (byte) (v >>> 24);
            buf[len + 1] = (byte) (v >>> 16);
            buf[len + 2] = (byte) (v >>> 8);
            buf[len + 3] = (byte) v;
            len += 4;
        }

        private void ensure(int more) {
            if (len + more > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
            }
        }
    }
}
