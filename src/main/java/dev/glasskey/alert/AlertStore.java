package dev.glasskey.alert;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import tools.jackson.databind.json.JsonMapper;

import dev.glasskey.system.SealedColumn;
import dev.glasskey.system.Sealing;
import dev.glasskey.system.Times;

@Repository
class AlertStore {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;
    private final Sealing sealing;

    AlertStore(JdbcClient jdbc, Sealing sealing) {
        this.jdbc = jdbc;
        this.sealing = sealing;
    }

    // ---- rules

    List<AlertRule> rules() {
        return jdbc.sql("select * from alert_rule order by id").query(AlertStore::rule).list();
    }

    Optional<AlertRule> rule(String id) {
        return jdbc.sql("select * from alert_rule where id = :id").param("id", id).query(AlertStore::rule).optional();
    }

    void upsertRule(AlertRule r) {
        int updated = jdbc.sql("""
                update alert_rule set description = :d, actions = :a, outcome = :o, reason = :r, emergency_only = :e,
                flagged_only = :f, severity = :s, enabled = :en where id = :id""")
                .paramSource(ruleParams(r)).update();
        if (updated == 0) {
            jdbc.sql("""
                    insert into alert_rule (id, description, actions, outcome, reason, emergency_only, flagged_only, severity, enabled)
                    values (:id, :d, :a, :o, :r, :e, :f, :s, :en)""").paramSource(ruleParams(r)).update();
            // Its coalescing row, in the same transaction: every node that sees the rule sees the row.
            jdbc.sql("insert into alert_window (rule_id, delivered, suppressed) values (:id, 0, 0)").param("id", r.id()).update();
        }
    }

    /** Deletes a rule; its coalescing row goes with it (on delete cascade). */
    boolean deleteRule(String id) {
        return jdbc.sql("delete from alert_rule where id = :id").param("id", id).update() == 1;
    }

    private static Map<String, Object> ruleParams(AlertRule r) {
        java.util.HashMap<String, Object> p = new java.util.HashMap<>();
        p.put("id", r.id());
        p.put("d", r.description());
        p.put("a", String.join(",", r.actions()));
        p.put("o", r.outcome());
        p.put("r", r.reason());
        p.put("e", r.emergencyOnly());
        p.put("f", r.flaggedOnly());
        p.put("s", r.severity().value());
        p.put("en", r.enabled());
        return p;
    }

    private static AlertRule rule(ResultSet rs, int n) throws SQLException {
        return new AlertRule(rs.getString("id"), rs.getString("description"),
                Arrays.stream(rs.getString("actions").split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList(),
                rs.getString("outcome"), rs.getString("reason"), rs.getBoolean("emergency_only"), rs.getBoolean("flagged_only"),
                Severity.valueOf(rs.getString("severity").toUpperCase(java.util.Locale.ROOT)), rs.getBoolean("enabled"));
    }

    // ---- channels

    List<AlertChannel> channels() {
        return jdbc.sql("select * from alert_channel order by name").query(AlertStore::channel).list();
    }

    List<AlertChannel> enabledChannels() {
        return jdbc.sql("select * from alert_channel where enabled = true").query(AlertStore::channel).list();
    }

    /** The ids of the enabled channels that receive audit checkpoints. */
    List<String> checkpointChannels() {
        return jdbc.sql("select id from alert_channel where enabled = true and receives_checkpoints = true").query(String.class).list();
    }

    Optional<AlertChannel> channel(String id) {
        return jdbc.sql("select * from alert_channel where id = :id").param("id", id).query(AlertStore::channel).optional();
    }

    Optional<AlertChannel> channelForUpdate(String id) {
        return jdbc.sql("select * from alert_channel where id = :id for update").param("id", id).query(AlertStore::channel).optional();
    }

    /** A channel's secret as stored: sealed under the key-encryption key, for this channel's row only. */
    String seal(String channelId, String secret) {
        return sealing.seal(SealedColumn.ALERT_CHANNEL, channelId, secret);
    }

    /** A channel's secret in clear, for a send (null when it has none); a value that does not open throws {@code secret.unreadable}. */
    String openSecret(AlertChannel channel) {
        return sealing.open(SealedColumn.ALERT_CHANNEL, channel.id(), channel.sealedSecret());
    }

    boolean nameTaken(String name, String exceptId) {
        return jdbc.sql("select count(*) from alert_channel where name = :n and id <> :id").param("n", name)
                .param("id", exceptId == null ? "" : exceptId).query(Long.class).single() > 0;
    }

    void insertChannel(AlertChannel c) {
        jdbc.sql("""
                insert into alert_channel (id, name, type, enabled, min_severity, settings, secret, created_at, updated_at, consecutive_failures,
                receives_checkpoints)
                values (:id, :name, :type, :enabled, :min, :settings, :secret, :at, :at, 0, :checkpoints)""")
                .param("id", c.id()).param("name", c.name()).param("type", c.type().value()).param("enabled", c.enabled())
                .param("checkpoints", c.receivesCheckpoints())
                .param("min", c.minSeverity().value()).param("settings", JSON.writeValueAsString(c.settings()))
                .param("secret", c.sealedSecret()).param("at", Times.db(c.createdAt())).update();
    }

    void updateChannel(AlertChannel c) {
        jdbc.sql("""
                update alert_channel set name = :name, enabled = :enabled, min_severity = :min, settings = :settings, secret = :secret,
                updated_at = :at, receives_checkpoints = :checkpoints where id = :id""")
                .param("id", c.id()).param("name", c.name()).param("enabled", c.enabled()).param("checkpoints", c.receivesCheckpoints())
                .param("min", c.minSeverity().value()).param("settings", JSON.writeValueAsString(c.settings()))
                .param("secret", c.sealedSecret()).param("at", Times.db(c.updatedAt())).update();
    }

    /** Deletes a channel and its outbox rows; returns how many of them were still undelivered. */
    int deleteChannel(String id) {
        int pending = jdbc.sql("select count(*) from alert_delivery where channel_id = :id and status = 'pending'")
                .param("id", id).query(Integer.class).single();
        jdbc.sql("delete from alert_delivery where channel_id = :id").param("id", id).update();
        jdbc.sql("delete from alert_channel where id = :id").param("id", id).update();
        return pending;
    }

    private static AlertChannel channel(ResultSet rs, int n) throws SQLException {
        return new AlertChannel(rs.getString("id"), rs.getString("name"),
                AlertChannel.Type.valueOf(rs.getString("type").toUpperCase(java.util.Locale.ROOT)), rs.getBoolean("enabled"),
                Severity.valueOf(rs.getString("min_severity").toUpperCase(java.util.Locale.ROOT)),
                JSON.readValue(rs.getString("settings"), ChannelSettings.class), rs.getString("secret"),
                at(rs, "created_at"), at(rs, "updated_at"), at(rs, "last_delivered_at"), at(rs, "last_test_delivered_at"),
                rs.getInt("consecutive_failures"), rs.getString("last_failure"), at(rs, "last_failure_at"),
                rs.getBoolean("receives_checkpoints"));
    }

    // ---- alerts and the outbox

    void insertAlert(String id, Long auditSeq, String rules, Severity severity, String summary, String eventJson, boolean test, Instant at) {
        insertAlert(id, auditSeq, rules, severity, summary, eventJson, test, false, at);
    }

    /** {@code checkpoint}: the row carries a signed audit checkpoint (its fields in {@code eventJson}), not an alert. */
    void insertAlert(String id, Long auditSeq, String rules, Severity severity, String summary, String eventJson, boolean test,
                     boolean checkpoint, Instant at) {
        jdbc.sql("""
                insert into alert (id, audit_seq, rules, severity, summary, event_json, test, checkpoint, created_at)
                values (:id, :seq, :rules, :sev, :summary, :event, :test, :checkpoint, :at)""")
                .param("checkpoint", checkpoint)
                .param("id", id).param("seq", auditSeq).param("rules", rules).param("sev", severity.value())
                .param("summary", summary.length() > AlertText.MAX_SUMMARY ? summary.substring(0, AlertText.MAX_SUMMARY) : summary).param("event", eventJson)
                .param("test", test).param("at", Times.db(at)).update();
    }

    void insertDelivery(String id, String alertId, String channelId, Severity severity, Instant at) {
        jdbc.sql("""
                insert into alert_delivery (id, alert_id, channel_id, status, attempts, next_attempt_at, created_at, priority)
                values (:id, :alert, :channel, 'pending', 0, :at, :at, :priority)""")
                .param("id", id).param("alert", alertId).param("channel", channelId).param("at", Times.db(at))
                .param("priority", severity.priority).update();
    }

    /**
     * Due, unleased deliveries on enabled channels (and direct messages, which go to no channel:
     * {@link DirectMessages}), most severe first, then oldest first: a critical alert never waits
     * behind a backlog of lesser ones (index {@code alert_delivery_due}).
     */
    List<String> due(Instant now, int limit) {
        return jdbc.sql("""
                select d.id from alert_delivery d left join alert_channel c on c.id = d.channel_id
                where d.status = 'pending' and d.next_attempt_at <= :now and (d.lease_until is null or d.lease_until < :now)
                and (d.channel_id is null or c.enabled = true) order by d.priority, d.next_attempt_at fetch first :n rows only""")
                .param("now", Times.db(now)).param("n", limit).query(String.class).list();
    }

    /**
     * Takes the lease on one delivery (a conditional update, so of two nodes or two workers only
     * one wins) and counts the attempt.
     */
    boolean claim(String id, Instant now, Instant leaseUntil) {
        return jdbc.sql("""
                update alert_delivery set lease_until = :until, attempts = attempts + 1
                where id = :id and status = 'pending' and (lease_until is null or lease_until < :now)""")
                .param("id", id).param("now", Times.db(now)).param("until", Times.db(leaseUntil)).update() == 1;
    }

    /** A claimed delivery: {@code channel} is null for a direct message ({@link DirectMessages}). */
    record Claimed(String deliveryId, int attempts, AlertChannel channel, AlertMessage message) {}

    Optional<Claimed> claimed(String id) {
        return jdbc.sql("""
                select d.id as delivery_id, d.attempts, a.id as alert_id, a.audit_seq, a.rules, a.severity, a.summary, a.event_json,
                a.test, a.checkpoint, a.created_at as alert_at, d.channel_id
                from alert_delivery d join alert a on a.id = d.alert_id where d.id = :id""")
                .param("id", id).query((rs, n) -> {
                    Long auditSeq = longOrNull(rs, "audit_seq");
                    Severity severity = Severity.valueOf(rs.getString("severity").toUpperCase(java.util.Locale.ROOT));
                    String summary = rs.getString("summary");
                    AlertMessage message = new AlertMessage(rs.getString("delivery_id"), rs.getString("alert_id"), auditSeq,
                            rs.getString("rules"), severity, summary,
                            rs.getBoolean("checkpoint") ? summary : AlertText.text(severity, summary, rs.getBoolean("test")),
                            rs.getString("event_json"), rs.getBoolean("test"), at(rs, "alert_at"), rs.getBoolean("checkpoint"));
                    String channelId = rs.getString("channel_id");
                    return new Claimed(rs.getString("delivery_id"), rs.getInt("attempts"),
                            channelId == null ? null : channel(channelId).orElseThrow(), message);
                }).optional();
    }

    void delivered(String id, Instant now) {
        jdbc.sql("update alert_delivery set status = 'delivered', delivered_at = :now, lease_until = null, last_error = null where id = :id")
                .param("id", id).param("now", Times.db(now)).update();
    }

    /** A direct message that can never be delivered (its recipient is gone): no longer pending, kept with the reason. */
    void abandoned(String id, Instant now, String reason) {
        jdbc.sql("update alert_delivery set status = 'abandoned', delivered_at = :now, lease_until = null, last_error = :err where id = :id")
                .param("id", id).param("now", Times.db(now)).param("err", clip(reason)).update();
    }

    void failed(String id, Instant nextAttempt, String error) {
        jdbc.sql("update alert_delivery set next_attempt_at = :next, lease_until = null, last_error = :err where id = :id")
                .param("id", id).param("next", Times.db(nextAttempt)).param("err", clip(error)).update();
    }

    void channelDelivered(String channelId, boolean test, Instant now) {
        jdbc.sql("update alert_channel set consecutive_failures = 0, " + (test ? "last_test_delivered_at" : "last_delivered_at")
                        + " = :now where id = :id")
                .param("id", channelId).param("now", Times.db(now)).update();
    }

    /** Counts a failed attempt on the channel; returns the new number of consecutive failures. */
    int channelFailed(String channelId, String error, Instant now) {
        jdbc.sql("update alert_channel set consecutive_failures = consecutive_failures + 1, last_failure = :err, last_failure_at = :now where id = :id")
                .param("id", channelId).param("err", clip(error)).param("now", Times.db(now)).update();
        return jdbc.sql("select consecutive_failures from alert_channel where id = :id").param("id", channelId).query(Integer.class).single();
    }

    /** Per channel: number of undelivered alerts and when the oldest was queued. */
    Map<String, Backlog> backlog() {
        Map<String, Backlog> backlog = new java.util.HashMap<>();
        jdbc.sql("select channel_id, count(*), min(created_at) from alert_delivery where status = 'pending' group by channel_id")
                .query(rs -> {
                    backlog.put(rs.getString(1), new Backlog(rs.getLong(2), Times.instant(rs.getObject(3, OffsetDateTime.class))));
                });
        return backlog;
    }

    record Backlog(long pending, Instant oldest) {}

    record DeliveryView(String id, String alertId, String channelId, String channelName, String severity, String summary,
                        String status, int attempts, Instant nextAttemptAt, String lastError, Instant createdAt,
                        Instant deliveredAt, boolean test, Long auditSeq) {}

    List<DeliveryView> deliveries(String status, String channelId, int limit) {
        return deliveries(status, channelId, null, limit);
    }

    private List<DeliveryView> deliveries(String status, String channelId, String id, int limit) {
        StringBuilder sql = new StringBuilder("""
                select d.*, c.name as channel_name, a.severity, a.summary, a.test, a.audit_seq
                from alert_delivery d join alert a on a.id = d.alert_id join alert_channel c on c.id = d.channel_id where 1 = 1""");
        var params = new java.util.HashMap<String, Object>();
        if (status != null) {
            sql.append(" and d.status = :status");
            params.put("status", status);
        }
        if (channelId != null) {
            sql.append(" and d.channel_id = :channel");
            params.put("channel", channelId);
        }
        if (id != null) {
            sql.append(" and d.id = :id");
            params.put("id", id);
        }
        sql.append(" order by d.created_at desc, d.id fetch first :limit rows only");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query((rs, n) -> {
            Long auditSeq = longOrNull(rs, "audit_seq");
            return new DeliveryView(rs.getString("id"), rs.getString("alert_id"), rs.getString("channel_id"),
                    rs.getString("channel_name"), rs.getString("severity"), rs.getString("summary"), rs.getString("status"),
                    rs.getInt("attempts"), at(rs, "next_attempt_at"), rs.getString("last_error"), at(rs, "created_at"),
                    at(rs, "delivered_at"), rs.getBoolean("test"), auditSeq);
        }).list();
    }

    Optional<DeliveryView> delivery(String id) {
        return deliveries(null, null, id, 1).stream().findFirst();
    }

    // ---- coalescing windows (one row per rule, V11)

    /**
     * A rule's coalescing window as stored.
     *
     * @param openedAt   when the window opened; null while none is open
     * @param delivered  alerts of the rule delivered one by one in this window
     * @param suppressed alerts of the rule only counted in this window
     * @param severity   the highest severity among the counted ones (null while none)
     * @param firstSeq   audit entry of the first counted alert, {@code lastSeq} of the last
     */
    record Window(String ruleId, Instant openedAt, Instant closesAt, int delivered, int suppressed, Severity severity,
                  Long firstSeq, Long lastSeq, Instant firstAt, Instant lastAt) {

        boolean openAt(Instant now) {
            return openedAt != null && now.isBefore(closesAt);
        }
    }

    /**
     * Reads a rule's window and locks its row until the transaction ends: every decision about
     * the window is taken on the row as it is, while no other transaction can change it.
     */
    Optional<Window> lockWindow(String ruleId) {
        return jdbc.sql("select * from alert_window where rule_id = :id for update").param("id", ruleId)
                .query(AlertStore::window).optional();
    }

    /** Rules whose window has ended with counted alerts (to be summarised). */
    List<String> windowsToClose(Instant now) {
        return jdbc.sql("select rule_id from alert_window where suppressed > 0 and closes_at <= :now order by closes_at")
                .param("now", Times.db(now)).query(String.class).list();
    }

    /** Opens a new window whose first alert is being delivered. */
    void openWindow(String ruleId, Instant openedAt, Instant closesAt) {
        jdbc.sql("""
                update alert_window set opened_at = :opened, closes_at = :closes, delivered = 1, suppressed = 0, severity = null,
                first_seq = null, last_seq = null, first_at = null, last_at = null where rule_id = :id""")
                .param("id", ruleId).param("opened", Times.db(openedAt)).param("closes", Times.db(closesAt)).update();
    }

    void countDelivered(String ruleId) {
        jdbc.sql("update alert_window set delivered = delivered + 1 where rule_id = :id").param("id", ruleId).update();
    }

    /** Counts one more alert of the window instead of delivering it; {@code severity} is the highest counted so far. */
    void countSuppressed(String ruleId, Severity severity, long seq, Instant at) {
        jdbc.sql("""
                update alert_window set suppressed = suppressed + 1, severity = :sev, first_seq = coalesce(first_seq, :seq),
                first_at = coalesce(first_at, :at), last_seq = :seq, last_at = :at where rule_id = :id""")
                .param("id", ruleId).param("sev", severity.value()).param("seq", seq).param("at", Times.db(at)).update();
    }

    /** No window open: the next alert of the rule opens one. */
    void closeWindow(String ruleId) {
        jdbc.sql("""
                update alert_window set opened_at = null, closes_at = null, delivered = 0, suppressed = 0, severity = null,
                first_seq = null, last_seq = null, first_at = null, last_at = null where rule_id = :id""")
                .param("id", ruleId).update();
    }

    private static Window window(ResultSet rs, int n) throws SQLException {
        String severity = rs.getString("severity");
        return new Window(rs.getString("rule_id"), at(rs, "opened_at"), at(rs, "closes_at"), rs.getInt("delivered"),
                rs.getInt("suppressed"), severity == null ? null : Severity.valueOf(severity.toUpperCase(java.util.Locale.ROOT)),
                longOrNull(rs, "first_seq"), longOrNull(rs, "last_seq"), at(rs, "first_at"), at(rs, "last_at"));
    }

    private static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Instant at(ResultSet rs, String column) throws SQLException {
        return Times.instant(rs.getObject(column, OffsetDateTime.class));
    }

    private static String clip(String s) {
        return s == null || s.length() <= 500 ? s : s.substring(0, 500);
    }
}
