package dev.glasskey.access;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import tools.jackson.databind.json.JsonMapper;

import dev.glasskey.system.Times;

/** SQL for policies, named locations, device CAs, the change version and the decision log (V23). */
@Repository
public class AccessStore {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    AccessStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A stored policy and when it was made and last changed. */
    public record StoredPolicy(Policy policy, Instant createdAt, Instant updatedAt) {}

    public record StoredLocation(NamedLocation location, Instant createdAt, Instant updatedAt) {}

    /** A device CA: its PEM certificate, subject and SHA-256 fingerprint (hex). */
    public record DeviceCa(String id, String name, String certificatePem, String sha256, String subject, Instant notAfter, Instant createdAt) {}

    // --- the change version: one row, bumped by every change, read per decision ---

    long version() {
        return jdbc.sql("select version from access_version where id = 1").query(Long.class).single();
    }

    void bumpVersion() {
        jdbc.sql("update access_version set version = version + 1 where id = 1").update();
    }

    // --- policies ---

    List<StoredPolicy> policies() {
        return jdbc.sql("select * from access_policy order by created_at, id").query(AccessStore::policyRow).list();
    }

    Optional<StoredPolicy> policy(String id) {
        return jdbc.sql("select * from access_policy where id = :id").param("id", id).query(AccessStore::policyRow).optional();
    }

    void insertPolicy(Policy p, Instant now) {
        jdbc.sql("""
                insert into access_policy (id, name, state, definition, created_at, updated_at)
                values (:id, :name, :state, :definition, :now, :now)""")
                .param("id", p.id()).param("name", p.name()).param("state", PolicyDocument.stateName(p.state()))
                .param("definition", JSON.writeValueAsString(PolicyDocument.of(p))).param("now", Times.db(now)).update();
    }

    void updatePolicy(Policy p, Instant now) {
        jdbc.sql("update access_policy set name = :name, state = :state, definition = :definition, updated_at = :now where id = :id")
                .param("id", p.id()).param("name", p.name()).param("state", PolicyDocument.stateName(p.state()))
                .param("definition", JSON.writeValueAsString(PolicyDocument.of(p))).param("now", Times.db(now)).update();
    }

    void deletePolicy(String id) {
        jdbc.sql("delete from access_policy where id = :id").param("id", id).update();
    }

    static StoredPolicy policyRow(ResultSet rs, int n) throws SQLException {
        PolicyDocument document = JSON.readValue(rs.getString("definition"), PolicyDocument.class);
        return new StoredPolicy(document.toPolicy(rs.getString("id")), Times.instant(rs.getObject("created_at", OffsetDateTime.class)),
                Times.instant(rs.getObject("updated_at", OffsetDateTime.class)));
    }

    // --- named locations ---

    List<StoredLocation> locations() {
        return jdbc.sql("select * from access_location order by created_at, id").query(AccessStore::locationRow).list();
    }

    Optional<StoredLocation> location(String id) {
        return jdbc.sql("select * from access_location where id = :id").param("id", id).query(AccessStore::locationRow).optional();
    }

    void insertLocation(NamedLocation l, Instant now) {
        jdbc.sql("""
                insert into access_location (id, name, trusted, ranges, created_at, updated_at)
                values (:id, :name, :trusted, :ranges, :now, :now)""")
                .param("id", l.id()).param("name", l.name()).param("trusted", l.trusted())
                .param("ranges", String.join("\n", l.cidrs())).param("now", Times.db(now)).update();
    }

    void updateLocation(NamedLocation l, Instant now) {
        jdbc.sql("update access_location set name = :name, trusted = :trusted, ranges = :ranges, updated_at = :now where id = :id")
                .param("id", l.id()).param("name", l.name()).param("trusted", l.trusted())
                .param("ranges", String.join("\n", l.cidrs())).param("now", Times.db(now)).update();
    }

    void deleteLocation(String id) {
        jdbc.sql("delete from access_location where id = :id").param("id", id).update();
    }

    static StoredLocation locationRow(ResultSet rs, int n) throws SQLException {
        return new StoredLocation(new NamedLocation(rs.getString("id"), rs.getString("name"),
                Arrays.asList(rs.getString("ranges").split("\n")), rs.getBoolean("trusted")),
                Times.instant(rs.getObject("created_at", OffsetDateTime.class)), Times.instant(rs.getObject("updated_at", OffsetDateTime.class)));
    }

    // --- device CAs ---

    List<DeviceCa> deviceCas() {
        return jdbc.sql("select * from access_device_ca order by created_at, id").query(AccessStore::caRow).list();
    }

    Optional<DeviceCa> deviceCa(String id) {
        return jdbc.sql("select * from access_device_ca where id = :id").param("id", id).query(AccessStore::caRow).optional();
    }

    boolean deviceCaExists(String sha256) {
        return jdbc.sql("select count(*) from access_device_ca where sha256 = :sha").param("sha", sha256).query(Long.class).single() > 0;
    }

    void insertDeviceCa(DeviceCa ca) {
        jdbc.sql("""
                insert into access_device_ca (id, name, certificate, sha256, subject, not_after, created_at)
                values (:id, :name, :certificate, :sha256, :subject, :notAfter, :created)""")
                .param("id", ca.id()).param("name", ca.name()).param("certificate", ca.certificatePem()).param("sha256", ca.sha256())
                .param("subject", ca.subject()).param("notAfter", Times.db(ca.notAfter())).param("created", Times.db(ca.createdAt()))
                .update();
    }

    void deleteDeviceCa(String id) {
        jdbc.sql("delete from access_device_ca where id = :id").param("id", id).update();
    }

    static DeviceCa caRow(ResultSet rs, int n) throws SQLException {
        return new DeviceCa(rs.getString("id"), rs.getString("name"), rs.getString("certificate"), rs.getString("sha256"),
                rs.getString("subject"), Times.instant(rs.getObject("not_after", OffsetDateTime.class)),
                Times.instant(rs.getObject("created_at", OffsetDateTime.class)));
    }

    /** Whether another policy, location or device CA has this name (case-insensitive). */
    boolean nameTaken(String table, String name, String exceptId) {
        String sql = switch (table) {
            case "policy" -> "select count(*) from access_policy where lower(name) = lower(:name) and id <> :id";
            case "location" -> "select count(*) from access_location where lower(name) = lower(:name) and id <> :id";
            default -> "select count(*) from access_device_ca where lower(name) = lower(:name) and id <> :id";
        };
        return jdbc.sql(sql).param("name", name).param("id", exceptId == null ? "" : exceptId).query(Long.class).single() > 0;
    }

    // --- the decision log ---

    /** One recorded decision (issue 17 §3); {@code detail} is the decision's JSON. */
    public record DecisionRow(String id, Instant decidedAt, String accountId, String sessionId, String event, String resource,
                       String clientAddress, boolean deviceCompliant, String enforced, String reportOnly, String detail) {}

    void insertDecision(DecisionRow d) {
        jdbc.sql("""
                insert into access_decision (id, decided_at, account_id, session_id, event, resource, client_address, device_compliant,
                  enforced, report_only, detail)
                values (:id, :at, :account, :session, :event, :resource, :address, :device, :enforced, :reportOnly, :detail)""")
                .param("id", d.id()).param("at", Times.db(d.decidedAt())).param("account", d.accountId()).param("session", d.sessionId())
                .param("event", d.event()).param("resource", d.resource()).param("address", d.clientAddress())
                .param("device", d.deviceCompliant()).param("enforced", d.enforced()).param("reportOnly", d.reportOnly())
                .param("detail", d.detail()).update();
    }

    /** Newest first; every filter optional ({@code outcome}: the enforced one). */
    List<DecisionRow> decisions(String accountId, String sessionId, String outcome, Instant from, Instant to, int limit, int offset) {
        StringBuilder sql = new StringBuilder("select * from access_decision where 1 = 1");
        java.util.Map<String, Object> params = new java.util.LinkedHashMap<>();
        if (accountId != null) {
            sql.append(" and account_id = :account");
            params.put("account", accountId);
        }
        if (sessionId != null) {
            sql.append(" and session_id = :session");
            params.put("session", sessionId);
        }
        if (outcome != null) {
            sql.append(" and enforced = :outcome");
            params.put("outcome", outcome);
        }
        if (from != null) {
            sql.append(" and decided_at >= :from");
            params.put("from", Times.db(from));
        }
        if (to != null) {
            sql.append(" and decided_at < :to");
            params.put("to", Times.db(to));
        }
        sql.append(" order by decided_at desc, id desc limit :limit offset :offset");
        params.put("limit", limit);
        params.put("offset", offset);
        return jdbc.sql(sql.toString()).params(params).query(AccessStore::decisionRow).list();
    }

    static DecisionRow decisionRow(ResultSet rs, int n) throws SQLException {
        return new DecisionRow(rs.getString("id"), Times.instant(rs.getObject("decided_at", OffsetDateTime.class)),
                rs.getString("account_id"), rs.getString("session_id"), rs.getString("event"), rs.getString("resource"),
                rs.getString("client_address"), rs.getBoolean("device_compliant"), rs.getString("enforced"), rs.getString("report_only"),
                rs.getString("detail"));
    }
}
