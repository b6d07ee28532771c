package dev.glasskey.session;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.glasskey.system.Actors;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.webauthn.GlasskeyAuthentication;
import dev.glasskey.webauthn.SignedIn;

/**
 * The caller's session, their other sessions, and (for a global admin, by the console's
 * permission rules) any account's sessions and "sign out everywhere".
 */
@RestController
class SessionController {
    private final SessionService sessions;

    SessionController(SessionService sessions) {
        this.sessions = sessions;
    }

    /** What a session says about its sign-in. */
    record SessionView(String accountId, String displayName, boolean emergency, Set<String> roles, String credentialId,
                       String keyId, String authTime, String expiresAt, List<String> amr, String acr, String method) {
        /** {@code amr} and {@code acr} as ID tokens carry them (RFC 8176; the ladder in docs/API.md). */
        static SessionView of(SignedIn s, java.time.Instant expiresAt) {
            return new SessionView(s.accountId(), s.displayName(), s.emergency(), new TreeSet<>(s.roles()), s.credentialId(),
                    s.keyId(), s.authTime().toString(), expiresAt.toString(), s.amr(), s.acr(), s.method());
        }
    }

    @GetMapping("/api/session")
    SessionView session() {
        SignedIn s = signedIn();
        return SessionView.of(s, sessions.expiresAt(s));
    }

    /** The caller's own sessions (every browser they are signed in with). */
    @GetMapping("/api/sessions")
    List<SessionService.SessionInfo> mine(HttpServletRequest request) {
        return sessions.forAccount(signedIn().accountId(), currentId(request));
    }

    /** Signs one of the caller's own sessions out. */
    @DeleteMapping("/api/sessions/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void endMine(@PathVariable String id) {
        sessions.end(Actors.current(), signedIn().accountId(), id);
    }

    /** Signs the caller out everywhere, this browser included. */
    @PostMapping("/api/sessions/sign-out-everywhere")
    SignedOut signOutMine() {
        return new SignedOut(sessions.endAll(Actors.current(), signedIn().accountId()));
    }

    @GetMapping("/api/accounts/{accountId}/sessions")
    List<SessionService.SessionInfo> ofAccount(@PathVariable String accountId, HttpServletRequest request) {
        return sessions.forAccount(accountId, currentId(request));
    }

    @PostMapping("/api/accounts/{accountId}/sign-out-everywhere")
    SignedOut signOutEverywhere(@PathVariable String accountId) {
        return new SignedOut(sessions.endAll(Actors.current(), accountId));
    }

    record SignedOut(int sessionsEnded) {}

    /** Answers a Conditional Access refusal of a sign-in with its documented code. */
    static void refuse(SignInAccess.Refusal refusal) {
        throw new dev.glasskey.system.GlasskeyException(refusal.code(), refusal.detail());
    }

    private static SignedIn signedIn() {
        if (SecurityContextHolder.getContext().getAuthentication() instanceof GlasskeyAuthentication auth) {
            return auth.signedIn();
        }
        throw new GlasskeyException(ErrorCode.UNAUTHENTICATED);
    }

    private static String currentId(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return session == null ? null : session.getId();
    }
}
