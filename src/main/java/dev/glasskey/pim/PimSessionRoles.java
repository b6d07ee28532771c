package dev.glasskey.pim;

import org.springframework.stereotype.Component;

import dev.glasskey.session.SessionRoles;

/**
 * PIM's side of the sessions re-check: a session carries the roles its account holds at this
 * request — held roles and live active assignments — so an activation is in it at the next request
 * and an expired or deactivated one is gone at the next request. {@code session.SessionCheck} runs
 * this query inside its own per-request statement (indexes on {@code account_role}'s key and
 * {@code pim_assignment (account_id, kind)}); {@link PimStore#currentRoles} is the same rule for PIM's own checks.
 */
@Component
class PimSessionRoles implements SessionRoles {
    private final PimStore store;

    PimSessionRoles(PimStore store) {
        this.store = store;
    }

    @Override
    public java.util.Set<String> current(String accountId, java.time.Instant now) {
        return store.currentRoles(accountId, now);
    }

    @Override
    public String currentRolesQuery() {
        return PimStore.CURRENT_ROLES;
    }
}
