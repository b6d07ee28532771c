package dev.glasskey.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

import dev.glasskey.pim.PimReports;
import dev.glasskey.webauthn.GlasskeyAuthentication;
import dev.glasskey.webauthn.SignedIn;

/**
 * PIM's part of the console layout ({@code ${@pimView...}} in {@code fragments/console.html}),
 * read from the live state at every page: the badge of running emergency activations (issue 16
 * §5, shown to every signed-in administrator for as long as the activation lasts, gone with it),
 * and whether the "Approvals" link shows (something waits for the signed-in account).
 */
@Component("pimView")
public class PimView {
    private final PimReports reports;
    private final Clock clock;

    PimView(PimReports reports, Clock clock) {
        this.reports = reports;
        this.clock = clock;
    }

    public List<PimReports.EmergencyActivation> emergencyActivations() {
        return signedIn() == null ? List.of() : reports.runningEmergencyActivations();
    }

    /** Requests waiting for the signed-in account's decision. */
    public int approvalsWaiting() {
        SignedIn me = signedIn();
        return me == null ? 0 : reports.waitingCount(me.accountId());
    }

    /** "42 min left", "2 h 5 min left", "less than a minute left" (minutes rounded up). */
    public String timeLeft(Instant end) {
        Duration left = Duration.between(clock.instant(), end);
        if (left.isNegative() || left.isZero()) {
            return "ended";
        }
        if (left.compareTo(Duration.ofMinutes(1)) < 0) {
            return "less than a minute left";
        }
        // Whole minutes, rounded up: an activation of 10 minutes shows "10 min left" until a full minute of it has passed.
        long minutes = left.plusSeconds(59).minusNanos(1).toMinutes();
        return (minutes >= 60 ? minutes / 60 + " h " + (minutes % 60 == 0 ? "" : minutes % 60 + " min ") : minutes + " min ").strip() + " left";
    }

    static SignedIn signedIn() {
        return SecurityContextHolder.getContext().getAuthentication() instanceof GlasskeyAuthentication auth ? auth.signedIn() : null;
    }
}
