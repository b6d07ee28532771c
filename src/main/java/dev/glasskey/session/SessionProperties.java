package dev.glasskey.session;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code glasskey.session.*} settings, with their defaults (README configuration reference).
 *
 * @param maxAge          absolute lifetime of a session, counted from the sign-in
 * @param emergencyMaxAge the same for an emergency account's session (break-glass access is for the emergency, not the week)
 * @param idleTimeout     a session unused this long is over
 */
@ConfigurationProperties(prefix = "glasskey.session")
public record SessionProperties(Duration maxAge, Duration emergencyMaxAge, Duration idleTimeout) {
    public SessionProperties {
        if (maxAge == null) maxAge = Duration.ofHours(8);
        if (emergencyMaxAge == null) emergencyMaxAge = Duration.ofHours(1);
        if (idleTimeout == null) idleTimeout = Duration.ofMinutes(15);
        for (Duration d : new Duration[] {maxAge, emergencyMaxAge, idleTimeout}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("glasskey.session.* lifetimes must be positive");
            }
        }
    }

    /** How long a sign-in of this kind of account may be used, from its time. */
    public Duration maxAge(boolean emergency) {
        return emergency ? emergencyMaxAge : maxAge;
    }
}
