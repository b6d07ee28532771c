package dev.glasskey.pim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.alert.DirectMessage;
import dev.glasskey.alert.DirectMessages;
import dev.glasskey.alert.DirectRecipient;
import dev.glasskey.alert.PersonalMail;

/**
 * Issue 16 §5: an emergency activation is alerted "to every approver it skipped". Besides the critical
 * alert on every channel (the seeded rule {@code pim-emergency-activation}), each approver of the role
 * gets a direct notice at their account's e-mail address ({@code account.email}): queued in the outbox
 * in the activation's transaction ({@link DirectMessages}, so it commits with it and is retried until
 * sent) and mailed through the e-mail alert channel's server ({@link PersonalMail}), as the person
 * notices of issue 15 are. Approvers without an address cannot be told directly: the caller puts their
 * names in the audit entry (and so in the alert).
 */
@Component
class SkippedApproverNotices implements DirectRecipient {
    static final String KIND = "pim-skipped-approver";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AccountService accounts;
    private final DirectMessages messages;
    private final PersonalMail mail;

    SkippedApproverNotices(AccountService accounts, DirectMessages messages, PersonalMail mail) {
        this.accounts = accounts;
        this.messages = messages;
        this.mail = mail;
    }

    record Payload(String accountId, String to, String subject, String text) {}

    /** Who was skipped, and which of them could not be told directly (no address, or disabled). */
    record Outcome(List<String> noticed, List<String> withoutAddress) {}

    Outcome notify(Account activator, String role, Instant until, String justification, Set<String> approverIds) {
        List<String> noticed = new ArrayList<>();
        List<String> without = new ArrayList<>();
        for (String id : new TreeSet<>(approverIds)) {
            Account approver = accounts.get(id);
            if (approver.email() == null || approver.email().isBlank() || !approver.enabled()) {
                without.add("'" + approver.displayName() + "'");
                continue;
            }
            String subject = "Glasskey: an emergency activation skipped your approval";
            String text = "Emergency account '" + activator.displayName() + "' activated '" + role + "' without approval; it lasts until "
                    + until + ".\nJustification: " + justification + "\n\nYou approve activations of this role. No approver can block an "
                    + "emergency activation (issue 16 §5): check with the holder and the on-call lead that it is expected.\n";
            messages.enqueue(KIND, "notice to approver " + id + ": emergency activation of '" + role + "' by " + activator.id(),
                    JSON.writeValueAsString(new Payload(id, approver.email(), subject, text)));
            noticed.add("'" + approver.displayName() + "'");
        }
        return new Outcome(noticed, without);
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
