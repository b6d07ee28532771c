package dev.glasskey.audit;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

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
    void checkpoint() {
        integrity.checkpoint();
    }
}
