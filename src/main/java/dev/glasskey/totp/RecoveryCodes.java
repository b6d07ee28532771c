package dev.glasskey.totp;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.google.common.io.BaseEncoding;

import dev.glasskey.system.Ids;

/**
 * Recovery codes (issue 15): {@link #COUNT} single-use codes, each 80 random bits written as 16
 * base32 characters in groups of four ({@code ABCD-EFGH-IJKL-MNOP}), shown once and stored as their
 * SHA-256 only. NIST SP 800-63B §5.1.2 (look-up secrets): at least 64 bits of entropy, so a fast
 * hash cannot be searched; a code is typed in place of the authenticator app's code.
 */
public final class RecoveryCodes {
    public static final int COUNT = 10;
    private static final int BYTES = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private RecoveryCodes() {}

    /** A fresh set, as shown to the person. */
    public static List<String> generate() {
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            byte[] bytes = new byte[BYTES];
            RANDOM.nextBytes(bytes);
            codes.add(String.join("-", BaseEncoding.base32().omitPadding().encode(bytes).split("(?<=\\G.{4})")));
        }
        return codes;
    }

    /**
     * The stored form of what a person typed: case, spaces and dashes do not matter; null when it
     * cannot be a recovery code (so it is never looked up).
     */
    public static String hash(String typed) {
        if (typed == null || typed.length() > 64) {
            return null;
        }
        String normalised = typed.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
        if (normalised.length() != 16 || !normalised.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))) {
            return null;
        }
        return Ids.sha256Hex(normalised);
    }
}
