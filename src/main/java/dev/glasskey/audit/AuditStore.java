package dev.glasskey.audit;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.glasskey.system.Times;

@Repository
class AuditStore {
    private final JdbcClient jdbc;

    AuditStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Locks the chain head row for the rest of the transaction and returns (seq, hash). */
    Head lockHead() {
        return jdbc.sql("select seq, hash from audit_head where id = 1 for update")
                .query((rs, n) -> new Head(rs.getLong(1), rs.getString(2))).single();
    }

    void append(AuditEntry e) {
        jdbc.sql("""
                insert into audit_event (seq, at, actor, action, target, outcome, reason, emergency, flagged, client, detail, prev_hash, hash)
                values (:seq, :at, :actor, :action, :target, :outcome, :reason, :emergency, :flagged, :client, :detail, :prev, :hash)""")
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

    List<AuditEntry> range(long fromSeq, int limit) {
        return jdbc.sql("select * from audit_event where seq >= :from order by seq fetch first :limit rows only")
                .param("from", fromSeq).param("limit", limit).query(AuditStore::row).list();
    }

    List<AuditEntry> byTarget(String target, int limit) {
        return jdbc.sql("select * from audit_event where target = :target order by seq desc fetch first :limit rows only")
                .param("target", target).param("limit", limit).query(AuditStore::row).list();
    }

    Optional<Head> head() {
        return jdbc.sql("select seq, hash from audit_head where id = 1").query((rs, n) -> new Head(rs.getLong(1), rs.getString(2))).optional();
    }

    private static AuditEntry row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new AuditEntry(rs.getLong("seq"), Times.instant(rs.getObject("at", OffsetDateTime.class)),
                rs.getString("actor"), rs.getString("action"), rs.getString("target"), rs.getString("outcome"),
                rs.getString("reason"), rs.getBoolean("emergency"), rs.getBoolean("flagged"), rs.getString("client"),
                rs.getString("detail"), rs.getString("prev_hash"), rs.getString("hash"));
    }

    record Head(long seq, String hash) {}
}
