package dev.glasskey.system;

/**
 * The note an administrator gives with a destructive change (disable, revoke, mark lost, retire,
 * delete a channel or rule). It goes into the change's audit entry, so it is held to the audit
 * log's rules for client text: bounded and printable; a refused note changes nothing.
 */
public final class Notes {
    /** Longest note accepted, in characters. */
    public static final int MAX = 500;

    private Notes() {}

    /** The note stripped, or null when none was given; refuses one too long or with control characters. */
    public static String optional(String note) {
        if (note == null || note.isBlank()) {
            return null;
        }
        String v = note.strip();
        if (v.length() > MAX || v.chars().anyMatch(Character::isISOControl)) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "note must be at most " + MAX
                    + " printable characters on one line.", "note");
        }
        return v;
    }

    /** The same, for the console's confirmations, where the note is required. */
    public static String required(String note) {
        String v = optional(note);
        if (v == null) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "Say why (the note is kept in the audit log).", "note");
        }
        return v;
    }

    /** The note as appended to an audit detail: {@code "; note: …"}, or nothing. */
    public static String suffix(String note) {
        return note == null ? "" : "; note: " + note;
    }
}
