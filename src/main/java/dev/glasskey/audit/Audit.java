package dev.glasskey.audit;

import java.time.Clock;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import dev.glasskey.system.Times;

/**
 * The one entry point for the audit log. {@link #record} joins the caller's transaction:
 * if the entry cannot be written the action fails with it (fail closed), and a rolled-back
 * action leaves no entry claiming it happened.
 */
@Service
public class Audit {
    private static final int MAX_DETAIL = 2000;

    private final AuditStore store;
    private final Clock clock;
    private final List<AuditListener> listeners;

    Audit(AuditStore store, Clock clock, List<AuditListener> listeners) {
        this.store = store;
        this.clock = clock;
        this.listeners = List.copyOf(listeners);
    }

    @Transactional(propagation = Propagation.REQUIRED)
    public AuditEntry record(AuditEvent event) {
        AuditStore.Head head = store.lockHead();
        AuditEntry unhashed = new AuditEntry(head.seq() + 1, Times.now(clock), event.actor().label(), event.action(),
                event.target(), event.outcome().name().toLowerCase(), event.reason(), event.emergency(),
                event.flagged(), clientAddress(), truncate(event.detail()), head.hash(), null);
        AuditEntry entry = withHash(unhashed, AuditChain.hash(unhashed));
        store.append(entry);
        for (AuditListener listener : listeners) {
            listener.onRecorded(entry);
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
     * Walks the chain from the first entry and returns the sequence number of the first entry
     * whose hash or link does not verify, or -1 when the whole chain (and the head) verify.
     */
    @Transactional(readOnly = true)
    public long firstBrokenEntry() {
        String prev = AuditChain.GENESIS;
        long expectedSeq = 1;
        while (true) {
            List<AuditEntry> page = store.range(expectedSeq, 5000);
            if (page.isEmpty()) break;
            for (AuditEntry e : page) {
                if (e.seq() != expectedSeq || !e.prevHash().equals(prev) || !AuditChain.hash(e).equals(e.hash())) {
                    return expectedSeq;
                }
                prev = e.hash();
                expectedSeq++;
            }
        }
        AuditStore.Head head = store.head().orElseThrow();
        return head.seq() == expectedSeq - 1 && head.hash().equals(prev) ? -1 : expectedSeq;
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
