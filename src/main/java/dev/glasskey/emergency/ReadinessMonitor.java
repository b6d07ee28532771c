package dev.glasskey.emergency;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.glasskey.system.GlasskeyProperties;
import dev.glasskey.system.PrivateFiles;

import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;

/**
 * Recomputes readiness in the background, because time alone makes drills come due: records a
 * change of verdict (audited, so alerted), opens a drill when pairs come due (if enabled), and
 * writes {@code readiness.json} into the data directory, which {@code glasskey readiness} reads
 * while the server holds the embedded database.
 */
@Component
@ConditionalOnWebApplication
@ConditionalOnProperty(name = "glasskey.emergency.monitor-enabled", havingValue = "true", matchIfMissing = true)
class ReadinessMonitor {
    static final String SNAPSHOT = "readiness.json";
    private static final Logger log = LoggerFactory.getLogger(ReadinessMonitor.class);

    private final ReadinessService readiness;
    private final DrillService drills;
    private final GlasskeyProperties properties;

    ReadinessMonitor(ReadinessService readiness, DrillService drills, GlasskeyProperties properties) {
        this.readiness = readiness;
        this.drills = drills;
        this.properties = properties;
    }

    @Scheduled(fixedDelayString = "${glasskey.emergency.monitor-interval:PT5M}", initialDelayString = "${glasskey.emergency.monitor-initial-delay:PT10S}")
    // The lease is held for a whole interval after each run (as AuditCheckpointSchedule's): of
    // several nodes, one recomputes readiness and opens due drills per interval.
    @SchedulerLock(name = "readiness-monitor", lockAtMostFor = "${glasskey.emergency.monitor-interval:PT5M}",
            lockAtLeastFor = "${glasskey.emergency.monitor-interval:PT5M}")
    void run() {
        try {
            ReadinessReport report = tick();
            log.debug("readiness monitor ran: {}", report.summary());
        } catch (RuntimeException e) {
            log.warn("readiness monitor failed: {}", e.toString());
        }
    }

    ReadinessReport tick() {
        ReadinessReport report = readiness.recheck();
        if (readiness.properties().scheduledDrills()) {
            drills.startScheduledIfDue();
        }
        writeSnapshot(Path.of(properties.dataDir()), report);
        return report;
    }

    static void writeSnapshot(Path dataDir, ReadinessReport report) {
        try {
            // Owner-only like everything in the data directory (docs/OPERATIONS.md, "Secrets at rest").
            PrivateFiles.createDirectories(dataDir);
            PrivateFiles.write(dataDir.resolve(SNAPSHOT), ReadinessJson.write(report).getBytes(StandardCharsets.UTF_8));
        } catch (IOException | UncheckedIOException e) {
            log.warn("cannot write {}: {}", SNAPSHOT, e.toString());
        }
    }
}
