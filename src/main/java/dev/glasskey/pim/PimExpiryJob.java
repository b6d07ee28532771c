package dev.glasskey.pim;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;

/**
 * Runs {@link PimExpiry#sweep} every {@code glasskey.pim.expiry-interval} (default 30 s), on one node at a
 * time (ShedLock; the sweep's conditional update keeps each entry single even without it). Server only.
 */
@Component
@ConditionalOnWebApplication
class PimExpiryJob {
    private final PimExpiry expiry;

    PimExpiryJob(PimExpiry expiry) {
        this.expiry = expiry;
    }

    @Scheduled(fixedDelayString = "${glasskey.pim.expiry-interval:PT30S}", initialDelayString = "${glasskey.pim.expiry-interval:PT30S}")
    @SchedulerLock(name = "pim-expiry", lockAtMostFor = "PT5M")
    void run() {
        expiry.sweep();
    }
}
