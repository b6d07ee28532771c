package dev.glasskey.session;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.webauthn.SignedIn;

/**
 * Hook of Conditional Access into sessions (docs/ARCHITECTURE.md, "How the new rooms fit"):
 * {@code session} defines it, {@code access} implements it, so the dependency points one way.
 * Absent (no bean), every sign-in and request is allowed as before.
 *
 * <p>Both calls judge the resource "console" (a Glasskey session is access to the console and the
 * API) and record their decision in the caller's transaction.
 */
public interface SignInAccess {
    /** Why access is refused: the documented code and a detail naming the policies and what they need. */
    record Refusal(ErrorCode code, String detail) {}

    /**
     * At a verified sign-in, before its session exists, in the sign-in's transaction: empty to open
     * the session, else the refusal (no session is opened; the caller answers it after the sign-in's
     * transaction committed, so the decision and its audit entry stay).
     */
    Optional<Refusal> atSignIn(SignedIn signedIn, HttpServletRequest request);

    /**
     * On a request of a standing session whose client address differs from the one it last passed
     * with: empty to go on (the caller remembers the new address), else the refusal that ends the
     * session. Runs its own transaction.
     */
    Optional<Refusal> onAddressChange(SignedIn signedIn, HttpServletRequest request, String sid);
}
