package dev.glasskey.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import tools.jackson.databind.json.JsonMapper;

import dev.glasskey.system.Actor;
import dev.glasskey.system.Times;

/**
 * Turns the aggregated refusals of ended windows into audit entries: one per window, client
 * address, actor and action, in the chain like any other entry (so it is hashed, checkpointed,
 * exported and verified; alert rules see it). Its {@code reason} is the most frequent code and its
 * {@code detail} a JSON object: {@code refusals} (how many), {@code first} and {@code last} (when),
 * {@code window} (its start) and {@code codes} (how many of each), and the detail of the first.
 *
 * <p>Every node adds its counts to the table every {@code glasskey.audit.refusal-checkpoint-interval}
 * (no lock: each writes its own); one node at a time (a ShedLock lease, as the other jobs) flushes
 * windows that ended at least two checkpoint intervals ago, so every node's counts of a window are
 * in before it is flushed — a count that arrives later still is flushed as an entry of its own.
 */
@Component
public class RefusalFlush {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RefusalTally tally;
    private final TallyStore store;
    private final Audit audit;
    private final AuditStore auditStore;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final boolean scheduled;
    private final Duration grace;

    RefusalFlush(RefusalTally tally, TallyStore store, Audit audit, AuditStore auditStore, Clock clock,
                 PlatformTransactionManager transactionManager,
                 @Value("${glasskey.audit.refusal-flush-enabled:true}") boolean scheduled,
                 @Value("${glasskey.audit.refusal-checkpoint-interval:PT10S}") Duration checkpointInterval) {
        this.tally = tally;
        this.store = store;
        this.audit = audit;
        this.auditStore = auditStore;
        this.clock = clock;
        this.tx = new TransactionTemplate(transactionManager);
        this.scheduled = scheduled;
        this.grace = checkpointInterval.multipliedBy(2);
    }

    @Scheduled(fixedDelayString = "${glasskey.audit.refusal-checkpoint-interval:PT10S}",
            initialDelayString = "${glasskey.audit.refusal-checkpoint-interval:PT10S}")
    void checkpoint() {
        if (scheduled) {
            tally.checkpoint();
        }
    }

    @Scheduled(fixedDelayString = "PT30S", initialDelayString = "PT30S")
    @SchedulerLock(name = "audit-refusal-flush", lockAtMostFor = "PT5M")
    void flushEnded() {
        if (scheduled) {
            flush(Times.now(clock).minus(grace));
        }
    }

    /**
     * Writes this node's counts, then turns every window that ended by {@code upTo} into entries
     * (a time past now flushes the current window too) and removes its rows, in one transaction.
     * Returns the number of entries written.
     */
    public int flush(Instant upTo) {
        tally.checkpoint();
        Integer written = tx.execute(s -> {
            // The chain head first, then the tally rows: the order in which any transaction takes them.
            auditStore.lockHead();
            Map<Group, List<TallyStore.Row>> groups = new LinkedHashMap<>();
            for (TallyStore.Row row : store.endedForUpdate(upTo.minus(tally.window()))) {
                RefusalTally.Key k = row.key();
                groups.computeIfAbsent(new Group(k.windowStart(), k.client(), k.actor(), k.action()), g -> new ArrayList<>()).add(row);
            }
            Instant now = Times.now(clock);
            for (Map.Entry<Group, List<TallyStore.Row>> group : groups.entrySet()) {
                audit.append(entry(group.getKey(), group.getValue()), group.getKey().client().isEmpty() ? null : group.getKey().client(), now);
                group.getValue().forEach(row -> store.delete(row.key()));
            }
            return groups.size();
        });
        return written == null ? 0 : written;
    }

    private record Group(Instant windowStart, String client, String actor, String action) {}

    private static AuditEvent entry(Group group, List<TallyStore.Row> rows) {
        long total = rows.stream().mapToLong(TallyStore.Row::refusals).sum();
        Instant first = rows.stream().map(TallyStore.Row::first).min(Comparator.naturalOrder()).orElseThrow();
        Instant last = rows.stream().map(TallyStore.Row::last).max(Comparator.naturalOrder()).orElseThrow();
        Map<String, Long> codes = new TreeMap<>();
        rows.forEach(row -> codes.merge(row.key().reason(), row.refusals(), Long::sum));
        TallyStore.Row top = rows.stream()
                .max(Comparator.comparingLong(TallyStore.Row::refusals).thenComparing(r -> r.key().reason(), Comparator.reverseOrder()))
                .orElseThrow();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("refusals", total);
        detail.put("first", first.toString());
        detail.put("last", last.toString());
        detail.put("window", group.windowStart().toString());
        detail.put("codes", codes);
        if (top.sample() != null) {
            detail.put("sample", top.sample());
        }
        Actor actor = new Actor(group.actor(), group.actor());
        return new AuditEvent(actor, group.action(), null, AuditEvent.Outcome.FAILURE, top.key().reason().isEmpty() ? null : top.key().reason(),
                false, false, JSON.writeValueAsString(detail), false);
    }
}
