package dev.glasskey.webauthn;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** Removes challenges nobody answered. Expired ones are refused anyway; this only keeps the table small. */
@Component
class CeremonyJanitor {
    private final Ceremonies ceremonies;

    CeremonyJanitor(Ceremonies ceremonies) {
        this.ceremonies = ceremonies;
    }

    @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT1M")
    @Transactional
    void purgeExpired() {
        ceremonies.purgeExpired();
    }
}
