package dev.glasskey.system;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Text that came from a client, or from a library describing a client's input, on its way into a
 * problem detail, an OAuth error description or the audit log: bounded, printable, and without
 * the library's insides (class names, byte dumps, stack lines). A NUL from a client must not reach
 * PostgreSQL's text columns (the insert would fail, and the refusal with it).
 */
public final class Untrusted {
    private static final int MAX = 120;
    private static final char ELLIPSIS = '…';

    private Untrusted() {}

    /** A client-supplied value as shown in a detail: control characters replaced, at most 120 characters. */
    public static String shown(String value) {
        return value == null ? "null" : clip(value, MAX + 1);
    }

    /**
     * {@code value} made safe to store in a column of {@code max} characters: every control or
     * format character and every lone surrogate becomes {@code ?}, and a longer value is cut at a
     * code point boundary and ends in {@code …}. The result's UTF-16 length is at most {@code max}
     * (so it fits H2's and PostgreSQL's character counts alike) and it encodes to UTF-8 and back
     * unchanged, so what is hashed is exactly what is stored. Null stays null.
     */
    public static String clip(String value, int max) {
        if (value == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), max));
        int i = 0;
        while (i < value.length()) {
            int c = value.codePointAt(i);
            int width = Character.charCount(c);
            boolean lone = width == 1 && Character.isSurrogate((char) c);
            int shown = lone || Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c;
            if (out.length() + Character.charCount(shown) > max - (i + width < value.length() ? 1 : 0)) {
                // No room for this character and, when more follows, the ellipsis after it.
                out.append(ELLIPSIS);
                return out.length() <= max ? out.toString() : out.substring(0, max);
            }
            out.appendCodePoint(shown);
            i += width;
        }
        return out.toString();
    }

    /** What a library's exception says about the input, in one short line of our own words' length. */
    public static String reason(Throwable e) {
        String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (message == null) {
            return "invalid value";
        }
        String reason = message.lines().findFirst().orElse("")
                .replaceAll("\\(through reference chain.*", "")
                // Libraries name the class that failed: say what was wrong, not what we run.
                .replaceAll("^(?:(?:[a-z_][a-z0-9_]*\\.)+[A-Z][\\w$]*: )+", "")
                .replaceAll("Cannot construct instance of `[^`]*`(, problem: )?", "")
                .replaceAll("`[^`]*`", "a value")
                .replaceAll("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][\\w$]*", "a value")
                .replaceAll("\\b\\w*Exception\\b:?\\s*", "")
                .replaceAll("ByteArray\\([0-9a-fA-F]*\\)", "(bytes)")
                .replaceAll("\\s*(Attestation object|Client data): [A-Za-z0-9_-]{16,}", "")
                .strip();
        return reason.isEmpty() ? "invalid value" : shown(reason);
    }
}
