package dev.glasskey.alert;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

import dev.glasskey.audit.AuditEntry;

/** The words of an alert: one summary line, used as subject, syslog MSG and the webhook's {@code text}. */
final class AlertText {
    /** The {@code alert.summary} column's size. */
    static final int MAX_SUMMARY = 500;

    private AlertText() {}

    static String summary(AlertRule first, AuditEntry e) {
        StringBuilder sb = new StringBuilder(first.description()).append(": ").append(e.action()).append(' ').append(e.outcome());
        if (e.reason() != null) {
            sb.append(" (").append(e.reason()).append(')');
        }
        sb.append(" by ").append(e.actor());
        if (e.target() != null) {
            sb.append(", target ").append(e.target());
        }
        if (e.detail() != null && !e.detail().isBlank()) {
            sb.append(" — ").append(e.detail());
        }
        sb.append(" [audit #").append(e.seq()).append(']');
        return sb.toString();
    }

    /**
     * The last alert a window delivers one by one says that counting starts, so the on-call
     * knows that silence until the summary does not mean quiet. The note survives the summary's
     * 500-character limit.
     */
    static String lastBeforeCoalescing(String summary, Instant until) {
        String note = " (more alerts of this rule until " + seconds(until) + " are counted and summarised then)";
        int room = MAX_SUMMARY - note.length();
        return (summary.length() > room ? summary.substring(0, room) : summary) + note;
    }

    /** "… 37 more alerts of rule 'x' since 10:02:11Z (…), the last at 10:06:58Z [audit #1204 to #3118]". */
    static String coalesced(AlertStore.Window w, String description) {
        String facts = ": " + w.suppressed() + " more alert" + (w.suppressed() == 1 ? "" : "s") + " of rule '" + w.ruleId()
                + "' since " + seconds(w.openedAt()) + " (the first " + w.delivered() + " of the window were sent one by one), the last at "
                + seconds(w.lastAt()) + " [audit #" + w.firstSeq() + " to #" + w.lastSeq() + "]";
        int room = Math.max(0, MAX_SUMMARY - facts.length());
        return (description.length() > room ? description.substring(0, room) : description) + facts;
    }

    private static String seconds(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String text(Severity severity, String summary, boolean test) {
        return "Glasskey " + (test ? "TEST alert" : "alert") + " [" + severity.value().toUpperCase(Locale.ROOT) + "] " + summary;
    }
}
