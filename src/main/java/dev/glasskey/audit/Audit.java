package dev.glasskey.audit;

import java.time.Clock;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Times;

/**
 * The one entry point for the audit log. {@link #record} joins the caller's transaction:
 * if the entry cannot be written the action fails with it (fail closed), and a rolled-back
 * action leaves no entry claiming it happened.
 */
@Service
public class Audit {
    private static final int MAX_DETAIL = 2000;
    private static final Logger log = LoggerFactory.getLogger(Audit.class);

    private final AuditStore store;
    private final Clock clock;
    private final List<AuditListener> listeners;
    private final AuditIntegrity integrity;

    Audit(AuditStore store, Clock clock, List<AuditListener> listeners, AuditIntegrity integrity) {
        this.store = store;
        this.clock = clock;
        this.listeners = List.copyOf(listeners);
        this.integrity = integrity;
    }

    @Transactional(propagation = Propagation.REQUIRED)
    public AuditEntry record(AuditEvent event) {
        AuditStore.Head head = store.lockHead();
        AuditEntry unhashed = new AuditEntry(head.seq() + 1, Times.now(clock), event.actor().label(), event.action(),
                event.target(), event.outcome().name().toLowerCase(), event.reason(), event.emergency(),
                event.flagged(), clientAddress(), truncate(event.detail()), head.hash(), null);
        AuditEntry entry = withHash(unhashed, AuditChain.hash(unhashed));
        try {
            store.append(entry);
            for (AuditListener listener : listeners) {
                listener.onRecorded(entry);
            }
        } catch (DataAccessException e) {
            // Fail closed: the caller's transaction rolls back with this, so the action does not happen.
            log.error("Audit entry for '{}' could not be written; the action is refused", event.action(), e);
            throw new GlasskeyException(ErrorCode.AUDIT_WRITE_FAILED);
        }
        return entry;
    }

    @Transactional(readOnly = true)
    public List<AuditEntry> latest(int limit) {
        return store.latest(Math.max(1, Math.min(limit, 1000)));
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

    private static String truncate(String detail) {
        return detail == null || detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL);
    }

    private static String clientAddress() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attrs) {
            HttpServletRequest request = attrs.getRequest();
            return request.getRemoteAddr();
        }
        return null;
    }
}
