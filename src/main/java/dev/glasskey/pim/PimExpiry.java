package dev.glasskey.pim;

import java.time.Clock;
import java.time.Instant;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Times;

/**
 * Expiry, audited (issue 16 §3): a time-bound assignment leaves the account's sessions and tokens at its
 * end by itself (the end time is the rule, {@code PimStore#CURRENT_ROLES}); this sweep writes the audit
 * entry saying so, once per assignment — {@code pim.activation_expired} for an activation (the holder's or
 * an emergency one), {@code pim.assignment_expired} for a time-bound assignment an administrator made.
 * "Once" is kept by the row, not by the job: the entry is written only by the sweep whose conditional update
 * set {@code expiry_audited_at}, so two nodes (or a rerun) never write it twice. Run by {@link PimExpiryJob}.
 */
@Service
public class PimExpiry {
    /** At most this many per sweep: a backlog (a node down for a day) drains over a few runs without one huge transaction. */
    private static final int BATCH = 500;

    private final PimStore store;
    private final AccountService accounts;
    private final Audit audit;
    private final Clock clock;

    PimExpiry(PimStore store, AccountService accounts, Audit audit, Clock clock) {
        this.store = store;
        this.accounts = accounts;
        this.audit = audit;
        this.clock = clock;
    }

    /** Audits the assignments that reached their end since the last sweep; returns how many. */
    @Transactional
    public int sweep() {
        Instant now = Times.now(clock);
        int written = 0;
        for (Assignment a : store.endedByTime(now, BATCH)) {
            if (!store.markExpiryAudited(a.id(), now)) {
                continue; // another node's sweep took it
            }
            boolean activation = Assignment.ACTIVATION.equals(a.source()) || Assignment.EMERGENCY.equals(a.source());
            String who = a.accountId();
            boolean emergency = false;
            try {
                Account account = accounts.get(a.accountId());
                who = account.displayName();
                emergency = account.emergency();
            } catch (GlasskeyException gone) {
                // The account was deleted since: the entry still says which id held the role.
            }
            audit.record(AuditEvent.success(Actor.SYSTEM, activation ? "pim.activation_expired" : "pim.assignment_expired", a.accountId(), emergency,
                    "'" + a.role() + "' " + a.kind() + " of '" + who + "' reached its end at " + a.endsAt()
                            + (activation ? " (" + a.source() + " of " + a.startsAt() + ")" : "")));
            written++;
        }
        return written;
    }
}
