package dev.glasskey.alert;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code glasskey.alerts.*}: delivery timing. Documented in the README's configuration reference.
 *
 * @param pollInterval how often the delivery worker looks for due alerts
 * @param lease        how long a claimed delivery is reserved for the node sending it; after a crash
 *                     it is retried once the lease ends (with the same idempotency key)
 * @param retryInitial first retry delay; doubled per attempt
 * @param retryMax     cap of the retry delay
 * @param failingAfter consecutive failed attempts after which a channel counts as failing
 * @param failingAge   a channel whose oldest undelivered alert is older than this counts as failing
 * @param sendTimeout  connect and read timeout of one attempt
 * @param coalesceWindow how long a rule's coalescing window lasts from its first alert; zero turns coalescing off
 * @param coalesceAfter  how many alerts of one rule a window delivers one by one; later ones are counted
 *                       and summarised in one alert when the window closes
 */
@ConfigurationProperties(prefix = "glasskey.alerts")
public record AlertProperties(Duration pollInterval, Duration lease, Duration retryInitial, Duration retryMax,
                              int failingAfter, Duration failingAge, Duration sendTimeout,
                              Duration coalesceWindow, int coalesceAfter) {
    public AlertProperties {
        if (coalesceWindow == null) coalesceWindow = Duration.ofMinutes(5);
        if (coalesceWindow.isNegative()) {
            throw new IllegalArgumentException("glasskey.alerts.coalesce-window must not be negative (zero turns coalescing off).");
        }
        if (coalesceAfter <= 0) coalesceAfter = 3;
        if (pollInterval == null) pollInterval = Duration.ofSeconds(1);
        if (lease == null) lease = Duration.ofSeconds(60);
        if (retryInitial == null) retryInitial = Duration.ofSeconds(5);
        if (retryMax == null) retryMax = Duration.ofMinutes(15);
        if (failingAfter <= 0) failingAfter = 3;
        if (failingAge == null) failingAge = Duration.ofMinutes(10);
        if (sendTimeout == null) sendTimeout = Duration.ofSeconds(10);
    }

    /** Whether alerts of one rule coalesce at all ({@code coalesce-window} is not zero). */
    boolean coalescing() {
        return !coalesceWindow.isZero();
    }

    /** Delay before attempt {@code attempts + 1}: initial * 2^(attempts-1), capped. */
    Duration backoff(int attempts) {
        Duration d = retryInitial;
        for (int i = 1; i < attempts && d.compareTo(retryMax) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(retryMax) > 0 ? retryMax : d;
    }
}
