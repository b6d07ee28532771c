package dev.glasskey.pim;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ChangeGuards;
import dev.glasskey.system.Times;

/**
 * PIM's side of application roles (issue 16 §1): the feature that defines them ({@code oidc}, per client)
 * tells PIM when one comes and goes. A defined role gets its role settings (the defaults of V22), so it is
 * assigned, activated, approved and settled exactly like a directory role; a removed one takes its
 * assignments (each ended and audited), its pending requests (cancelled) and its settings with it.
 * Both run in the caller's transaction ({@link Propagation#MANDATORY}): the definition and PIM's rows
 * commit or roll back together.
 */
@Service
public class PimApplicationRoles {
    private final PimStore store;
    private final AccountService accounts;
    private final Audit audit;
    private final ChangeGuards guards;
    private final Clock clock;

    PimApplicationRoles(PimStore store, AccountService accounts, Audit audit, ChangeGuards guards, Clock clock) {
        this.store = store;
        this.accounts = accounts;
        this.audit = audit;
        this.guards = guards;
        this.clock = clock;
    }

    /** A role PIM now knows, with the default settings (1 h at most, no approval, 5 min step-up, 24 h request TTL). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void defined(String role) {
        store.insertDefaultSettings(role);
    }

    /** Forgets a role: ends its live assignments (audited, one entry each), cancels its pending requests. Returns how many ended. */
    @Transactional(propagation = Propagation.MANDATORY)
    public int removed(Actor actor, String role, String why) {
        return guards.guard("pim.remove", () -> {
            Instant now = Times.now(clock);
            List<Assignment> live = store.notEnded().stream().filter(a -> a.role().equals(role) && a.liveAt(now)).toList();
            for (Assignment a : live) {
                store.lockAccount(a.accountId());
                Account account = accounts.get(a.accountId());
                store.end(a.id(), now, actor.label());
                audit.record(AuditEvent.success(actor, "pim.remove", a.accountId(), account.emergency(),
                        "'" + a.role() + "' " + a.kind() + " of '" + account.displayName() + "' removed: " + why));
            }
            store.cancelPending(role, now, actor.label(), why);
            store.deleteSettings(role);
            return live.size();
        });
    }
}
