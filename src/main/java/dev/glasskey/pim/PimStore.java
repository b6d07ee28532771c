package dev.glasskey.pim;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.glasskey.system.Times;

/** PIM's tables (V22) and the held roles ({@code account_role}), which are the permanent active assignments. */
@Repository
class PimStore {
    private final JdbcClient jdbc;

    PimStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The roles of {@code :account} at {@code :now}: held roles and live active assignments (also the per-request query, {@link PimSessionRoles}). */
    static final String CURRENT_ROLES = """
            select role, cast(null as timestamp with time zone) as ends_at from account_role where account_id = :account
            union all
            select role, ends_at from pim_assignment where account_id = :account and kind = 'active' and ended_at is null
              and starts_at <= :now and (ends_at is null or ends_at > :now)""";

    /**
     * The roles an account holds at {@code now}: its held roles and its live active assignments. One
     * statement on two primary-key / account indexes; the per-request read of {@link PimSessionRoles}.
     */
    Set<String> currentRoles(String accountId, Instant now) {
        return new HashSet<>(jdbc.sql(CURRENT_ROLES)
                .param("account", accountId).param("now", Times.db(now)).query((rs, n) -> rs.getString(1)).list());
    }

    /** Locks the account row, so changes to one account's assignments serialise (the order {@code AccountService} takes too). */
    boolean lockAccount(String accountId) {
        return jdbc.sql("select id from account where id = :id for update").param("id", accountId).query(String.class).optional().isPresent();
    }

    void insert(Assignment a) {
        jdbc.sql("""
                insert into pim_assignment (id, account_id, role, kind, starts_at, ends_at, emergency_activatable, source, reason, ticket,
                                            request_id, assigned_by, assigned_at)
                values (:id, :account, :role, :kind, :starts, :ends, :emergency, :source, :reason, :ticket, :request, :by, :at)""")
                .param("id", a.id()).param("account", a.accountId()).param("role", a.role()).param("kind", a.kind())
                .param("starts", Times.db(a.startsAt())).param("ends", a.endsAt() == null ? null : Times.db(a.endsAt()))
                .param("emergency", a.emergencyActivatable()).param("source", a.source()).param("reason", a.reason())
                .param("ticket", a.ticket()).param("request", a.requestId()).param("by", a.assignedBy())
                .param("at", Times.db(a.assignedAt())).update();
    }

    void end(String id, Instant at, String by) {
        jdbc.sql("update pim_assignment set ended_at = :at, ended_by = :by where id = :id and ended_at is null")
                .param("at", Times.db(at)).param("by", by).param("id", id).update();
    }

    Optional<Assignment> find(String id) {
        return jdbc.sql("select * from pim_assignment where id = :id").param("id", id).query(PimStore::assignment).optional();
    }

    /** An account's assignments that have not ended early (live or past), newest first. */
    List<Assignment> ofAccount(String accountId) {
        return jdbc.sql("select * from pim_assignment where account_id = :account and ended_at is null order by assigned_at desc, id")
                .param("account", accountId).query(PimStore::assignment).list();
    }

    /** Every assignment that has not ended early (the caller keeps those live at its instant). */
    List<Assignment> notEnded() {
        return jdbc.sql("select * from pim_assignment where ended_at is null order by role, assigned_at, id")
                .query(PimStore::assignment).list();
    }

    /** Held roles as account id → roles. */
    Map<String, Set<String>> heldRoles() {
        Map<String, Set<String>> held = new HashMap<>();
        jdbc.sql("select account_id, role from account_role").query((ResultSet rs) -> {
            held.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
        });
        return held;
    }

    /** Activations of a role (from its holder or an emergency account), newest first. */
    List<Assignment> activations(String role, int limit) {
        return jdbc.sql("select * from pim_assignment where role = :role and source in ('activation', 'emergency') order by assigned_at desc, id")
                .param("role", role).query(PimStore::assignment).list().stream().limit(limit).toList();
    }

    // --- role settings and approvers

    List<RoleSettings> allSettings() {
        Map<String, Set<String>> approvers = new HashMap<>();
        jdbc.sql("select role, account_id from pim_approver").query((ResultSet rs) -> {
            approvers.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
        });
        return jdbc.sql("select * from pim_role_setting order by role")
                .query((rs, n) -> settings(rs, approvers.getOrDefault(rs.getString("role"), Set.of()))).list();
    }

    Optional<RoleSettings> settings(String role) {
        Set<String> approvers = jdbc.sql("select account_id from pim_approver where role = :role").param("role", role).query(String.class).set();
        return jdbc.sql("select * from pim_role_setting where role = :role").param("role", role)
                .query((rs, n) -> settings(rs, approvers)).optional();
    }

    void saveSettings(RoleSettings s, Instant at, String by) {
        jdbc.sql("""
                update pim_role_setting set max_duration_seconds = :max, approval_required = :approval, approvals_needed = :needed,
                       step_up_seconds = :stepUp, request_ttl_seconds = :ttl, updated_at = :at, updated_by = :by
                where role = :role""")
                .param("max", (int) s.maxDuration().toSeconds()).param("approval", s.approvalRequired())
                .param("needed", s.approvalsNeeded()).param("stepUp", (int) s.stepUp().toSeconds())
                .param("ttl", (int) s.requestTtl().toSeconds()).param("at", Times.db(at)).param("by", by).param("role", s.role()).update();
        jdbc.sql("delete from pim_approver where role = :role").param("role", s.role()).update();
        for (String approver : s.approvers()) {
            jdbc.sql("insert into pim_approver (role, account_id) values (:role, :account)").param("role", s.role())
                    .param("account", approver).update();
        }
    }

    /** The settings of a new (application) role: V22's defaults. */
    void insertDefaultSettings(String role) {
        jdbc.sql("""
                insert into pim_role_setting (role, max_duration_seconds, approval_required, approvals_needed, step_up_seconds, request_ttl_seconds)
                values (:role, 3600, false, 1, 300, 86400)""").param("role", role).update();
    }

    void deleteSettings(String role) {
        jdbc.sql("delete from pim_approver where role = :role").param("role", role).update();
        jdbc.sql("delete from pim_role_setting where role = :role").param("role", role).update();
    }

    /** Cancels the role's pending requests (the role is gone; there is nothing left to approve). */
    void cancelPending(String role, Instant at, String by, String reason) {
        jdbc.sql("""
                update pim_request set status = 'cancelled', decided_at = :at, decided_by = :by, decision_reason = :reason
                where role = :role and status = 'pending'""")
                .param("at", Times.db(at)).param("by", by).param("reason", reason).param("role", role).update();
    }

    /** Time-bound assignments past their end whose expiry is not audited yet (not those removed or deactivated before it), oldest first. */
    List<Assignment> endedByTime(Instant now, int limit) {
        return jdbc.sql("""
                select * from pim_assignment where ended_at is null and ends_at is not null and ends_at <= :now and expiry_audited_at is null
                order by ends_at, id""")
                .param("now", Times.db(now)).query(PimStore::assignment).list().stream().limit(limit).toList();
    }

    /** True for the one caller that marks it (the row lock serialises concurrent sweeps). */
    boolean markExpiryAudited(String id, Instant at) {
        return jdbc.sql("update pim_assignment set expiry_audited_at = :at where id = :id and expiry_audited_at is null")
                .param("at", Times.db(at)).param("id", id).update() == 1;
    }

    // --- requests and approvals

    void insert(ActivationRequest r) {
        jdbc.sql("""
                insert into pim_request (id, account_id, role, duration_seconds, justification, ticket, status, created_at, expires_at)
                values (:id, :account, :role, :duration, :justification, :ticket, :status, :created, :expires)""")
                .param("id", r.id()).param("account", r.accountId()).param("role", r.role())
                .param("duration", (int) r.duration().toSeconds()).param("justification", r.justification()).param("ticket", r.ticket())
                .param("status", r.status()).param("created", Times.db(r.createdAt())).param("expires", Times.db(r.expiresAt())).update();
    }

    Optional<ActivationRequest> findRequestForUpdate(String id) {
        return jdbc.sql("select * from pim_request where id = :id for update").param("id", id).query(this::request).optional();
    }

    List<ActivationRequest> requests(String status) {
        return jdbc.sql("select * from pim_request where status = :status order by created_at, id").param("status", status)
                .query(this::request).list();
    }

    List<ActivationRequest> requestsOf(String accountId) {
        return jdbc.sql("select * from pim_request where account_id = :account order by created_at desc, id").param("account", accountId)
                .query(this::request).list();
    }

    void decide(String id, String status, Instant at, String by, String reason, String assignmentId) {
        jdbc.sql("""
                update pim_request set status = :status, decided_at = :at, decided_by = :by, decision_reason = :reason, assignment_id = :assignment
                where id = :id""")
                .param("status", status).param("at", Times.db(at)).param("by", by).param("reason", reason).param("assignment", assignmentId)
                .param("id", id).update();
    }

    void approve(String requestId, String approverId, Instant at) {
        jdbc.sql("insert into pim_approval (request_id, approver_id, approved_at) values (:request, :approver, :at)")
                .param("request", requestId).param("approver", approverId).param("at", Times.db(at)).update();
    }

    private ActivationRequest request(ResultSet rs, int n) throws SQLException {
        String id = rs.getString("id");
        List<String> approvedBy = jdbc.sql("select approver_id from pim_approval where request_id = :id order by approved_at, approver_id")
                .param("id", id).query(String.class).list();
        String ticket = rs.getString("ticket");
        return new ActivationRequest(id, rs.getString("account_id"), rs.getString("role"), Duration.ofSeconds(rs.getInt("duration_seconds")),
                rs.getString("justification"), ticket, rs.getString("status"), instant(rs, "created_at"), instant(rs, "expires_at"),
                instant(rs, "decided_at"), rs.getString("decided_by"), rs.getString("decision_reason"), rs.getString("assignment_id"),
                approvedBy);
    }

    private static RoleSettings settings(ResultSet rs, Set<String> approvers) throws SQLException {
        return new RoleSettings(rs.getString("role"), Duration.ofSeconds(rs.getInt("max_duration_seconds")), rs.getBoolean("approval_required"),
                rs.getInt("approvals_needed"), Duration.ofSeconds(rs.getInt("step_up_seconds")),
                Duration.ofSeconds(rs.getInt("request_ttl_seconds")), approvers);
    }

    private static Assignment assignment(ResultSet rs, int n) throws SQLException {
        return new Assignment(rs.getString("id"), rs.getString("account_id"), rs.getString("role"), rs.getString("kind"),
                instant(rs, "starts_at"), instant(rs, "ends_at"), rs.getBoolean("emergency_activatable"), rs.getString("source"),
                rs.getString("reason"), rs.getString("ticket"), rs.getString("request_id"), rs.getString("assigned_by"),
                instant(rs, "assigned_at"), instant(rs, "ended_at"), rs.getString("ended_by"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime v = rs.getObject(column, OffsetDateTime.class);
        return v == null ? null : Times.instant(v);
    }
}
