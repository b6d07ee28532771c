package dev.glasskey.pim;

import java.time.Instant;
import java.util.Set;

import org.springframework.stereotype.Component;

import dev.glasskey.session.SessionRoles;

/**
 * PIM's side of the sessions re-check: a session carries the roles its account holds at this
 * request — held roles and live active assignments — so an activation is in it at the next request
 * and an expired or deactivated one is gone at the next request. One statement (indexes on
 * {@code account_role}'s key and {@code pim_assignment (account_id, kind)}).
 */
@Component
class PimSessionRoles implements SessionRoles {
    private final PimStore store;

    PimSessionRoles(PimStore store) {
        this.store = store;
    }

    @Override
    public Set<String> current(String accountId, Instant now) {
        return store.currentRoles(accountId, now);
    }
}
