package dev.glasskey.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.glasskey.system.Metrics;
import dev.glasskey.system.Times;

/**
 * The outbox as gauges, read from the database when scraped (so every node reports the same
 * backlog, whichever node queued it): how many alerts wait, and how long the oldest has waited.
 * A backlog that grows, or an age beyond {@code glasskey.alerts.failing-age}, is what an operator
 * alerts on outside Glasskey, the one failure its own channels cannot report.
 */
@Component
class OutboxGauges implements MeterBinder {
    private final AlertStore store;
    private final Clock clock;

    OutboxGauges(AlertStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(Metrics.OUTBOX_PENDING, this, g -> g.store.backlog().values().stream().mapToLong(AlertStore.Backlog::pending).sum())
                .description("Alert deliveries not yet delivered").register(registry);
        Gauge.builder(Metrics.OUTBOX_OLDEST_AGE, this, OutboxGauges::oldestAgeSeconds).baseUnit("seconds")
                .description("How long the oldest undelivered alert has waited").register(registry);
    }

    private double oldestAgeSeconds() {
        Instant oldest = store.backlog().values().stream().map(AlertStore.Backlog::oldest).filter(Objects::nonNull)
                .min(Instant::compareTo).orElse(null);
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, Times.now(clock)).toMillis() / 1000.0);
    }
}
