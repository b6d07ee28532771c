package dev.glasskey.session;

import java.time.Instant;
import java.util.Set;

/**
 * Hook of the per-request re-check (docs/ARCHITECTURE.md, "How the new rooms fit"): the roles an
 * account holds <em>right now</em>, which a session carries on each request instead of the roles of
 * its sign-in. {@code session} defines it, the feature that grants roles for a time ({@code pim})
 * implements it, so an activation is in the session at the next request and an expiry or a
 * deactivation leaves it at once, with no dependency from {@code session} up to {@code pim}.
 *
 * <p>Called once per request that needs the sign-in, after {@link SessionCheck} passed: keep it to
 * one indexed read.
 */
public interface SessionRoles {
    Set<String> current(String accountId, Instant now);
}
