package dev.glasskey.emergency;

import java.time.Instant;
import java.util.List;

/**
 * Readiness checks that other parts of Glasskey add to the report (for example, whether alerting
 * is configured and delivering). Called inside the report's read transaction.
 */
public interface ReadinessContributor {
    List<ReadinessCheck> checks(Instant now);
}
