package dev.glasskey.access;

import java.time.Duration;

/**
 * Something a policy requires of a sign-in before it grants access (issue 17 §1, grant and
 * session controls). Unmet, it is what the person is asked to do: sign in with a stronger
 * method, use a compliant device, or sign in afresh.
 */
public sealed interface Control {
    /** Grant control: the sign-in must meet this authentication strength. */
    record RequireStrength(AuthenticationStrength strength) implements Control {
        @Override
        public String toString() { return "strength " + strength; }
    }

    /** Grant control: the request must come from a compliant device (a device-CA client certificate). */
    record RequireCompliantDevice() implements Control {
        @Override
        public String toString() { return "compliant device"; }
    }

    /**
     * Session control, sign-in frequency: the authentication must be at most {@code maxAge} old for
     * this resource; older, the person is sent to a fresh sign-in, as OpenID Connect's
     * {@code max_age} does (Core 1.0 §3.1.2.1).
     */
    record RequireFreshSignIn(Duration maxAge) implements Control {
        @Override
        public String toString() { return "sign-in within " + maxAge; }
    }

    RequireCompliantDevice COMPLIANT_DEVICE = new RequireCompliantDevice();
}
