package dev.glasskey.alert;

import java.util.Locale;

import dev.glasskey.audit.AuditEntry;

/** The words of an alert: one summary line, used as subject, syslog MSG and the webhook's {@code text}. */
final class AlertText {
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

    static String text(Severity severity, String summary, boolean test) {
        return "Glasskey " + (test ? "TEST alert" : "alert") + " [" + severity.value().toUpperCase(Locale.ROOT) + "] " + summary;
    }
}
