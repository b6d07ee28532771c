package dev.glasskey.audit;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.glasskey.system.Times;

/** The {@code audit_tally} table (V12): aggregated refusals per window and key, until flushed into the chain. */
@Repository
class TallyStore {
    private static final String KEY = "window_start = :window and client = :client and actor = :actor and action = :action and reason = :reason";

    private final JdbcClient jdbc;

    TallyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One stored row. */
    record Row(RefusalTally.Key key, long refusals, Instant first, Instant last, String sample) {}

    /**
     * Adds {@code count} to the key's row, creating it when this is the first; in the caller's
     * transaction. Two nodes creating one row at once: one gets a {@link org.springframework.dao.DuplicateKeyException}
     * and adds again in a new transaction.
     */
    void add(RefusalTally.Key key, RefusalTally.Count count) {
        if (addTo(key, count) == 0) {
            jdbc.sql("insert into audit_tally (window_start, client, actor, action, reason, refusals, first_at, last_at, sample)"
                            + " values (:window, :client, :actor, :action, :reason, :n, :first, :last, :sample)")
                    .param("window", Times.db(key.windowStart())).param("client", key.client()).param("actor", key.actor())
                    .param("action", key.action()).param("reason", key.reason()).param("n", count.refusals)
                    .param("first", Times.db(count.first)).param("last", Times.db(count.last)).param("sample", count.sample)
                    .update();
        }
    }

    private int addTo(RefusalTally.Key key, RefusalTally.Count count) {
        return jdbc.sql("update audit_tally set refusals = refusals + :n, first_at = least(first_at, :first),"
                        + " last_at = greatest(last_at, :last) where " + KEY)
                .param("n", count.refusals).param("first", Times.db(count.first)).param("last", Times.db(count.last))
                .param("window", Times.db(key.windowStart())).param("client", key.client()).param("actor", key.actor())
                .param("action", key.action()).param("reason", key.reason())
                .update();
    }

    /** The rows of windows that started at or before {@code startedBy}, locked until the transaction ends. */
    List<Row> endedForUpdate(Instant startedBy) {
        return jdbc.sql("select window_start, client, actor, action, reason, refusals, first_at, last_at, sample from audit_tally"
                        + " where window_start <= :before order by window_start, client, actor, action, reason for update")
                .param("before", Times.db(startedBy))
                .query((rs, n) -> new Row(new RefusalTally.Key(Times.instant(rs.getObject(1, OffsetDateTime.class)), rs.getString(2),
                        rs.getString(3), rs.getString(4), rs.getString(5)), rs.getLong(6),
                        Times.instant(rs.getObject(7, OffsetDateTime.class)), Times.instant(rs.getObject(8, OffsetDateTime.class)),
                        rs.getString(9)))
                .list();
    }

    void delete(RefusalTally.Key key) {
        jdbc.sql("delete from audit_tally where " + KEY)
                .param("window", Times.db(key.windowStart())).param("client", key.client()).param("actor", key.actor())
                .param("action", key.action()).param("reason", key.reason())
                .update();
    }
}
