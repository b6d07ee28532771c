package dev.glasskey.pim;

import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.glasskey.system.Times;

/**
 * The reads behind {@link PimReports} (V22's tables), apart from {@link PimStore} so the console's
 * reports and the rules' store change independently.
 */
@Repository
class PimReportStore {
    private final JdbcClient jdbc;

    PimReportStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Emergency activations in force at {@code now}, soonest end first. */
    List<Assignment> runningEmergencyActivations(Instant now) {
        return jdbc.sql("""
                select * from pim_assignment where source = 'emergency' and kind = 'active' and ended_at is null
                  and starts_at <= :now and ends_at > :now order by ends_at, id""")
                .param("now", Times.db(now)).query((rs, n) -> PimReportStore.assignment(rs)).list();
    }

    /** Whether any request is pending for a role this account approves (the cheap test before the full filter). */
    boolean anyPendingFor(String approverId) {
        return jdbc.sql("""
                select count(*) from pim_request r join pim_approver p on p.role = r.role
                where r.status = 'pending' and p.account_id = :approver and r.account_id <> :approver""")
                .param("approver", approverId).query(Long.class).single() > 0;
    }

    /** "account role" → the start of the account's newest activation of that role (from its holder or an emergency account). */
    Map<String, Instant> lastActivations() {
        Map<String, Instant> last = new HashMap<>();
        jdbc.sql("""
                select account_id, role, max(starts_at) as last_at from pim_assignment where source in ('activation', 'emergency')
                group by account_id, role""").query((ResultSet rs) -> {
            OffsetDateTime at = rs.getObject("last_at", OffsetDateTime.class);
            last.put(rs.getString("account_id") + " " + rs.getString("role"), Times.instant(at));
        });
        return last;
    }

    private static Assignment assignment(ResultSet rs) throws java.sql.SQLException {
        return new Assignment(rs.getString("id"), rs.getString("account_id"), rs.getString("role"), rs.getString("kind"),
                instant(rs, "starts_at"), instant(rs, "ends_at"), rs.getBoolean("emergency_activatable"), rs.getString("source"),
                rs.getString("reason"), rs.getString("ticket"), rs.getString("request_id"), rs.getString("assigned_by"),
                instant(rs, "assigned_at"), instant(rs, "ended_at"), rs.getString("ended_by"));
    }

    private static Instant instant(ResultSet rs, String column) throws java.sql.SQLException {
        OffsetDateTime v = rs.getObject(column, OffsetDateTime.class);
        return v == null ? null : Times.instant(v);
    }
}
