package dev.glasskey.session;

import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.context.HttpRequestResponseHolder;
import org.springframework.security.web.context.SecurityContextRepository;

import dev.glasskey.webauthn.GlasskeyAuthentication;
import dev.glasskey.webauthn.SignedIn;

/**
 * Where Spring Security finds the signed-in user: the database session's {@link SignedIn},
 * re-checked against current state ({@link SessionCheck}) the first time a request needs it. A
 * session whose sign-in no longer stands is ended there and then (deleted on every node),
 * audited with the reason, and the request goes on unauthenticated: the API answers 401
 * {@code session.ended}, a page sends the browser to sign in. Loading is deferred, so requests
 * that need no sign-in (static files, the sign-in page) cost neither a session read nor a check.
 */
final class SessionContextRepository implements SecurityContextRepository {
    private final SessionService sessions;

    SessionContextRepository(SessionService sessions) {
        this.sessions = sessions;
    }

    @Override
    @SuppressWarnings("deprecation") // the interface's one abstract loader; loadDeferredContext wraps it lazily
    public SecurityContext loadContext(HttpRequestResponseHolder holder) {
        HttpServletRequest request = holder.getRequest();
        HttpSession session = request.getSession(false);
        if (session == null) {
            return null;
        }
        SignedIn signedIn = SessionService.signedIn(session);
        if (signedIn == null) {
            return null;
        }
        SessionCheck.Outcome standing = sessions.standing(signedIn);
        Optional<SessionCheck.Ended> ended = standing.ended();
        if (ended.isPresent()) {
            session.invalidate();
            sessions.recordEnded(signedIn, ended.get().reason(), ended.get().description());
            request.setAttribute(SessionService.ENDED, ended.get().description());
            return null;
        }
        SignedIn current = SessionService.withCurrentRoles(signedIn, standing.roles());
        // Conditional Access again only when the client address moved (issue 17 §2): a block ends the session here.
        Optional<SignInAccess.Refusal> refused = sessions.recheckAddress(request, session, current);
        if (refused.isPresent()) {
            session.invalidate();
            sessions.recordEnded(signedIn, refused.get().code().code(), refused.get().detail());
            request.setAttribute(SessionService.ENDED, refused.get().detail());
            return null;
        }
        return new SecurityContextImpl(new GlasskeyAuthentication(current));
    }

    /** Sign-in stores its session through {@link SessionService#start}; what is saved here is only ever a sign-out. */
    @Override
    public void saveContext(SecurityContext context, HttpServletRequest request, HttpServletResponse response) {
        if (context.getAuthentication() instanceof GlasskeyAuthentication) {
            return;
        }
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.removeAttribute(SessionService.SIGNED_IN);
        }
    }

    @Override
    public boolean containsContext(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return session != null && SessionService.signedIn(session) != null;
    }
}
