package dev.glasskey.audit;

import java.time.Instant;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

/**
 * A search of the audit log (issue 18's audit-log page, and {@code GET /api/audit}): every field
 * optional, all given ones must match. Newest first, {@code limit} entries older than
 * {@code beforeSeq} (the previous page's last entry).
 *
 * @param action  the action, or its prefix when it ends in {@code .} or {@code *} ({@code key.}, {@code drill.*})
 * @param actor   part of the actor (id or name), any case
 * @param target  the target id, exactly
 * @param outcome {@code success} or {@code failure}
 * @param text    part of the detail or reason, any case
 */
public record AuditQuery(String action, String actor, String target, String outcome, Boolean flagged, Instant from, Instant to,
                         String text, Long beforeSeq, int limit) {
    public static final int MAX_LIMIT = 1000;

    public AuditQuery {
        action = blankToNull(action);
        actor = blankToNull(actor);
        target = blankToNull(target);
        outcome = blankToNull(outcome);
        text = blankToNull(text);
        limit = Math.max(1, Math.min(limit, MAX_LIMIT));
    }

    /**
     * A search from request parameters as typed (the API's and the console's): refuses an unknown
     * outcome, a flag that is not true/false, or a time that is not ISO-8601, naming the field.
     */
    public static AuditQuery parse(String action, String actor, String target, String outcome, String flagged, String from,
                                   String to, String text, Long beforeSeq, Integer limit) {
        String o = blankToNull(outcome);
        if (o != null && !o.equals("success") && !o.equals("failure")) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "outcome must be success or failure.", "outcome");
        }
        String f = blankToNull(flagged);
        if (f != null && !f.equals("true") && !f.equals("false")) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "flagged must be true or false.", "flagged");
        }
        for (String[] field : new String[][] {{"action", action}, {"actor", actor}, {"target", target}, {"q", text}}) {
            if (field[1] != null && (field[1].length() > 200 || field[1].chars().anyMatch(Character::isISOControl))) {
                throw new GlasskeyException(ErrorCode.REQUEST_INVALID, field[0] + " must be at most 200 printable characters.", field[0]);
            }
        }
        return new AuditQuery(action, actor, target, o, f == null ? null : Boolean.valueOf(f), time("from", from), time("to", to),
                text, beforeSeq, limit == null ? 100 : limit);
    }

    private static Instant time(String field, String value) {
        String v = blankToNull(value);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (java.time.format.DateTimeParseException e) {
            try {
                // The console's datetime-local field: minutes, no zone (taken as UTC, as the console shows times).
                return java.time.LocalDateTime.parse(v).toInstant(java.time.ZoneOffset.UTC);
            } catch (java.time.format.DateTimeParseException again) {
                throw new GlasskeyException(ErrorCode.REQUEST_INVALID, field + " must be a time such as 2026-12-07T04:00:00Z.", field);
            }
        }
    }

    public static AuditQuery latest(int limit) {
        return new AuditQuery(null, null, null, null, null, null, null, null, null, limit);
    }

    /** The same search, one page further (entries older than {@code seq}). */
    public AuditQuery before(long seq) {
        return new AuditQuery(action, actor, target, outcome, flagged, from, to, text, seq, limit);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
