package dev.glasskey.session;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.glasskey.webauthn.CeremonyCookie;
import dev.glasskey.webauthn.SignInService;
import dev.glasskey.webauthn.SignedIn;

/**
 * The security-key sign-in a browser calls: options, then the assertion. The method proves who
 * signed in ({@link SignInService} returns a {@link SignedIn}); this controller turns that into
 * a session. Asking for options stores nothing: the challenge is bound to the browser's
 * {@link CeremonyCookie}.
 */
@RestController
class SignInController {
    private final SignInService signIn;
    private final SessionService sessions;
    private final CeremonyCookie ceremonyCookie;

    SignInController(SignInService signIn, SessionService sessions, CeremonyCookie ceremonyCookie) {
        this.signIn = signIn;
        this.sessions = sessions;
        this.ceremonyCookie = ceremonyCookie;
    }

    @PostMapping(path = "/api/webauthn/sign-in/options", produces = MediaType.APPLICATION_JSON_VALUE)
    String signInOptions(HttpServletRequest request, HttpServletResponse response) {
        return signIn.start(ceremonyCookie.issue(request, response));
    }

    @PostMapping(path = "/api/webauthn/sign-in", consumes = MediaType.APPLICATION_JSON_VALUE)
    SessionController.SessionView signIn(@RequestBody String credential, HttpServletRequest request) {
        // The session is written in the sign-in's own transaction (sessions flush at once): one commit
        // for the counter, the audit entry and the session, and no session without its sign-in.
        record Started(SignedIn signedIn, java.util.Optional<SignInAccess.Refusal> refused) {}
        Started started = signIn.verifyOnly(ceremonyCookie.presented(request), credential, "signin",
                s -> new Started(s, sessions.start(request, s)));
        // A Conditional Access refusal is answered once the sign-in's transaction (its decision, its audit entry) committed.
        started.refused().ifPresent(SessionController::refuse);
        SignedIn signedIn = started.signedIn();
        return SessionController.SessionView.of(signedIn, sessions.expiresAt(signedIn));
    }
}
