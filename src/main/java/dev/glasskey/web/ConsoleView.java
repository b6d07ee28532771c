package dev.glasskey.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

import dev.glasskey.webauthn.GlasskeyAuthentication;

/**
 * Display helpers for the console's templates ({@code ${@view.ago(t)}}): times relative to the one
 * clock with the absolute time on hover, short ids, and whether this is an emergency session. Only
 * what a person reads is shortened; the full values stay in the page ({@code datetime}, {@code title},
 * the copy buttons' {@code data-copy}).
 */
@Component("view")
public class ConsoleView {
    private static final DateTimeFormatter ABSOLUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    static final int SHORT_ID = 8;

    private final Clock clock;

    ConsoleView(Clock clock) {
        this.clock = clock;
    }

    /** "just now", "5 min ago", "3 h ago", "2 days ago", "in 4 days"; beyond 60 days the date. */
    public String ago(Instant t) {
        if (t == null) {
            return "never";
        }
        Duration d = Duration.between(t, clock.instant());
        boolean future = d.isNegative();
        long s = Math.abs(d.getSeconds());
        String amount;
        if (s < 45) {
            return "just now";
        } else if (s < 3600) {
            amount = Math.max(1, Math.round(s / 60.0)) + " min";
        } else if (s < 36 * 3600) {
            amount = Math.round(s / 3600.0) + " h";
        } else if (s < 60L * 86400) {
            long days = Math.round(s / 86400.0);
            amount = days + (days == 1 ? " day" : " days");
        } else {
            return DAY.format(t);
        }
        return future ? "in " + amount : amount + " ago";
    }

    /** The absolute time to the second, in UTC (no microseconds). */
    public String at(Instant t) {
        return t == null ? "" : ABSOLUTE.format(t);
    }

    /** ISO-8601 to the second, for {@code <time datetime>}. */
    public String iso(Instant t) {
        return t == null ? "" : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** A length of time as a person says it: "90 days", "1 day", "8 h", "15 min", "10 s". */
    public String duration(Duration d) {
        return length(d);
    }

    static String length(Duration d) {
        if (d == null) {
            return "";
        }
        long s = d.getSeconds();
        if (s != 0 && s % 86400 == 0) {
            return s / 86400 + (s == 86400 ? " day" : " days");
        } else if (s != 0 && s % 3600 == 0) {
            return s / 3600 + " h";
        } else if (s != 0 && s % 60 == 0) {
            return s / 60 + " min";
        }
        return d.getNano() == 0 ? s + " s" : d.toMillis() + " ms";
    }

    /**
     * A token signing key's kid as shown: its random end (the kid is {@code es256-20261207-Ab3dE5fG},
     * so its first characters would be alike for every key of an algorithm and day).
     */
    public String shortKid(String kid) {
        if (kid == null) {
            return "";
        }
        String[] parts = kid.split("-", 3);
        return parts.length == 3 && !parts[2].isEmpty() ? parts[2] : shortId(kid);
    }

    /** The first 8 characters of an id (a UUID's first group), enough to tell ids on one page apart. */
    public String shortId(String id) {
        return id == null ? "" : id.length() <= SHORT_ID ? id : id.substring(0, SHORT_ID);
    }

    /** The signed-in account is an emergency account: the console shows a red frame and a banner. */
    public boolean emergencySession() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.getPrincipal() instanceof GlasskeyAuthentication.Principal p && p.signedIn().emergency();
    }

    /**
     * The signed-in person may open the console page at {@code path} (a GET in {@link PermissionTable}):
     * the navigation shows only these (issue 16). The page itself is refused by the same table.
     */
    public boolean mayOpen(String path) {
        PermissionTable.Need need = PermissionTable.page(path).map(PermissionTable.Rule::need).orElse(null);
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (need == null || !(auth instanceof GlasskeyAuthentication)) {
            return false;
        }
        java.util.Set<dev.glasskey.account.Permission> held = PermissionCheck.permissionsOf(auth);
        return switch (need.kind()) {
            case OPEN, SIGNED_IN -> true;
            case CONSOLE -> !held.isEmpty();
            case PERMISSION, PERSON -> held.contains(need.permission());
        };
    }

    /** The signed-in person holds the permission {@code code} ({@code accounts.manage}): what a page offers to change. */
    public boolean may(String code) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth instanceof GlasskeyAuthentication && dev.glasskey.account.Permission.ofCode(code)
                .map(PermissionCheck.permissionsOf(auth)::contains).orElseThrow(() -> new IllegalArgumentException("No permission " + code));
    }
}
