package dev.glasskey.mds;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.glasskey.system.Actor;
import dev.glasskey.system.GlasskeyException;

import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;

/**
 * Fetches {@code glasskey.mds.url} every {@code glasskey.mds.fetch-interval}, on a host with internet.
 * Of several nodes one fetches per interval (the lease is held for the interval); a newer BLOB is
 * stored in the database, where the others find it. A failed fetch is audited ({@code mds.fetch}) and
 * retried at the next interval; the BLOB in use stays, and readiness reports it once it grows stale.
 */
@Component
@ConditionalOnWebApplication
@ConditionalOnProperty(name = "glasskey.mds.url")
public class MdsFetchJob {
    private static final Logger log = LoggerFactory.getLogger(MdsFetchJob.class);
    private final MdsService mds;

    MdsFetchJob(MdsService mds) {
        this.mds = mds;
    }

    @Scheduled(fixedDelayString = "${glasskey.mds.fetch-interval:PT24H}", initialDelayString = "${glasskey.mds.fetch-initial-delay:PT1M}")
    @SchedulerLock(name = "mds-fetch", lockAtMostFor = "${glasskey.mds.fetch-interval:PT24H}", lockAtLeastFor = "${glasskey.mds.fetch-interval:PT24H}")
    void run() {
        tick();
    }

    /** One fetch, as the schedule runs it (without the lease: for tests and a caller that holds it). */
    public void tick() {
        try {
            mds.fetch(Actor.SYSTEM).ifPresentOrElse(
                    loaded -> log.info("MDS BLOB no. {} loaded from {}", loaded.snapshot().serial(), mds.properties().url()),
                    () -> log.debug("MDS BLOB at {} is not newer than the loaded one", mds.properties().url()));
        } catch (GlasskeyException e) {
            log.warn("MDS fetch from {} refused: {} {}", mds.properties().url(), e.errorCode().code(), e.detail());
        } catch (RuntimeException e) {
            log.warn("MDS fetch from {} failed: {}", mds.properties().url(), e.toString());
        }
    }
}
