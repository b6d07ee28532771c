package dev.glasskey.emergency;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.glasskey.system.Metrics;

/**
 * The last readiness verdict recorded (by the monitor, a recheck or a guarded change), read from
 * the database when scraped, so every node reports the one verdict: 0 pass, 1 warn, 2 fail, as
 * {@code glasskey readiness} exits; -1 while none has been recorded yet.
 */
@Component
class ReadinessGauge implements MeterBinder {
    private final EmergencyStore store;

    ReadinessGauge(EmergencyStore store) {
        this.store = store;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(Metrics.READINESS, this, ReadinessGauge::verdict)
                .description("Emergency readiness: 0 pass, 1 warn, 2 fail, -1 not yet computed").register(registry);
    }

    private double verdict() {
        return store.lastReadinessStatus().map(s -> ReadinessCheck.Status.valueOf(s.toUpperCase(java.util.Locale.ROOT)).exitCode())
                .orElse(-1);
    }
}
