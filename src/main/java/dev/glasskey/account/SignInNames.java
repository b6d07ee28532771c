package dev.glasskey.account;

import java.text.Normalizer;
import java.util.Locale;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

/**
 * Sign-in names (issue 15): what a person types to sign in with a password and code, e.g. an
 * e-mail address. Kept as given (NFC), compared without case: {@link #key} is the stored,
 * uniquely indexed form, so {@code Ana@Example.org} and {@code ana@example.org} are one name.
 */
public final class SignInNames {
    /** RFC 5321 §4.5.3.1.3: a path (an address) is at most 256 octets, 254 characters without its brackets. */
    public static final int MAX_LENGTH = 254;

    private SignInNames() {}

    /** The name as stored: trimmed, NFC, 1–254 printable characters without spaces. */
    public static String valid(String signInName) {
        if (signInName == null || signInName.isBlank()) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "signInName is required.", "signInName");
        }
        String name = Normalizer.normalize(signInName.strip(), Normalizer.Form.NFC);
        if (name.length() > MAX_LENGTH || name.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c)
                || Character.getType(c) == Character.FORMAT)) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID,
                    "signInName must be at most " + MAX_LENGTH + " printable characters without spaces.", "signInName");
        }
        return name;
    }

    /** The form names are compared in (and unique in): NFC, lower case in the root locale. */
    public static String key(String signInName) {
        return Normalizer.normalize(signInName.strip(), Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }
}
