package dev.glasskey.webauthn;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * Text that came from a client, or from a library describing a client's input, on its way into a
 * problem detail and the audit log: bounded, printable, and without the library's insides (class
 * names, byte dumps, stack lines). A NUL from a client must not reach PostgreSQL's text columns
 * (the insert would fail, and the refusal with it).
 */
final class Untrusted {
    private static final int MAX = 120;

    private Untrusted() {}

    /** A client-supplied value as shown in a detail: control characters replaced, at most 120 characters. */
    static String shown(String value) {
        if (value == null) {
            return "null";
        }
        String printable = value.codePoints()
                .map(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() <= MAX ? printable : printable.substring(0, MAX) + "…";
    }

    /** What a library's exception says about the input, in one short line of our own words' length. */
    static String reason(Throwable e) {
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
