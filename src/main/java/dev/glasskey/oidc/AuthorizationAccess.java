package dev.glasskey.oidc;

import jakarta.servlet.http.HttpServletRequest;

import dev.glasskey.webauthn.SignedIn;

/**
 * Hook of Conditional Access into OpenID Connect (issue 17 §2): {@code oidc} defines it,
 * {@code access} implements it (the dependency points one way). The resource is the client asking.
 * Absent (no bean), every authorization and refresh is allowed as before. Each call records its
 * decision in the caller's transaction (or one of its own when there is none).
 */
public interface AuthorizationAccess {
    enum Outcome {
        ALLOW,
        /** A stronger method or a more recent sign-in is required: sent to sign in again, as {@code max_age} does. */
        FRESH_SIGN_IN,
        /** Blocked, or required what a new sign-in cannot give (a compliant device): {@code access_denied} / {@code invalid_grant}. */
        DENY
    }

    record Verdict(Outcome outcome, String description) {
        public static final Verdict ALLOWED = new Verdict(Outcome.ALLOW, null);
    }

    /**
     * At every authorization request, signed in afresh or by single sign-on reuse of the session.
     *
     * @param freshSignInDone this very request already sent the browser to sign in again, and it did:
     *        what is still unmet cannot be got by another round (the answer is {@link Outcome#DENY})
     */
    Verdict atAuthorization(SignedIn signedIn, String clientId, String sid, HttpServletRequest request, boolean freshSignInDone);

    /** At a refresh grant of a person's authorization: anything but allowed is {@link Outcome#DENY}. */
    Verdict atRefresh(SignInFacts facts, String clientId, HttpServletRequest request);
}
