package dev.glasskey.alert;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Notes;
import dev.glasskey.system.Ids;
import dev.glasskey.system.Times;

/** Alert channels and rules: validation, transaction boundary, audit. */
@Service
public class AlertService {
    private final AlertStore store;
    private final AlertRecorder recorder;
    private final AlertCoalescing coalescing;
    private final AlertDelivery delivery;
    private final AlertReadiness readiness;
    private final Audit audit;
    private final Clock clock;
    private final TransactionTemplate tx;

    AlertService(AlertStore store, AlertRecorder recorder, AlertCoalescing coalescing, AlertDelivery delivery, AlertReadiness readiness,
                 Audit audit, Clock clock, TransactionTemplate tx) {
        this.store = store;
        this.recorder = recorder;
        this.coalescing = coalescing;
        this.delivery = delivery;
        this.readiness = readiness;
        this.audit = audit;
        this.clock = clock;
        this.tx = tx;
    }

    /**
     * What a client sends to create or change a channel. {@code receivesCheckpoints}: signed audit
     * checkpoints are sent to it too (webhook and syslog; null keeps the current choice, false when creating).
     */
    public record ChannelRequest(String name, String type, Boolean enabled, String minSeverity, ChannelSettings settings, String password,
                                 Boolean receivesCheckpoints) {
        /** A request that leaves whether the channel receives checkpoints as it is. */
        public ChannelRequest(String name, String type, Boolean enabled, String minSeverity, ChannelSettings settings, String password) {
            this(name, type, enabled, minSeverity, settings, password, null);
        }
    }

    /** A channel as shown: never its secret, except {@code secret} right after creating a webhook. */
    public record ChannelView(String id, String name, String type, boolean enabled, String minSeverity, ChannelSettings settings,
                              Instant createdAt, Instant updatedAt, Instant lastDeliveredAt, Instant lastTestDeliveredAt,
                              int consecutiveFailures, String lastFailure, Instant lastFailureAt, boolean failing,
                              String failureReason, long pending, String secret, boolean receivesCheckpoints) {}

    public record TestResult(String deliveryId, boolean delivered, String error) {}

    public record DeliveryView(String id, String alertId, String channelId, String channelName, String severity, String summary,
                               String status, int attempts, Instant nextAttemptAt, String lastError, Instant createdAt,
                               Instant deliveredAt, boolean test, Long auditSeq) {}

    @Transactional(readOnly = true)
    public List<ChannelView> channels() {
        Map<String, AlertStore.Backlog> backlog = store.backlog();
        Instant now = Times.now(clock);
        return store.channels().stream().map(c -> view(c, backlog.get(c.id()), now, null)).toList();
    }

    @Transactional(readOnly = true)
    public ChannelView channel(String id) {
        AlertChannel c = find(id);
        return view(c, store.backlog().get(id), Times.now(clock), null);
    }

    @Transactional
    public ChannelView create(Actor actor, ChannelRequest request) {
        AlertChannel.Type type = type(request.type());
        String name = name(request.name(), null);
        ChannelSettings settings = validSettings(type, request.settings());
        String secret = switch (type) {
            case WEBHOOK -> Ids.randomToken(32);
            case EMAIL -> emptyToNull(request.password());
            case SYSLOG -> null;
        };
        boolean checkpoints = receivesCheckpoints(type, request.receivesCheckpoints(), false);
        Instant now = Times.now(clock);
        String id = Ids.uuid();
        AlertChannel channel = new AlertChannel(id, name, type, !Boolean.FALSE.equals(request.enabled()),
                request.minSeverity() == null ? Severity.WARNING : Severity.parse(request.minSeverity(), "minSeverity"),
                settings, store.seal(id, secret), now, now, null, null, 0, null, null, checkpoints);
        store.insertChannel(channel);
        audit.record(AuditEvent.success(actor, "alert.channel.create", channel.id(), false, describe(channel)));
        return view(channel, null, now, type == AlertChannel.Type.WEBHOOK ? secret : null);
    }

    @Transactional
    public ChannelView update(Actor actor, String id, ChannelRequest request) {
        AlertChannel before = store.channelForUpdate(id).orElseThrow(() -> notFound(id));
        if (request.type() != null && type(request.type()) != before.type()) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "type cannot change; create a new channel.");
        }
        String name = request.name() == null ? before.name() : name(request.name(), id);
        ChannelSettings settings = request.settings() == null ? before.settings() : validSettings(before.type(), request.settings());
        String sealedSecret = before.type() == AlertChannel.Type.EMAIL && request.password() != null
                ? store.seal(id, emptyToNull(request.password())) : before.sealedSecret();
        boolean checkpoints = receivesCheckpoints(before.type(), request.receivesCheckpoints(), before.receivesCheckpoints());
        Instant now = Times.now(clock);
        AlertChannel after = new AlertChannel(id, name, before.type(), request.enabled() == null ? before.enabled() : request.enabled(),
                request.minSeverity() == null ? before.minSeverity() : Severity.parse(request.minSeverity(), "minSeverity"),
                settings, sealedSecret, before.createdAt(), now, before.lastDeliveredAt(), before.lastTestDeliveredAt(),
                before.consecutiveFailures(), before.lastFailure(), before.lastFailureAt(), checkpoints);
        store.updateChannel(after);
        audit.record(AuditEvent.success(actor, "alert.channel.update", id, false, describe(after)));
        return view(after, store.backlog().get(id), now, null);
    }

    @Transactional
    public void delete(Actor actor, String id) {
        delete(actor, id, null);
    }

    /** Deletes a channel; {@code note} (optional, {@link Notes}) goes into the audit entry. */
    @Transactional
    public void delete(Actor actor, String id, String note) {
        String why = Notes.optional(note);
        AlertChannel before = store.channelForUpdate(id).orElseThrow(() -> notFound(id));
        int dropped = store.deleteChannel(id);
        audit.record(AuditEvent.success(actor, "alert.channel.delete", id, false, describe(before)
                + (dropped == 0 ? "" : "; " + dropped + " undelivered alert(s) dropped") + Notes.suffix(why)));
    }

    /**
     * Queues a test alert for one channel through the outbox (so it exercises the same path) and
     * tries it at once. A failed test stays queued and is retried like any alert.
     */
    public TestResult test(Actor actor, String id) {
        String deliveryId = tx.execute(s -> {
            AlertChannel channel = store.channel(id).orElseThrow(() -> notFound(id));
            Instant now = Times.now(clock);
            String alertId = Ids.uuid();
            String summary = "test alert for channel '" + channel.name() + "' requested by " + actor.label();
            store.insertAlert(alertId, null, "test", Severity.INFO, summary,
                    AlertStore.JSON.writeValueAsString(Map.of("test", true, "channel", channel.name(), "requestedBy", actor.label(),
                            "at", now.toString())), true, now);
            String delivery = Ids.uuid();
            // Never coalesced: a test alert bypasses the rules and their windows.
            store.insertDelivery(delivery, alertId, channel.id(), Severity.INFO, now);
            // Claimed before it commits, so the background worker cannot take it first and leave this
            // caller without an answer.
            this.delivery.claim(delivery);
            audit.record(AuditEvent.success(actor, "alert.channel.test", channel.id(), false, "test alert " + delivery
                    + " for '" + channel.name() + "'"));
            return delivery;
        });
        boolean delivered = delivery.sendClaimed(deliveryId);
        AlertStore.DeliveryView state = store.delivery(deliveryId).orElseThrow();
        return new TestResult(deliveryId, delivered, state.lastError());
    }

    @Transactional(readOnly = true)
    public List<DeliveryView> deliveries(String status, String channelId, int limit) {
        if (status != null && !status.equals("pending") && !status.equals("delivered")) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "status must be pending or delivered.");
        }
        return store.deliveries(status, channelId, Math.max(1, Math.min(limit, 1000))).stream()
                .map(d -> new DeliveryView(d.id(), d.alertId(), d.channelId(), d.channelName(), d.severity(), d.summary(), d.status(),
                        d.attempts(), d.nextAttemptAt(), d.lastError(), d.createdAt(), d.deliveredAt(), d.test(), d.auditSeq()))
                .toList();
    }

    // ---- rules

    @Transactional(readOnly = true)
    public List<AlertRule> rules() {
        return store.rules();
    }

    /** A rule as a client sends it. */
    public record RuleRequest(String description, String actions, String outcome, String reason, Boolean emergencyOnly,
                              Boolean flaggedOnly, String severity, Boolean enabled) {}

    @Transactional
    public AlertRule putRule(Actor actor, String id, RuleRequest r) {
        if (id == null || !id.matches("[a-z0-9][a-z0-9-]{0,63}")) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "A rule id is 1-64 characters a-z, 0-9 and '-'.");
        }
        if (r.description() == null || r.description().isBlank() || r.description().length() > 300) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "description is required (at most 300 characters).");
        }
        List<String> actions = new ArrayList<>();
        for (String a : (r.actions() == null ? "" : r.actions()).split(",")) {
            String p = a.strip();
            if (!p.isEmpty()) {
                if (!p.matches("[a-z0-9_]+(\\.[a-z0-9_]+)*(\\.\\*)?")) {
                    throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "Action pattern '" + p + "' is not like 'signin' or 'account.*'.");
                }
                actions.add(p);
            }
        }
        if (actions.isEmpty() || String.join(",", actions).length() > 500) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "actions: one or more comma-separated patterns (at most 500 characters).");
        }
        if (r.outcome() != null && !r.outcome().equals("success") && !r.outcome().equals("failure")) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "outcome must be success, failure or absent.");
        }
        if (r.reason() != null && r.reason().length() > 100) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "reason is at most 100 characters.");
        }
        AlertRule rule = new AlertRule(id, r.description().strip(), actions, r.outcome(), emptyToNull(r.reason()),
                Boolean.TRUE.equals(r.emergencyOnly()), Boolean.TRUE.equals(r.flaggedOnly()), Severity.parse(r.severity(), "severity"),
                !Boolean.FALSE.equals(r.enabled()));
        boolean existed = store.rule(id).isPresent();
        store.upsertRule(rule);
        audit.record(AuditEvent.success(actor, existed ? "alert.rule.update" : "alert.rule.create", id, false,
                rule.severity().value() + (rule.enabled() ? "" : " (disabled)") + " on " + String.join(",", actions)));
        recorder.rulesChanged();
        return rule;
    }

    @Transactional
    public void deleteRule(Actor actor, String id) {
        deleteRule(actor, id, null);
    }

    /** Deletes a rule; {@code note} (optional, {@link Notes}) goes into the audit entry. */
    @Transactional
    public void deleteRule(Actor actor, String id, String note) {
        String why = Notes.optional(note);
        AlertRule rule = store.rule(id)
                .orElseThrow(() -> new GlasskeyException(ErrorCode.ALERT_RULE_NOT_FOUND, "No alert rule '" + id + "'."));
        // Audited first: that takes the audit head's lock, which every alert-raising transaction
        // takes before a rule's window row, so the window row below is locked in the same order
        // as everywhere else (no deadlock with an alert of this rule being raised).
        audit.record(AuditEvent.success(actor, "alert.rule.delete", id, false, "rule '" + id + "' deleted" + Notes.suffix(why)));
        coalescing.flush(rule, Times.now(clock));
        store.deleteRule(id);
        recorder.rulesChanged();
    }

    // ----

    private ChannelView view(AlertChannel c, AlertStore.Backlog backlog, Instant now, String secret) {
        ChannelStatus status = readiness.status(c, backlog, now);
        return new ChannelView(c.id(), c.name(), c.type().value(), c.enabled(), c.minSeverity().value(), c.settings(), c.createdAt(),
                c.updatedAt(), c.lastDeliveredAt(), c.lastTestDeliveredAt(), c.consecutiveFailures(), c.lastFailure(), c.lastFailureAt(),
                status.failing(), status.failureReason(), backlog == null ? 0 : backlog.pending(), secret, c.receivesCheckpoints());
    }

    private AlertChannel find(String id) {
        return store.channel(id).orElseThrow(() -> notFound(id));
    }

    private static GlasskeyException notFound(String id) {
        return new GlasskeyException(ErrorCode.ALERT_CHANNEL_NOT_FOUND, "No alert channel with id " + id + ".");
    }

    private String name(String name, String exceptId) {
        if (name == null || name.isBlank() || name.strip().length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "name is required: at most 200 printable characters.");
        }
        if (store.nameTaken(name.strip(), exceptId)) {
            throw new GlasskeyException(ErrorCode.ALERT_CHANNEL_NAME_TAKEN, "An alert channel named '" + name.strip() + "' exists.");
        }
        return name.strip();
    }

    private static AlertChannel.Type type(String type) {
        if (type != null) {
            for (AlertChannel.Type t : AlertChannel.Type.values()) {
                if (t.value().equals(type)) {
                    return t;
                }
            }
        }
        throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "type must be one of webhook, email, syslog.");
    }

    private static ChannelSettings validSettings(AlertChannel.Type type, ChannelSettings s) {
        if (s == null) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "settings are required.");
        }
        return switch (type) {
            case WEBHOOK -> {
                URI uri;
                try {
                    uri = URI.create(s.url() == null ? "" : s.url().strip());
                } catch (IllegalArgumentException e) {
                    throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "settings.url is not a URL.");
                }
                if (uri.getScheme() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http")) || uri.getHost() == null
                        || uri.toString().length() > 2000) {
                    throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "settings.url must be an absolute http(s) URL.");
                }
                yield new ChannelSettings(uri.toString(), null, null, null, null, null, null, null, null, null);
            }
            case EMAIL -> {
                String host = host(s.host());
                int port = port(s.port());
                String from = address(s.from(), "settings.from");
                if (s.to() == null || s.to().isEmpty() || s.to().size() > 20) {
                    throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "settings.to: 1 to 20 recipient addresses.");
                }
                List<String> to = s.to().stream().map(a -> address(a, "settings.to")).toList();
                String username = emptyToNull(s.username());
                if (username != null && username.length() > 200) {
                    throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "settings.username is at most 200 characters.");
                }
                String pem = emptyToNull(s.tlsCertificatePem());
                if (pem != null) {
                    try {
                        EmailSender.certificate(pem);
                    } catch (java.security.cert.CertificateException | IllegalArgumentException e) {
                        throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "settings.tlsCertificatePem is not a PEM X.509 certificate.");
                    }
                }
                yield new ChannelSettings(null, host, port, from, to, username, !Boolean.FALSE.equals(s.startTls()), null, null, pem);
            }
            case SYSLOG -> {
                String host = host(s.host());
                int port = port(s.port());
                String transport = s.transport() == null ? "udp" : s.transport().toLowerCase(Locale.ROOT);
                if (!transport.equals("udp") && !transport.equals("tcp")) {
                    throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "settings.transport must be udp or tcp.");
                }
                int facility = s.facility() == null ? 4 : s.facility();
                if (facility < 0 || facility > 23) {
                    throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "settings.facility must be 0-23 (RFC 5424 §6.2.1).");
                }
                yield new ChannelSettings(null, host, port, null, null, null, null, transport, facility, null);
            }
        };
    }

    /**
     * Checkpoints are machine-read from the copy an operator keeps (docs/OPERATIONS.md): a webhook
     * body or a syslog message is one line of that copy; an e-mail is not.
     */
    private static boolean receivesCheckpoints(AlertChannel.Type type, Boolean requested, boolean current) {
        if (requested == null) {
            return current;
        }
        if (requested && type == AlertChannel.Type.EMAIL) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "receivesCheckpoints: only webhook and syslog channels receive checkpoints.");
        }
        return requested;
    }

    private static String host(String host) {
        if (host == null || host.isBlank() || host.length() > 253 || !host.strip().matches("[A-Za-z0-9.:\\-\\[\\]]+")) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "settings.host must be a host name or IP address.");
        }
        return host.strip();
    }

    private static int port(Integer port) {
        if (port == null || port < 1 || port > 65535) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "settings.port must be 1-65535.");
        }
        return port;
    }

    private static String address(String value, String field) {
        try {
            InternetAddress a = new InternetAddress(value == null ? "" : value.strip(), true);
            a.validate();
            return a.toString();
        } catch (AddressException e) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, field + ": '" + value + "' is not an e-mail address.");
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String describe(AlertChannel c) {
        ChannelSettings s = c.settings();
        String where = switch (c.type()) {
            case WEBHOOK -> s.url();
            case EMAIL -> "smtp://" + s.host() + ":" + s.port() + " to " + s.to();
            case SYSLOG -> s.transport() + "://" + s.host() + ":" + s.port();
        };
        return c.type().value() + " channel '" + c.name() + "' -> " + where + ", min " + c.minSeverity().value()
                + (c.receivesCheckpoints() ? ", receives checkpoints" : "") + (c.enabled() ? "" : ", disabled");
    }
}
