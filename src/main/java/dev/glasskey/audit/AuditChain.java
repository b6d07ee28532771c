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
     * SHA-256 from the JDK's own provider when it is there, asked for by name: when Bouncy Castle
     * was registered first, its pure-Java SHA-256 took half of the verification's CPU, where the
     * JDK's runs on the CPU's SHA instructions (HotSpot intrinsic). SystemConfiguration now puts
     * Bouncy Castle after {@code SUN}; the name keeps this true whatever another embedder
     * registers first. Same function, same bytes.
     */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256", "SUN");
        } catch (NoSuchAlgorithmException | java.security.NoSuchProviderException notThere) {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * {@code at.toInstant().toString()}, the form the chain hashes, without the general-purpose
     * formatter (it was ~10 % of the database walk's CPU): for UTC values with a four-digit year,
     * which is every stored entry; anything else goes through {@link java.time.Instant#toString()}.
     */
    public static String instantText(java.time.OffsetDateTime at) {
        if (at == null) {
            return null;
        }
        int year = at.getYear();
        if (at.getOffset().getTotalSeconds() != 0 || year < 1000 || year > 9999) {
            return at.toInstant().toString();
        }
        int nano = at.getNano();
        int digits = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1000 == 0 ? 6 : 9;
        byte[] b = new byte[20 + (digits == 0 ? 0 : digits + 1)];
        four(b, 0, year);
        b[4] = '-';
        two(b, 5, at.getMonthValue());
        b[7] = '-';
        two(b, 8, at.getDayOfMonth());
        b[10] = 'T';
        two(b, 11, at.getHour());
        b[13] = ':';
        two(b, 14, at.getMinute());
        b[16] = ':';
        two(b, 17, at.getSecond());
        int i = 19;
        if (digits > 0) {
            b[i++] = '.';
            int fraction = digits == 3 ? nano / 1_000_000 : digits == 6 ? nano / 1000 : nano;
            for (int d = i + digits - 1; d >= i; d--) {
                b[d] = (byte) ('0' + fraction % 10);
                fraction /= 10;
            }
            i += digits;
        }
        b[i] = 'Z';
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static void four(byte[] b, int at, int v) {
        two(b, at, v / 100);
        two(b, at + 2, v % 100);
    }

    private static void two(byte[] b, int at, int v) {
        b[at] = (byte) ('0' + v / 10);
        b[at + 1] = (byte) ('0' + v % 10);
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
            digest = sha256();
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
