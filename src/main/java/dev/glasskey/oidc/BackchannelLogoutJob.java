package dev.glasskey.oidc;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;

/**
 * Runs {@link BackchannelLogouts#sweep} every {@code glasskey.oidc.backchannel-logout-interval}, on
 * one node at a time (ShedLock; a second node would only find the pairs taken). The outbox's own
 * worker then delivers what it queued. Server only, as the alert worker.
 */
@Component
@ConditionalOnWebApplication
class BackchannelLogoutJob {
    private final BackchannelLogouts logouts;

    BackchannelLogoutJob(BackchannelLogouts logouts) {
        this.logouts = logouts;
    }

    @Scheduled(fixedDelayString = "${glasskey.oidc.backchannel-logout-interval:PT5S}",
            initialDelayString = "${glasskey.oidc.backchannel-logout-interval:PT5S}")
    @SchedulerLock(name = "backchannel-logout", lockAtMostFor = "PT5M")
    void run() {
        logouts.sweep();
    }
}
