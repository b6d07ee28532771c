package dev.glasskey.alert;

import java.time.Instant;

/** A configured destination for alerts, with its delivery state. {@code secret} never leaves the server after creation. */
public record AlertChannel(String id, String name, Type type, boolean enabled, Severity minSeverity, ChannelSettings settings,
                           String secret, Instant createdAt, Instant updatedAt, Instant lastDeliveredAt,
                           Instant lastTestDeliveredAt, int consecutiveFailures, String lastFailure, Instant lastFailureAt) {

    public enum Type {
        WEBHOOK, EMAIL, SYSLOG;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
