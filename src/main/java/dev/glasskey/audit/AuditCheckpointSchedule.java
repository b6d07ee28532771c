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
    // The lease is held for a whole interval after each run (fixed delay: a node's next turn comes
    // at least an interval after its last run ended, so a single node never finds its own lease):
    // of several nodes, whose turns fall anywhere in the interval, one signs per interval. A node
    // that dies mid-run blocks the others for at most one interval.
    @SchedulerLock(name = "audit-checkpoint", lockAtMostFor = "${glasskey.audit.checkpoint-interval:PT5M}",
            lockAtLeastFor = "${glasskey.audit.checkpoint-interval:PT5M}")
    void checkpoint() {
        integrity.checkpoint();
    }
}
