package dev.glasskey.emergency;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.glasskey.system.Times;

@Repository
class EmergencyStore {
    private final JdbcClient jdbc;

    EmergencyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Takes the lockout guard's row lock for the rest of the transaction. */
    void lockGuard() {
        jdbc.sql("select changes from lockout_guard where id = 1 for update").query(Long.class).single();
    }

    void countGuardedChange() {
        jdbc.sql("update lockout_guard set changes = changes + 1 where id = 1").update();
    }

    void insertDrill(Drill d) {
        jdbc.sql("""
                insert into drill (id, account_id, key_id, started_by, reason, created_at, expires_at, closed_at)
                values (:id, :account, :key, :by, :reason, :created, :expires, null)""")
                .param("id", d.id()).param("account", d.accountId()).param("key", d.keyId()).param("by", d.startedBy())
                .param("reason", d.reason()).param("created", Times.db(d.createdAt()))
                .param("expires", Times.db(d.expiresAt())).update();
    }

    Optional<Drill> drill(String id) {
        return jdbc.sql("select * from drill where id = :id").param("id", id).query(EmergencyStore::drill).optional();
    }

    List<Drill> drills(int limit) {
        return jdbc.sql("select * from drill order by created_at desc, id limit :limit")
                .param("limit", limit).query(EmergencyStore::drill).list();
    }

    boolean close(String id, Instant at) {
        return jdbc.sql("update drill set closed_at = :at where id = :id and closed_at is null")
                .param("at", Times.db(at)).param("id", id).update() == 1;
    }

    void insertResult(DrillResult r) {
        jdbc.sql("""
                insert into drill_result (id, drill_id, account_id, key_id, credential_id, at)
                values (:id, :drill, :account, :key, :credential, :at)""")
                .param("id", r.id()).param("drill", r.drillId()).param("account", r.accountId()).param("key", r.keyId())
                .param("credential", r.credentialId()).param("at", Times.db(r.at())).update();
    }

    List<DrillResult> results(String drillId) {
        return jdbc.sql("select * from drill_result where drill_id = :drill order by at, id")
                .param("drill", drillId).query(EmergencyStore::result).list();
    }

    /** The latest successful drill of every pair ever drilled. */
    Map<EmergencyState.Pair, Instant> lastDrills() {
        Map<EmergencyState.Pair, Instant> last = new HashMap<>();
        jdbc.sql("select account_id, key_id, max(at) as last_at from drill_result group by account_id, key_id")
                .query(rs -> {
                    last.put(new EmergencyState.Pair(rs.getString("account_id"), rs.getString("key_id")),
                            Times.instant(rs.getObject("last_at", OffsetDateTime.class)));
                });
        return last;
    }

    Optional<String> lastReadinessStatus() {
        return jdbc.sql("select status from readiness_state where id = 1").query(String.class).optional();
    }

    void saveReadiness(String status, Instant at, String summary) {
        int updated = jdbc.sql("update readiness_state set status = :s, computed_at = :at, summary = :summary where id = 1")
                .param("s", status).param("at", Times.db(at)).param("summary", summary).update();
        if (updated == 0) {
            jdbc.sql("insert into readiness_state (id, status, computed_at, summary) values (1, :s, :at, :summary)")
                    .param("s", status).param("at", Times.db(at)).param("summary", summary).update();
        }
    }

    private static Drill drill(ResultSet rs, int row) throws SQLException {
        OffsetDateTime closed = rs.getObject("closed_at", OffsetDateTime.class);
        return new Drill(rs.getString("id"), rs.getString("account_id"), rs.getString("key_id"), rs.getString("started_by"),
                rs.getString("reason"), Times.instant(rs.getObject("created_at", OffsetDateTime.class)),
                Times.instant(rs.getObject("expires_at", OffsetDateTime.class)), closed == null ? null : Times.instant(closed));
    }

    private static DrillResult result(ResultSet rs, int row) throws SQLException {
        return new DrillResult(rs.getString("id"), rs.getString("drill_id"), rs.getString("account_id"), rs.getString("key_id"),
                rs.getString("credential_id"), Times.instant(rs.getObject("at", OffsetDateTime.class)));
    }
}
