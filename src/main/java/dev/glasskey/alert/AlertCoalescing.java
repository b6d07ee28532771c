package dev.glasskey.alert;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.glasskey.audit.AuditEntry;
import dev.glasskey.system.Times;

/**
 * Alert floods (issue 13): alerts of one rule coalesce within a window. The first
 * {@code glasskey.alerts.coalesce-after} alerts of a rule in a window of
 * {@code glasskey.alerts.coalesce-window} (from the first of them) are delivered one by one;
 * later ones only count, and when the window ends one summary alert says how many there were,
 * when, and which audit entries they came from. So a burst of N matching events pages at most
 * {@code coalesce-after + 1} times per window and rule, and nothing is lost: the count lives in
 * the rule's {@code alert_window} row (V11), written in the transaction of the audit entry.
 *
 * <p>Every decision is taken on that row locked ({@code select … for update}): two transactions
 * raising alerts of one rule at once queue on the row, so neither can lose the other's count,
 * and counts are incremented in SQL. The lock is taken after the audit head's (the listener
 * runs inside {@code Audit.record}), the order every alert-raising transaction follows.
 *
 * <p>A window that ends while its rule is quiet is closed by {@link #closeEnded()}, which every
 * delivery run calls first, on every node: no ShedLock is needed, because closing takes the same
 * row lock and re-checks, so a second node finds the window already closed. A window that has
 * ended is also closed by the next alert of its rule, which queues the summary first.
 */
@Component
class AlertCoalescing {
    private static final Logger log = LoggerFactory.getLogger(AlertCoalescing.class);

    private final AlertStore store;
    private final AlertOutbox outbox;
    private final AlertProperties properties;
    private final Clock clock;
    private final TransactionTemplate tx;

    AlertCoalescing(AlertStore store, AlertOutbox outbox, AlertProperties properties, Clock clock, TransactionTemplate tx) {
        this.store = store;
        this.outbox = outbox;
        this.properties = properties;
        this.clock = clock;
        this.tx = tx;
    }

    /**
     * What becomes of one alert.
     *
     * @param deliver         delivered now, or only counted for the window's summary
     * @param coalescingUntil set on the last alert the window delivers one by one: from now until then, alerts of the rule are counted
     */
    record Admission(boolean deliver, Instant coalescingUntil) {
        static final Admission DELIVER = new Admission(true, null);
        static final Admission COUNTED = new Admission(false, null);
    }

    /**
     * Decides, inside the transaction writing {@code entry}, whether the alert it raises under
     * {@code rule} (its most severe matching rule) is delivered or counted.
     */
    Admission admit(AlertRule rule, Severity severity, AuditEntry entry, Instant now) {
        if (!properties.coalescing()) {
            return Admission.DELIVER;
        }
        AlertStore.Window window = store.lockWindow(rule.id()).orElse(null);
        if (window == null) {
            // The rule was deleted after this node cached it: no window, and no alert is lost for want of one.
            return Admission.DELIVER;
        }
        if (!window.openAt(now)) {
            if (window.suppressed() > 0) {
                // The window ended and no delivery run has closed it yet: its summary goes out first.
                summarise(window, rule.description(), now);
            }
            Instant closesAt = now.plus(properties.coalesceWindow());
            store.openWindow(rule.id(), now, closesAt);
            return delivered(1, closesAt);
        }
        if (window.delivered() < properties.coalesceAfter()) {
            store.countDelivered(rule.id());
            return delivered(window.delivered() + 1, window.closesAt());
        }
        Severity highest = window.severity() == null || severity.compareTo(window.severity()) > 0 ? severity : window.severity();
        store.countSuppressed(rule.id(), highest, entry.seq(), entry.at());
        return Admission.COUNTED;
    }

    private Admission delivered(int deliveredInWindow, Instant closesAt) {
        return deliveredInWindow == properties.coalesceAfter() ? new Admission(true, closesAt) : Admission.DELIVER;
    }

    /**
     * Queues the summary of every window that has ended with counted alerts, each in its own
     * transaction (a failure is logged and retried at the next run). Returns how many.
     */
    int closeEnded() {
        if (!properties.coalescing()) {
            return 0;
        }
        Instant now = Times.now(clock);
        int closed = 0;
        for (String ruleId : store.windowsToClose(now)) {
            try {
                if (Boolean.TRUE.equals(tx.execute(s -> closeIfEnded(ruleId, now)))) {
                    closed++;
                }
            } catch (DataAccessException e) {
                log.warn("Could not close the alert window of rule '{}' (retried at the next delivery run): {}", ruleId, e.getMessage());
            }
        }
        return closed;
    }

    private boolean closeIfEnded(String ruleId, Instant now) {
        AlertStore.Window window = store.lockWindow(ruleId).orElse(null);
        if (window == null || window.openAt(now) || window.suppressed() == 0) {
            return false; // another node closed it, or an alert of the rule did and opened a new window
        }
        summarise(window, store.rule(ruleId).map(AlertRule::description).orElse(ruleId), now);
        store.closeWindow(ruleId);
        return true;
    }

    /**
     * Before {@code rule} is deleted (its window row goes with it, on delete cascade), in the
     * deleting transaction: what its window has counted is summarised now rather than lost.
     */
    void flush(AlertRule rule, Instant now) {
        store.lockWindow(rule.id()).filter(w -> w.suppressed() > 0).ifPresent(w -> summarise(w, rule.description(), now));
    }

    private void summarise(AlertStore.Window w, String description, Instant now) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("coalesced", true);
        event.put("rule", w.ruleId());
        event.put("count", w.suppressed());
        event.put("deliveredOneByOne", w.delivered());
        event.put("windowOpenedAt", w.openedAt().toString());
        event.put("windowClosesAt", w.closesAt().toString());
        event.put("firstAt", w.firstAt().toString());
        event.put("lastAt", w.lastAt().toString());
        event.put("firstSeq", w.firstSeq());
        event.put("lastSeq", w.lastSeq());
        outbox.enqueue(null, w.ruleId(), w.severity(), AlertText.coalesced(w, description),
                AlertStore.JSON.writeValueAsString(event), now);
    }
}
