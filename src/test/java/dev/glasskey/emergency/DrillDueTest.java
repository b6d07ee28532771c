package dev.glasskey.emergency;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The boundaries of the drill interval and the advance warning. */
class DrillDueTest {
    static final Duration INTERVAL = Duration.ofDays(90);
    static final Duration WARNING = Duration.ofDays(14);
    static final Instant LAST = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void neverDrilledIsNever() {
        assertThat(Readiness.DrillDue.of(null, LAST, INTERVAL, WARNING)).isEqualTo(Readiness.DrillDue.NEVER);
    }

    @Test
    void currentUntilTheWarningPeriodThenDueSoonThenOverdueAtTheInterval() {
        Instant due = LAST.plus(INTERVAL);
        assertThat(Readiness.DrillDue.of(LAST, due.minus(WARNING).minusSeconds(1), INTERVAL, WARNING)).isEqualTo(Readiness.DrillDue.CURRENT);
        assertThat(Readiness.DrillDue.of(LAST, due.minus(WARNING), INTERVAL, WARNING)).isEqualTo(Readiness.DrillDue.DUE_SOON);
        assertThat(Readiness.DrillDue.of(LAST, due.minusSeconds(1), INTERVAL, WARNING)).isEqualTo(Readiness.DrillDue.DUE_SOON);
        assertThat(Readiness.DrillDue.of(LAST, due, INTERVAL, WARNING)).isEqualTo(Readiness.DrillDue.OVERDUE);
    }
}
