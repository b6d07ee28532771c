package dev.glasskey.people;

import java.util.Map;

import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

import dev.glasskey.alert.DirectMessage;
import dev.glasskey.alert.DirectMessages;
import dev.glasskey.alert.DirectRecipient;
import dev.glasskey.alert.PersonalMail;
import dev.glasskey.audit.AuditEntry;
import dev.glasskey.audit.AuditListener;

/**
 * Tells a person about their own account (issue 15 §2 and §6): a recovery code used, new recovery
 * codes, a passkey or security key added or removed, their password and app removed, an
 * administrator's reset. It hears the audit entry inside the action's transaction and, when the
 * account has an e-mail address ({@code account.email}, set by an administrator), queues a direct message in the alert outbox
 * ({@link DirectMessages}), so the notice commits with the action and is retried until sent; as the
 * message's recipient it mails it through the e-mail alert channel's server ({@link PersonalMail}).
 * Accounts without an address get no notice (the administrators' alert rules still see the flagged
 * entries).
 */
@Component
class PersonNotices implements AuditListener, DirectRecipient {
    static final String KIND = "person-notice";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The actions that change or use a person's methods, with the notice's subject. */
    private static final Map<String, String> NOTICED = Map.of(
            "recovery_code.use", "A recovery code was used to sign in to your account",
            "recovery_codes.issue", "New recovery codes were issued for your account",
            "credential.register", "A passkey or security key was added to your account",
            "credential.revoke", "A passkey or security key was removed from your account",
            "methods.remove", "Your password and authenticator app were removed from your account",
            "account.reset_methods", "An administrator reset your account's sign-in methods");

    private final PeopleStore store;
    private final DirectMessages messages;
    private final PersonalMail mail;

    PersonNotices(PeopleStore store, DirectMessages messages, PersonalMail mail) {
        this.store = store;
        this.messages = messages;
        this.mail = mail;
    }

    record Payload(String accountId, String to, String subject, String text) {}

    @Override
    public void onRecorded(AuditEntry entry) {
        String subject = NOTICED.get(entry.action());
        if (subject == null || !"success".equals(entry.outcome()) || entry.target() == null || entry.emergency()) {
            return;
        }
        store.email(entry.target()).ifPresent(to -> {
            String text = subject + " at " + entry.at() + (entry.client() == null ? "" : ", from " + entry.client()) + ".\n\n"
                    + "If this was you, there is nothing to do. If it was not, tell your administrator at once: someone may hold"
                    + " your password, your recovery codes or a signed-in session.\n\n(Audit entry " + entry.seq() + ".)\n";
            messages.enqueue(KIND, "notice to the holder of account " + entry.target() + ": " + entry.action(),
                    JSON.writeValueAsString(new Payload(entry.target(), to, "Glasskey: " + subject, text)));
        });
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public void send(DirectMessage message) throws Exception {
        Payload p = JSON.readValue(message.payloadJson(), Payload.class);
        mail.send(p.to(), p.subject(), p.text(), message.idempotencyKey(), message.queuedAt());
    }
}
