package dev.glasskey.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.glasskey.audit.AuditEntry;
import dev.glasskey.audit.AuditListener;
import dev.glasskey.system.Times;

/**
 * Turns matching audit entries into alerts in the outbox, inside the transaction that writes the
 * entry: an alert commits exactly when its action does, and a crash can lose neither. Alerts of
 * one rule coalesce within a window ({@link AlertCoalescing}): past the first few, they are
 * counted in that same transaction instead of queued. Rules are cached (every entry is checked
 * on the sign-in hot path); a change on this node refreshes the cache after commit, other nodes
 * pick it up within {@link #RELOAD}.
 */
@Component
class AlertRecorder implements AuditListener {
    static final Duration RELOAD = Duration.ofSeconds(30);

    private final AlertStore store;
    private final AlertCoalescing coalescing;
    private final AlertOutbox outbox;
    private final Clock clock;
    private volatile List<AlertRule> rules;
    private volatile Instant loadedAt = Instant.MIN;

    AlertRecorder(AlertStore store, AlertCoalescing coalescing, AlertOutbox outbox, Clock clock) {
        this.store = store;
        this.coalescing = coalescing;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Override
    public void onRecorded(AuditEntry entry) {
        List<AlertRule> matching = new ArrayList<>(2);
        for (AlertRule rule : rules()) {
            if (rule.matches(entry)) {
                matching.add(rule);
            }
        }
        if (matching.isEmpty()) {
            return;
        }
        Severity severity = matching.stream().map(AlertRule::severity).max(Enum::compareTo).orElseThrow();
        AlertRule first = matching.stream().filter(r -> r.severity() == severity).findFirst().orElseThrow();
        Instant now = Times.now(clock);
        // One alert per entry, coalesced under the rule that names it (the most severe match).
        AlertCoalescing.Admission admission = coalescing.admit(first, severity, entry, now);
        if (!admission.deliver()) {
            return;
        }
        String summary = AlertText.summary(first, entry);
        if (admission.coalescingUntil() != null) {
            summary = AlertText.lastBeforeCoalescing(summary, admission.coalescingUntil());
        }
        outbox.enqueue(entry.seq(), String.join(",", matching.stream().map(AlertRule::id).toList()), severity, summary,
                eventJson(entry), now);
    }

    /** Drops the cached rules once the current transaction commits (or now, outside one). */
    void rulesChanged() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    loadedAt = Instant.MIN;
                }
            });
        }
        loadedAt = Instant.MIN;
    }

    private List<AlertRule> rules() {
        Instant now = clock.instant();
        List<AlertRule> cached = rules;
        if (cached == null || loadedAt.plus(RELOAD).isBefore(now) || now.isBefore(loadedAt)) {
            cached = store.rules().stream().filter(AlertRule::enabled).toList();
            rules = cached;
            loadedAt = now;
        }
        return cached;
    }

    static String eventJson(AuditEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", e.seq());
        m.put("at", e.at().toString());
        m.put("actor", e.actor());
        m.put("action", e.action());
        m.put("target", e.target());
        m.put("outcome", e.outcome());
        m.put("reason", e.reason());
        m.put("emergency", e.emergency());
        m.put("flagged", e.flagged());
        m.put("client", e.client());
        m.put("detail", e.detail());
        m.put("hash", e.hash());
        return AlertStore.JSON.writeValueAsString(m);
    }
}
