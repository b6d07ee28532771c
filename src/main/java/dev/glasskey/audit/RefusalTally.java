package dev.glasskey.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.glasskey.system.Untrusted;

/**
 * Aggregated refusals ({@link AuditEvent#aggregated}), counted per window
 * ({@code glasskey.audit.refusal-window}, 5 minutes) and key (client address, actor, action,
 * code).
 *
 * <p>Where the counts live, and why: counting a refusal costs no database work — a map entry in
 * memory — because a count that wrote to the database on every request would hand a flood the
 * database (a hot row, the connection pool), which the next valid emergency sign-in needs. Every
 * {@code glasskey.audit.refusal-checkpoint-interval} (10 s) this node adds what it counted to the
 * {@code audit_tally} table (V12), one row per key and window, shared by all nodes; so the counts
 * are durable within seconds, survive a restart (a graceful stop writes them at once), and a crash
 * loses at most one interval's. {@link RefusalFlush} turns ended windows into entries of the chain.
 *
 * <p>Memory is bounded too: beyond {@link #MAX_KEYS} keys in one interval, further new keys are
 * counted under the client {@link #MANY_ADDRESSES}, so a flood from very many addresses is still
 * counted, in one row.
 */
@Component
class RefusalTally {
    static final int MAX_KEYS = 10_000;
    static final String MANY_ADDRESSES = "(many addresses)";
    private static final int SAMPLE = 300;
    private static final Logger log = LoggerFactory.getLogger(RefusalTally.class);

    private final TallyStore store;
    private final Duration window;
    private final TransactionTemplate tx;
    private final Map<Key, Count> pending = new ConcurrentHashMap<>();

    RefusalTally(TallyStore store, @Value("${glasskey.audit.refusal-window:PT5M}") Duration window,
                 PlatformTransactionManager transactionManager) {
        if (window.isNegative() || window.toSeconds() < 1) {
            throw new IllegalArgumentException("glasskey.audit.refusal-window must be at least one second, not " + window);
        }
        this.store = store;
        this.window = window;
        this.tx = new TransactionTemplate(transactionManager);
    }

    /** One key of the tally: the window it falls in, who was refused from where, and how. */
    record Key(Instant windowStart, String client, String actor, String action, String reason) {}

    /** The refusals of one key: how many, the first and last, and the detail of the first. */
    static final class Count {
        long refusals;
        Instant first;
        Instant last;
        final String sample;

        Count(Instant at, String sample) {
            this.first = at;
            this.last = at;
            this.sample = sample;
        }

        void add(long n, Instant at) {
            refusals += n;
            if (at.isBefore(first)) first = at;
            if (at.isAfter(last)) last = at;
        }
    }

    Duration window() {
        return window;
    }

    /** Counts one refusal at {@code at}, in memory. */
    void count(String client, AuditEvent event, Instant at) {
        Key key = new Key(windowStart(at), bounded(client, Audit.CLIENT), bounded(event.actor().label(), Audit.ACTOR),
                bounded(event.action(), Audit.ACTION), bounded(event.reason(), Audit.REASON));
        if (pending.size() >= MAX_KEYS && !pending.containsKey(key)) {
            key = new Key(key.windowStart(), MANY_ADDRESSES, key.actor(), key.action(), key.reason());
        }
        String sample = Untrusted.clip(event.detail(), SAMPLE);
        pending.compute(key, (k, c) -> {
            Count count = c == null ? new Count(at, sample) : c;
            count.add(1, at);
            return count;
        });
    }

    /**
     * Adds this node's counts to {@code audit_tally}, one short transaction per key (so a row another
     * node inserted a moment before is simply added to). What cannot be written stays in memory for
     * the next time.
     */
    void checkpoint() {
        for (Key key : pending.keySet()) {
            Count count = pending.remove(key);
            if (count == null) {
                continue;
            }
            try {
                write(key, count);
            } catch (DataAccessException e) {
                log.warn("Refusal counts could not be written ({}); kept for the next checkpoint", e.getClass().getSimpleName());
                pending.merge(key, count, (a, b) -> {
                    a.add(b.refusals, b.first);
                    a.add(0, b.last);
                    return a;
                });
                return;
            }
        }
    }

    /** A graceful stop writes what this node counted. */
    @PreDestroy
    void checkpointOnStop() {
        try {
            checkpoint();
        } catch (RuntimeException e) {
            log.warn("Refusal counts could not be written at shutdown: {}", e.getClass().getSimpleName());
        }
    }

    private void write(Key key, Count count) {
        try {
            tx.executeWithoutResult(s -> store.add(key, count));
        } catch (DuplicateKeyException anotherNodeFirst) {
            tx.executeWithoutResult(s -> store.add(key, count));
        }
    }

    Instant windowStart(Instant at) {
        long seconds = window.toSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), seconds) * seconds);
    }

    private static String bounded(String value, int max) {
        return value == null ? "" : Untrusted.clip(value, max);
    }
}
