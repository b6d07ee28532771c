package dev.glasskey.alert;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;
import dev.glasskey.system.Metrics;
import dev.glasskey.system.Times;

/**
 * Delivers the outbox: claims due rows with a lease (a conditional update, so several workers or
 * nodes never send one row at the same time), sends outside any transaction, then records the
 * result. A crash between sending and recording leaves the row leased; once the lease ends it is
 * sent again with the same idempotency key, so receivers can drop the duplicate: at-least-once
 * delivery, exactly-once per key at a deduplicating receiver. Failures back off exponentially.
 *
 * <p>Order: the most severe due alert first, then the oldest ({@link AlertStore#due}), in small
 * batches so that a critical alert queued during a run waits behind at most one batch. One run
 * at a time per node (the worker's thread, or a caller such as a test), so a node sends in that
 * order; nodes share the work row by row through the leases.
 */
@Service
public class AlertDelivery {
    private static final Logger log = LoggerFactory.getLogger(AlertDelivery.class);
    private static final int BATCH = 10;

    private final AlertStore store;
    private final Map<AlertChannel.Type, ChannelSender> senders = new EnumMap<>(AlertChannel.Type.class);
    private final Map<String, DirectRecipient> recipients = new java.util.HashMap<>();
    private final AlertProperties properties;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final Audit audit;
    private final AlertCoalescing coalescing;
    private final Metrics metrics;

    AlertDelivery(AlertStore store, List<ChannelSender> senders, List<DirectRecipient> recipients, AlertProperties properties, Clock clock,
                  TransactionTemplate tx, Audit audit, AlertCoalescing coalescing, Metrics metrics) {
        this.metrics = metrics;
        this.store = store;
        this.coalescing = coalescing;
        senders.forEach(s -> this.senders.put(s.type(), s));
        recipients.forEach(r -> this.recipients.put(r.kind(), r));
        this.properties = properties;
        this.clock = clock;
        this.tx = tx;
        this.audit = audit;
    }

    /**
     * Queues the summaries of coalescing windows that have ended, then delivers every due alert
     * (in batches, most severe first); returns how many were delivered. Called by the worker and by tests.
     */
    public synchronized int deliverDue() {
        coalescing.closeEnded();
        int delivered = 0;
        while (true) {
            List<String> due = store.due(Times.now(clock), BATCH);
            int claimedAny = 0;
            for (String id : due) {
                Optional<Boolean> result = attempt(id);
                if (result.isPresent()) {
                    claimedAny++;
                    if (result.get()) {
                        delivered++;
                    }
                }
            }
            if (due.size() < BATCH || claimedAny == 0) {
                return delivered;
            }
        }
    }

    /**
     * One attempt at one delivery, if it can be claimed now: empty when another worker holds it
     * or it is no longer pending, else whether it was delivered.
     */
    Optional<Boolean> attempt(String deliveryId) {
        Instant now = Times.now(clock);
        if (!store.claim(deliveryId, now, now.plus(properties.lease()))) {
            return Optional.empty();
        }
        return Optional.of(sendClaimed(deliveryId));
    }

    /** Claims a delivery for this caller (inside the caller's transaction, e.g. the one that created it). */
    boolean claim(String deliveryId) {
        Instant now = Times.now(clock);
        return store.claim(deliveryId, now, now.plus(properties.lease()));
    }

    /** Sends a delivery this caller holds the lease of, and records the outcome: whether it was delivered. */
    boolean sendClaimed(String deliveryId) {
        AlertStore.Claimed claimed = store.claimed(deliveryId).orElseThrow();
        if (claimed.channel() == null) {
            return sendDirect(claimed);
        }
        AlertChannel channel = claimed.channel();
        String error = null;
        try {
            // Opened here, for this send only; a secret that does not open fails the delivery with the reason.
            senders.get(channel.type()).send(channel, store.openSecret(channel), claimed.message());
        } catch (Exception e) {
            error = describe(e);
        }
        Instant done = Times.now(clock);
        metrics.alertDelivery(channel.type().value(), error == null);
        if (error == null) {
            tx.executeWithoutResult(s -> {
                store.delivered(deliveryId, done);
                store.channelDelivered(channel.id(), claimed.message().test(), done);
            });
            return true;
        }
        String reason = error;
        Instant next = done.plus(properties.backoff(claimed.attempts()));
        log.warn("Alert delivery {} over channel '{}' failed (attempt {}): {}; next attempt at {}", deliveryId, channel.name(),
                claimed.attempts(), reason, next);
        tx.executeWithoutResult(s -> {
            store.failed(deliveryId, next, reason);
            int failures = store.channelFailed(channel.id(), reason, done);
            if (failures == properties.failingAfter()) {
                // Reported once, when the channel starts failing: the rule 'alert-channel-failing'
                // alerts the other channels, and readiness shows it.
                audit.record(AuditEvent.failure(Actor.SYSTEM, "alert.channel.failing", channel.id(), null, false,
                        "alert channel '" + channel.name() + "' (" + channel.type().value() + ") failed " + failures
                                + " times in a row: " + reason).flag());
            }
        });
        return false;
    }

    /**
     * A direct message ({@link DirectMessages}): sent by the recipient of its kind, retried with the
     * same back-off as an alert; a recipient that says it can never be sent abandons it. No channel
     * state: it goes to no channel.
     */
    private boolean sendDirect(AlertStore.Claimed claimed) {
        AlertMessage m = claimed.message();
        DirectMessage message = new DirectMessage(claimed.deliveryId(), m.rules(), m.eventJson(), claimed.attempts(), m.createdAt());
        DirectRecipient recipient = recipients.get(m.rules());
        String error = null;
        String abandoned = null;
        try {
            if (recipient == null) {
                // Queued by a version that knew the kind; this one cannot send it (kept, retried after an upgrade back).
                throw new IllegalStateException("no recipient for messages of kind '" + m.rules() + "'");
            }
            recipient.send(message);
        } catch (DirectRecipient.Abandon e) {
            abandoned = e.getMessage();
        } catch (Exception e) {
            error = describe(e);
        }
        Instant done = Times.now(clock);
        metrics.alertDelivery(m.rules(), error == null && abandoned == null);
        if (abandoned != null) {
            String reason = abandoned;
            log.warn("Message {} ({}) abandoned: {}", claimed.deliveryId(), m.rules(), reason);
            tx.executeWithoutResult(s -> {
                store.abandoned(claimed.deliveryId(), done, reason);
                recipient.abandoned(message, reason);
            });
            return false;
        }
        if (error == null) {
            tx.executeWithoutResult(s -> {
                store.delivered(claimed.deliveryId(), done);
                recipient.delivered(message);
            });
            return true;
        }
        String reason = error;
        Instant next = done.plus(properties.backoff(claimed.attempts()));
        log.warn("Message {} ({}: {}) failed (attempt {}): {}; next attempt at {}", claimed.deliveryId(), m.rules(), m.summary(),
                claimed.attempts(), reason, next);
        tx.executeWithoutResult(s -> store.failed(claimed.deliveryId(), next, reason));
        return false;
    }

    /** "ConnectException: message (ClosedChannelException)": the exception and its root cause, first lines only. */
    private static String describe(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        StringBuilder sb = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            sb.append(": ").append(e.getMessage().lines().findFirst().orElse(""));
        }
        if (root != e) {
            sb.append(" (").append(root.getClass().getSimpleName());
            if (root.getMessage() != null) {
                sb.append(": ").append(root.getMessage().lines().findFirst().orElse(""));
            }
            sb.append(')');
        }
        return sb.toString();
    }
}
