package dev.glasskey.system;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The {@link Actor} behind the current request, from the security context. */
public final class Actors {
    private Actors() {}

    /** Implemented by the signed-in principal, so features below {@code webauthn} can name the actor. */
    public interface Source {
        Actor actor();
    }

    public static Actor current() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof Source source) {
            return source.actor();
        }
        return Actor.ANONYMOUS;
    }
}
