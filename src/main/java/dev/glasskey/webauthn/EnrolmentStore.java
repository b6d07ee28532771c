package dev.glasskey.webauthn;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.glasskey.system.Times;

@Repository
class EnrolmentStore {
    private final JdbcClient jdbc;

    EnrolmentStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Enrolment e) {
        jdbc.sql("""
                insert into enrolment (token_hash, account_id, key_id, purpose, created_by, created_at, expires_at, used_at)
                values (:t, :a, :k, :p, :by, :created, :expires, null)""")
                .param("t", e.tokenHash()).param("a", e.accountId()).param("k", e.keyId()).param("p", e.purpose())
                .param("by", e.createdBy()).param("created", Times.db(e.createdAt())).param("expires", Times.db(e.expiresAt()))
                .update();
    }

    Optional<Enrolment> find(String tokenHash) {
        return jdbc.sql("select * from enrolment where token_hash = :t").param("t", tokenHash).query(EnrolmentStore::row).optional();
    }

    /**
     * Marks the link used; true only for the one caller that did so (single use under concurrency).
     * A link revoked ({@link #revoke}: expired early) by a transaction that committed first is not
     * used: the two updates of the row take turns.
     */
    boolean markUsed(String tokenHash, Instant at) {
        return jdbc.sql("update enrolment set used_at = :at where token_hash = :t and used_at is null and expires_at > :at")
                .param("at", Times.db(at)).param("t", tokenHash).update() == 1;
    }

    /** Ends a pending link now, revoked by {@code by}; true when it was pending. */
    boolean revoke(String tokenHash, Instant at, String by) {
        return jdbc.sql("""
                update enrolment set expires_at = :at, revoked_at = :at, revoked_by = :by
                where token_hash = :t and used_at is null and expires_at > :at""")
                .param("at", Times.db(at)).param("by", by).param("t", tokenHash).update() == 1;
    }

    /** Every link, used and expired ones too, newest first (at most {@code limit}). */
    List<Enrolment> recent(int limit) {
        return jdbc.sql("select * from enrolment order by created_at desc, token_hash fetch first :limit rows only")
                .param("limit", limit).query(EnrolmentStore::row).list();
    }

    List<Enrolment> pending(Instant now) {
        return jdbc.sql("select * from enrolment where used_at is null and expires_at > :now order by created_at")
                .param("now", Times.db(now)).query(EnrolmentStore::row).list();
    }

    static Enrolment row(ResultSet rs, int n) throws SQLException {
        return new Enrolment(rs.getString("token_hash"), rs.getString("account_id"), rs.getString("key_id"),
                rs.getString("purpose"), rs.getString("created_by"),
                Times.instant(rs.getObject("created_at", OffsetDateTime.class)),
                Times.instant(rs.getObject("expires_at", OffsetDateTime.class)),
                Times.instant(rs.getObject("used_at", OffsetDateTime.class)),
                Times.instant(rs.getObject("revoked_at", OffsetDateTime.class)), rs.getString("revoked_by"));
    }
}
