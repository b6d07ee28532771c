package dev.glasskey.alert;

import java.time.Instant;
import java.util.Comparator;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Mail to one person (issue 15: a recovery code used, a method changed), for the feature that queued
 * it as a direct message ({@link DirectMessages}) and sends it as its {@link DirectRecipient}. There is
 * no second mail set-up: it goes through the server, sender address and credentials of the enabled
 * e-mail alert channel first by name, to the person's address only (never to the channel's recipients).
 */
@Component
public class PersonalMail {
    private final AlertStore store;
    private final EmailSender email;
    private final TransactionTemplate tx;

    PersonalMail(AlertStore store, EmailSender email, PlatformTransactionManager transactionManager) {
        this.store = store;
        this.email = email;
        this.tx = new TransactionTemplate(transactionManager);
        this.tx.setReadOnly(true);
    }

    /**
     * Sends one message; throws on a failure worth retrying, {@link DirectRecipient.Abandon} when no
     * e-mail channel is enabled (nothing to retry with; the outbox row says why).
     */
    public void send(String to, String subject, String text, String idempotencyKey, Instant date) throws Exception {
        AlertChannel channel = tx.execute(status -> store.enabledChannels().stream()
                .filter(c -> c.type() == AlertChannel.Type.EMAIL)
                .min(Comparator.comparing(AlertChannel::name))
                .orElse(null));
        if (channel == null) {
            throw new DirectRecipient.Abandon("no enabled e-mail alert channel to send a person's notice through");
        }
        email.sendTo(channel, store.openSecret(channel), to, subject, text, idempotencyKey, date);
    }
}
