package dev.glasskey.audit;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;

/**
 * Signs a checkpoint of the chain head on a schedule ({@code glasskey.audit.checkpoint-interval},
 * default 5 minutes; nothing is signed while the log does not grow). Server only: the CLI's
 * short-lived contexts do not sign.
 */
@Component
@ConditionalOnWebApplication
class AuditCheckpointSchedule {
    private final AuditIntegrity integrity;

    AuditCheckpointSchedule(AuditIntegrity integrity) {
        this.integrity = integrity;
    }

    @Scheduled(fixedDelayString = "${glasskey.audit.checkpoint-interval:PT5M}", initialDelayString = "${glasskey.audit.checkpoint-interval:PT5M}")
    // Held for at least 30 s: of several nodes whose turns come moments apart, one signs.
    @SchedulerLock(name = "audit-checkpoint", lockAtMostFor = "PT10M", lockAtLeastFor = "PT30S")
    void checkpoint() {
        integrity.checkpoint();
    }
}
