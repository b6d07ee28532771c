package dev.glasskey.alert;

import java.util.List;

import dev.glasskey.audit.AuditEntry;

/**
 * Which audit entries raise an alert.
 *
 * @param actions       action patterns: {@code signin} matches exactly, {@code account.*} every action below {@code account.}
 * @param outcome       {@code success}, {@code failure}, or null for either
 * @param reason        the entry's reason (an error code) must equal this, or null for any
 * @param emergencyOnly only entries concerning an emergency account or key
 * @param flaggedOnly   only entries flagged for a human's attention
 */
public record AlertRule(String id, String description, List<String> actions, String outcome, String reason,
                        boolean emergencyOnly, boolean flaggedOnly, Severity severity, boolean enabled) {

    public boolean matches(AuditEntry e) {
        if (!enabled || (emergencyOnly && !e.emergency()) || (flaggedOnly && !e.flagged())
                || (outcome != null && !outcome.equals(e.outcome())) || (reason != null && !reason.equals(e.reason()))) {
            return false;
        }
        for (String pattern : actions) {
            if (pattern.endsWith(".*") ? e.action().startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(e.action())) {
                return true;
            }
        }
        return false;
    }
}
