package dev.glasskey.audit;

import java.time.Clock;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Metrics;
import dev.glasskey.system.Times;
import dev.glasskey.system.Untrusted;

/**
 * The one entry point for the audit log. {@link #record} joins the caller's transaction:
 * if the entry cannot be written the action fails with it (fail closed), and a rolled-back
 * action leaves no entry claiming it happened.
 *
 * <p>Every field is bounded before it is hashed: clipped to its column and cleaned of control
 * characters ({@link Untrusted#clip}), so no client value can overflow a column (a refusal that
 * became a 500) and the stored row is exactly what the chain hashed.
 *
 * <p>An {@linkplain AuditEvent#aggregated aggregated} refusal is not appended: it is counted in
 * memory ({@link RefusalTally}) and becomes part of one entry per window ({@link RefusalFlush}),
 * so a flood cannot grow the chain, the database or the log by one entry per request.
 */
@Service
public class Audit {
    /**
     * Request attribute set once a refusal of this request is recorded (or counted): the web layer
     * then does not record the same refusal again.
     */
    public static final String REFUSAL_RECORDED = Audit.class.getName() + ".refusalRecorded";

    // Column widths of audit_event (V1__foundation.sql); detail is text, bounded here.
    static final int ACTOR = 200;
    static final int ACTION = 64;
    static final int TARGET = 200;
    static final int OUTCOME = 16;
    static final int REASON = 100;
    static final int CLIENT = 100;
    static final int DETAIL = 2000;
    private static final Logger log = LoggerFactory.getLogger(Audit.class);

    private final AuditStore store;
    private final Clock clock;
    private final List<AuditListener> listeners;
    private final AuditIntegrity integrity;
    private final RefusalTally tally;
    private final TransactionTemplate tx;
    private final Metrics metrics;

    Audit(AuditStore store, Clock clock, List<AuditListener> listeners, AuditIntegrity integrity, RefusalTally tally,
          PlatformTransactionManager transactionManager, Metrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.clock = clock;
        this.listeners = List.copyOf(listeners);
        this.integrity = integrity;
        this.tally = tally;
        this.tx = new TransactionTemplate(transactionManager);
        tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRED);
    }

    /**
     * Records {@code event}, with the current request's client address: appended to the chain in
     * the caller's transaction (or one of its own), or, when aggregated, counted without touching
     * the database. Returns the entry, or null when the event was counted.
     */
    public AuditEntry record(AuditEvent event) {
        HttpServletRequest request = currentRequest();
        String client = request == null ? null : request.getRemoteAddr();
        if (event.aggregated()) {
            tally.count(client, event, Times.now(clock));
            if (request != null) {
                request.setAttribute(REFUSAL_RECORDED, Boolean.TRUE);
            }
            return null;
        }
        return tx.execute(status -> {
            AuditEntry entry = append(event, client, Times.now(clock));
            if (request != null && event.outcome() == AuditEvent.Outcome.FAILURE) {
                // Marked only once the entry is committed: a rolled-back entry recorded nothing.
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        request.setAttribute(REFUSAL_RECORDED, Boolean.TRUE);
                    }
                });
            }
            return entry;
        });
    }

    /** Appends one entry, fields bounded, in the current transaction; tells the listeners. Timed ({@link Metrics#AUDIT_APPEND}). */
    AuditEntry append(AuditEvent event, String client, java.time.Instant at) {
        return metrics.auditAppend(() -> appendNow(event, client, at));
    }

    private AuditEntry appendNow(AuditEvent event, String client, java.time.Instant at) {
        AuditStore.Head head = store.lockHead();
        AuditEntry unhashed = new AuditEntry(head.seq() + 1, at, Untrusted.clip(event.actor().label(), ACTOR),
                Untrusted.clip(event.action(), ACTION), Untrusted.clip(event.target(), TARGET),
                Untrusted.clip(event.outcome().name().toLowerCase(java.util.Locale.ROOT), OUTCOME),
                Untrusted.clip(event.reason(), REASON), event.emergency(), event.flagged(), Untrusted.clip(client, CLIENT),
                Untrusted.clip(event.detail(), DETAIL), head.hash(), null);
        AuditEntry entry = withHash(unhashed, AuditChain.hash(unhashed));
        try {
            store.append(entry);
            for (AuditListener listener : listeners) {
                listener.onRecorded(entry);
            }
        } catch (DataAccessException e) {
            // Fail closed: the caller's transaction rolls back with this, so the action does not happen.
            log.error("Audit entry for '{}' could not be written; the action is refused", entry.action(), e);
            throw new GlasskeyException(ErrorCode.AUDIT_WRITE_FAILED);
        }
        return entry;
    }

    @Transactional(readOnly = true)
    public List<AuditEntry> latest(int limit) {
        return store.latest(Math.max(1, Math.min(limit, 1000)));
    }

    /** A search of the log (filters, text, paging): newest first. */
    @Transactional(readOnly = true)
    public List<AuditEntry> search(AuditQuery query) {
        return store.search(query);
    }

    @Transactional(readOnly = true)
    public List<AuditEntry> forTarget(String target, int limit) {
        return store.byTarget(target, Math.max(1, Math.min(limit, 1000)));
    }

    /**
     * Walks the chain from the first entry, against the signed checkpoints, and returns the
     * sequence number of the first entry that does not verify, or -1 when none is broken (an
     * untrusted checkpoint breaks no entry: see {@link AuditVerification}).
     */
    public long firstBrokenEntry() {
        AuditVerification v = integrity.verifyDatabase(n -> { }, 0);
        return v.broken() ? v.firstBrokenSeq() : -1;
    }

    private static AuditEntry withHash(AuditEntry e, String hash) {
        return new AuditEntry(e.seq(), e.at(), e.actor(), e.action(), e.target(), e.outcome(), e.reason(),
                e.emergency(), e.flagged(), e.client(), e.detail(), e.prevHash(), hash);
    }

    private static HttpServletRequest currentRequest() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs ? attrs.getRequest() : null;
    }
}
