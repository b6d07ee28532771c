package dev.glasskey.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Repository;

import dev.glasskey.system.Times;

@Repository
class AuditStore {
    private static final String COLUMNS = "seq, at, actor, action, target, outcome, reason, emergency, flagged, client, detail, prev_hash, hash";

    private final JdbcClient jdbc;
    private final DataSource dataSource;

    AuditStore(JdbcClient jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
    }

    /** Locks the chain head row for the rest of the transaction and returns (seq, hash). */
    Head lockHead() {
        return jdbc.sql("select seq, hash from audit_head where id = 1 for update")
                .query((rs, n) -> new Head(rs.getLong(1), rs.getString(2))).single();
    }

    void append(AuditEntry e) {
        jdbc.sql("insert into audit_event (" + COLUMNS + ") values (:seq, :at, :actor, :action, :target, :outcome, :reason,"
                        + " :emergency, :flagged, :client, :detail, :prev, :hash)")
                .param("seq", e.seq()).param("at", Times.db(e.at())).param("actor", e.actor())
                .param("action", e.action()).param("target", e.target()).param("outcome", e.outcome())
                .param("reason", e.reason()).param("emergency", e.emergency()).param("flagged", e.flagged())
                .param("client", e.client()).param("detail", e.detail()).param("prev", e.prevHash()).param("hash", e.hash())
                .update();
        jdbc.sql("update audit_head set seq = :seq, hash = :hash where id = 1")
                .param("seq", e.seq()).param("hash", e.hash()).update();
    }

    List<AuditEntry> latest(int limit) {
        return jdbc.sql("select * from audit_event order by seq desc fetch first :limit rows only")
                .param("limit", limit).query(AuditStore::row).list();
    }

    /** The entries a search matches, newest first: every condition a bound parameter (LIKE patterns escaped). */
    List<AuditEntry> search(AuditQuery q) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        java.util.Map<String, Object> params = new java.util.LinkedHashMap<>();
        if (q.action() != null) {
            String action = q.action();
            if (action.endsWith("*") || action.endsWith(".")) {
                where.append(" and action like :action escape '\\'");
                params.put("action", like(action.endsWith("*") ? action.substring(0, action.length() - 1) : action) + "%");
            } else {
                where.append(" and action = :action");
                params.put("action", action);
            }
        }
        if (q.actor() != null) {
            where.append(" and lower(actor) like :actor escape '\\'");
            params.put("actor", "%" + like(q.actor().toLowerCase(java.util.Locale.ROOT)) + "%");
        }
        if (q.target() != null) {
            where.append(" and target = :target");
            params.put("target", q.target());
        }
        if (q.outcome() != null) {
            where.append(" and outcome = :outcome");
            params.put("outcome", q.outcome());
        }
        if (q.flagged() != null) {
            where.append(" and flagged = :flagged");
            params.put("flagged", q.flagged());
        }
        if (q.from() != null) {
            where.append(" and at >= :from");
            params.put("from", Times.db(q.from()));
        }
        if (q.to() != null) {
            where.append(" and at < :to");
            params.put("to", Times.db(q.to()));
        }
        if (q.text() != null) {
            where.append(" and (lower(detail) like :text escape '\\' or lower(reason) like :text escape '\\')");
            params.put("text", "%" + like(q.text().toLowerCase(java.util.Locale.ROOT)) + "%");
        }
        if (q.beforeSeq() != null) {
            where.append(" and seq < :before");
            params.put("before", q.beforeSeq());
        }
        params.put("limit", q.limit());
        return jdbc.sql("select * from audit_event" + where + " order by seq desc fetch first :limit rows only")
                .params(params).query(AuditStore::row).list();
    }

    /** Client text inside a LIKE pattern matches itself only. */
    private static String like(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    List<AuditEntry> byTarget(String target, int limit) {
        return jdbc.sql("select * from audit_event where target = :target order by seq desc fetch first :limit rows only")
                .param("target", target).param("limit", limit).query(AuditStore::row).list();
    }

    Optional<Head> head() {
        return jdbc.sql("select seq, hash from audit_head where id = 1").query((rs, n) -> new Head(rs.getLong(1), rs.getString(2))).optional();
    }

    /** The hash of one entry, if it is stored. */
    Optional<String> hashOf(long seq) {
        return jdbc.sql("select hash from audit_event where seq = :seq").param("seq", seq).query(String.class).optional();
    }

    /**
     * Visits entries with {@code fromExclusive < seq <= toInclusive} in order, in pages by key
     * (no long-lived cursor, so the same code streams on H2 and PostgreSQL) until the visitor
     * returns false. Plain JDBC on the transaction's connection with one prepared statement for
     * all pages: this loop reads millions of rows in {@code audit verify}, and the per-row cost of
     * a row mapper showed in the benchmark (docs/PERFORMANCE.md).
     */
    void stream(long fromExclusive, long toInclusive, int pageSize, EntryVisitor visitor) {
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try (PreparedStatement page = connection.prepareStatement("select " + COLUMNS
                + " from audit_event where seq > ? and seq <= ? order by seq fetch first " + pageSize + " rows only")) {
            page.setFetchSize(pageSize);
            long after = fromExclusive;
            while (after < toInclusive) {
                page.setLong(1, after);
                page.setLong(2, toInclusive);
                int rows = 0;
                try (ResultSet rs = page.executeQuery()) {
                    while (rs.next()) {
                        long seq = rs.getLong(1);
                        rows++;
                        after = seq;
                        OffsetDateTime at = rs.getObject(2, OffsetDateTime.class);
                        if (!visitor.visit(seq, AuditChain.instantText(at), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getBoolean(8), rs.getBoolean(9),
                                rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13))) {
                            return;
                        }
                    }
                }
                if (rows < pageSize) {
                    return;
                }
            }
        } catch (SQLException e) {
            throw new UncategorizedSQLException("reading the audit log", null, e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    /** One entry's columns, {@code at} as {@link java.time.Instant#toString()}; return false to stop. */
    interface EntryVisitor {
        boolean visit(long seq, String at, String actor, String action, String target, String outcome, String reason,
                      boolean emergency, boolean flagged, String client, String detail, String prevHash, String hash);
    }

    void insertCheckpoint(AuditCheckpoint c) {
        jdbc.sql("insert into audit_checkpoint (seq, head_hash, signed_at, key_id, signature) values (:seq, :hash, :at, :key, :sig)")
                .param("seq", c.seq()).param("hash", c.headHash()).param("at", Times.db(c.signedAt()))
                .param("key", c.keyId()).param("sig", c.signature()).update();
    }

    List<AuditCheckpoint> checkpoints() {
        return jdbc.sql("select seq, head_hash, signed_at, key_id, signature from audit_checkpoint order by seq")
                .query((rs, n) -> new AuditCheckpoint(rs.getLong(1), rs.getString(2),
                        Times.instant(rs.getObject(3, OffsetDateTime.class)), rs.getString(4), rs.getString(5)))
                .list();
    }

    long lastCheckpointSeq() {
        return jdbc.sql("select coalesce(max(seq), 0) from audit_checkpoint").query(Long.class).single();
    }

    private static AuditEntry row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new AuditEntry(rs.getLong("seq"), Times.instant(rs.getObject("at", OffsetDateTime.class)),
                rs.getString("actor"), rs.getString("action"), rs.getString("target"), rs.getString("outcome"),
                rs.getString("reason"), rs.getBoolean("emergency"), rs.getBoolean("flagged"), rs.getString("client"),
                rs.getString("detail"), rs.getString("prev_hash"), rs.getString("hash"));
    }

    record Head(long seq, String hash) {}
}
