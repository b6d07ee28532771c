package dev.glasskey.webauthn;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;

/** Removes enrolment challenges nobody answered, and used sign-in challenges once expired. Expired ones are refused anyway; this only keeps the table small. */
@Component
class CeremonyJanitor {
    private final Ceremonies ceremonies;
    private final AssertionChallenges challenges;
    private final java.time.Clock clock;

    CeremonyJanitor(Ceremonies ceremonies, AssertionChallenges challenges, java.time.Clock clock) {
        this.ceremonies = ceremonies;
        this.challenges = challenges;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT1M")
    @SchedulerLock(name = "ceremony-janitor", lockAtMostFor = "PT5M")
    @Transactional
    void purgeExpired() {
        // An hour's grace: until then a late enrolment answer is told "expired" rather than "unknown".
        // (A used sign-in challenge must be remembered until it expires; after that its expiry refuses it.)
        java.time.Instant before = clock.instant().minus(java.time.Duration.ofHours(1));
        ceremonies.purgeExpired(before);
        challenges.purgeExpired(before);
    }
}
