package dev.glasskey.system;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Envelope encryption of the secrets kept in the database (docs/OPERATIONS.md, "Secrets at rest"):
 * each value is sealed with AES-256-GCM under a key-encryption key (KEK) that is not in the
 * database, through the JCA ({@code AES/GCM/NoPadding}; NIST SP 800-38D: a random 96-bit nonce
 * per value, §8.2.2, and the full 128-bit tag, §5.2.1.2).
 *
 * <p>Stored form: {@code gk-enc:v1:<kek id>:<base64url(nonce ‖ ciphertext ‖ tag)>}, so each row
 * says which KEK sealed it. The associated data is that header, the table and column, and the
 * row's id: a sealed value copied into another row, another column or under another header does
 * not open ({@link ErrorCode#SECRET_UNREADABLE}).
 *
 * <p>The ring holds the current KEK, which seals, and any previous ones, which only open: what
 * servers need while {@code glasskey keys rewrap} moves every value to a new KEK.
 *
 * <p>Opening is done where a secret is loaded, never per request; what was opened is remembered
 * by its sealed text (a few dozen values at most), so a re-read of an unchanged row — the
 * signing keys' periodic refresh, an alert delivery — costs no decryption.
 */
public final class Sealing {
    public static final String PREFIX = "gk-enc:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int MAX_REMEMBERED = 1024;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /**
     * A key-encryption key. {@code provider} is the JCA provider holding it (a PKCS#11 token), or
     * null for a key in memory (the default providers serve it).
     */
    public record Kek(String id, SecretKey key, Provider provider, String source) {
        @Override
        public String toString() {
            return id + " (" + source + ")";
        }
    }

    private final Kek current;
    private final Map<String, Kek> ring = new LinkedHashMap<>();
    private final Map<String, String> opened = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public Sealing(Kek current, List<Kek> previous) {
        this.current = current;
        ring.put(current.id(), current);
        previous.forEach(k -> ring.putIfAbsent(k.id(), k));
    }

    /** The KEK that seals. */
    public Kek current() {
        return current;
    }

    /** Every KEK this server can open with, the current one first. */
    public List<Kek> keys() {
        return List.copyOf(ring.values());
    }

    public boolean holds(String kekId) {
        return ring.containsKey(kekId);
    }

    /** The plaintext sealed under the current KEK for this row of this column; null stays null. */
    public String seal(SealedColumn column, String rowId, String plaintext) {
        if (plaintext == null) {
            return null;
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        String header = PREFIX + current.id() + ":";
        try {
            Cipher cipher = cipher(current);
            cipher.init(Cipher.ENCRYPT_MODE, current.key(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(header, column, rowId));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return header + BASE64URL.encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal " + column + " of " + rowId + " under key-encryption key " + current + ": " + e, e);
        }
    }

    /**
     * The plaintext of a value sealed for this row of this column, under any KEK of the ring.
     *
     * @throws GlasskeyException {@link ErrorCode#SECRET_UNREADABLE} when it is not sealed, was sealed
     *                           under a KEK this server does not hold, or does not authenticate (altered,
     *                           or moved from another row)
     */
    public String open(SealedColumn column, String rowId, String stored) {
        if (stored == null) {
            return null;
        }
        String memo = column + "\n" + rowId + "\n" + stored;
        String known = opened.get(memo);
        if (known != null) {
            return known;
        }
        String kekId = kekIdOf(stored);
        if (kekId == null) {
            throw unreadable(column, rowId, "is not sealed (it does not start with " + PREFIX + "): every secret is sealed since "
                    + "the first start of this version, so this value was written by something else");
        }
        Kek kek = ring.get(kekId);
        if (kek == null) {
            throw unreadable(column, rowId, "was sealed under key-encryption key " + kekId + ", which is not configured here (this "
                    + "server holds " + ring.keySet() + ")");
        }
        String header = PREFIX + kekId + ":";
        byte[] body;
        try {
            body = Base64.getUrlDecoder().decode(stored.substring(header.length()));
        } catch (IllegalArgumentException e) {
            throw unreadable(column, rowId, "is not a well-formed sealed value");
        }
        if (body.length < NONCE_BYTES + TAG_BITS / 8) {
            throw unreadable(column, rowId, "is not a well-formed sealed value");
        }
        try {
            Cipher cipher = cipher(kek);
            cipher.init(Cipher.DECRYPT_MODE, kek.key(), new GCMParameterSpec(TAG_BITS, body, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData(header, column, rowId));
            String plaintext = new String(cipher.doFinal(body, NONCE_BYTES, body.length - NONCE_BYTES), StandardCharsets.UTF_8);
            if (opened.size() >= MAX_REMEMBERED) {
                opened.clear();
            }
            opened.put(memo, plaintext);
            return plaintext;
        } catch (AEADBadTagException e) {
            throw unreadable(column, rowId, "does not open under key-encryption key " + kekId
                    + ": it was altered, or moved here from another row or column");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot open " + column + " of " + rowId + " with key-encryption key " + kek + ": " + e, e);
        }
    }

    /** Whether a stored value is sealed (by its form; opening it is what proves it). */
    public static boolean isSealed(String stored) {
        return kekIdOf(stored) != null;
    }

    /** The id of the KEK a stored value names, or null when it is not in the sealed form. */
    public static String kekIdOf(String stored) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return null;
        }
        int end = stored.indexOf(':', PREFIX.length());
        return end <= PREFIX.length() ? null : stored.substring(PREFIX.length(), end);
    }

    /**
     * A KEK's id: its key check value, the first 8 bytes (hex) of the AES encryption of a zero
     * block (the customary KCV, ANSI X9.24-1 / PKCS#11 {@code CKA_CHECK_VALUE} take 3). It names
     * the key itself, whatever its source, and says nothing usable about it. Computed by the key's
     * own provider, so it works for a key that never leaves its token.
     */
    public static String keyCheckValue(SecretKey key, Provider provider) {
        try {
            Cipher ecb = provider == null ? Cipher.getInstance("AES/ECB/NoPadding") : Cipher.getInstance("AES/ECB/NoPadding", provider);
            ecb.init(Cipher.ENCRYPT_MODE, key);
            return HexFormat.of().formatHex(ecb.doFinal(new byte[16]), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot compute the key check value of the key-encryption key: " + e, e);
        }
    }

    private static Cipher cipher(Kek kek) throws GeneralSecurityException {
        return kek.provider() == null ? Cipher.getInstance("AES/GCM/NoPadding") : Cipher.getInstance("AES/GCM/NoPadding", kek.provider());
    }

    private static byte[] associatedData(String header, SealedColumn column, String rowId) {
        return (header + "\n" + column.table() + "." + column.valueColumn() + "\n" + rowId).getBytes(StandardCharsets.UTF_8);
    }

    private static GlasskeyException unreadable(SealedColumn column, String rowId, String why) {
        return new GlasskeyException(ErrorCode.SECRET_UNREADABLE, "The stored " + column + " of row '" + rowId + "' " + why + ".");
    }
}
