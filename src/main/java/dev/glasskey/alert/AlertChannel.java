package dev.glasskey.alert;

import java.time.Instant;

/**
/**
 * A configured destination for alerts, with its delivery state. {@code sealedSecret} is the
 * webhook's HMAC secret or the SMTP password as stored, sealed under the key-encryption key
 * (null for none): opened only to send ({@link AlertStore#openSecret}), and never shown after creation.
 * {@code receivesCheckpoints}: every signed audit checkpoint is also sent here as it is made (webhook and syslog only).
 */
public record AlertChannel(String id, String name, Type type, boolean enabled, Severity minSeverity, ChannelSettings settings,
                           String sealedSecret, Instant createdAt, Instant updatedAt, Instant lastDeliveredAt,
                           Instant lastTestDeliveredAt, int consecutiveFailures, String lastFailure, Instant lastFailureAt,
                           boolean receivesCheckpoints) {

    public enum Type {
        WEBHOOK, EMAIL, SYSLOG;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
