package dev.glasskey.alert;

/**
 * A channel's health for the readiness check.
 *
 * @param failing the channel keeps failing: {@code glasskey.alerts.failing-after} consecutive failed
 *                attempts, or an alert undelivered for longer than {@code glasskey.alerts.failing-age}
 */
public record ChannelStatus(String id, String name, String type, boolean enabled, java.time.Instant lastTestDeliveredAt,
                            java.time.Instant lastDeliveredAt, boolean failing, String failureReason) {
}
