package dev.glasskey.session;

/**
 * Hook of the per-request re-check (docs/ARCHITECTURE.md, "How the new rooms fit"): the roles an
 * account holds <em>right now</em>, which a session carries on each request instead of the roles of
 * its sign-in. {@code session} defines it, the feature that grants roles for a time ({@code pim})
 * implements it, so an activation is in the session at the next request and an expiry or a
 * deactivation leaves it at once, with no dependency from {@code session} up to {@code pim}.
 *
 * <p>The roles are read by {@link SessionCheck}'s own statement (one indexed read per request, issue 16
 * "Performance"): the hook hands over the query, not the rows. Without an implementation the held
 * roles ({@code account_role}) are the current roles.
 */
public interface SessionRoles {
    /** The held roles only: what a session carries when nothing grants roles for a time. */
    String HELD = "select role, cast(null as timestamp with time zone) as ends_at from account_role where account_id = :account";

    /**
     * A select of two columns, {@code role} and {@code ends_at} (when the role leaves the account by
     * itself; null: held until changed), for the account {@code :account} at the instant {@code :now}
     * (both bound by {@link SessionCheck}); held roles included, one row per grant. It must use indexes
     * on the account id: it runs on every authenticated request.
     */
    String currentRolesQuery();

    /** The same roles read on their own (Conditional Access at sign-in, {@code access.AccessEnforcement}): not the per-request path. */
    java.util.Set<String> current(String accountId, java.time.Instant now);
}
