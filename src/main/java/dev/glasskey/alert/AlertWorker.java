package dev.glasskey.alert;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Runs delivery every {@code glasskey.alerts.poll-interval} on the scheduler's single thread,
 * on every node (rows are leased one by one; ended coalescing windows are closed under their row
 * lock, so no ShedLock is needed). Server only: the CLI's short-lived contexts leave their alerts,
 * and the summaries of their windows, to the server.
 */
@Component
@ConditionalOnWebApplication
class AlertWorker {
    private final AlertDelivery delivery;

    AlertWorker(AlertDelivery delivery) {
        this.delivery = delivery;
    }

    @Scheduled(fixedDelayString = "${glasskey.alerts.poll-interval:PT1S}", initialDelayString = "${glasskey.alerts.poll-interval:PT1S}")
    void run() {
        delivery.deliverDue();
    }
}
