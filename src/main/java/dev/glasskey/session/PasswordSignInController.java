package dev.glasskey.session;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.glasskey.totp.MethodService;
import dev.glasskey.webauthn.SignedIn;

/**
 * Sign-in with a sign-in name, a password and an authenticator-app code (issue 15): the password
 * alone never signs in. {@link MethodService} proves who signed in; this controller opens the same
 * database session a security-key sign-in gets, in the transaction that spends the code, so the
 * per-request re-check, revocation and "sign out everywhere" apply alike.
 */
@RestController
class PasswordSignInController {
    private final MethodService methods;
    private final SessionService sessions;

    PasswordSignInController(MethodService methods, SessionService sessions) {
        this.methods = methods;
        this.sessions = sessions;
    }

    record PasswordSignIn(String signInName, String password, String code) {}

    @PostMapping("/api/sign-in/password")
    SessionController.SessionView signIn(@RequestBody PasswordSignIn body, HttpServletRequest request) {
        record Started(SignedIn signedIn, java.util.Optional<SignInAccess.Refusal> refused) {}
        Started started = methods.signIn(body.signInName(), body.password(), body.code(), request.getRemoteAddr(), account -> {
            SignedIn s = SignedIn.withPasswordAndCode(account.id(), account.displayName(), account.roles(),
                    dev.glasskey.system.Times.now(sessions.clock()), account.securityVersion());
            return new Started(s, sessions.start(request, s));
        });
        started.refused().ifPresent(SessionController::refuse);
        SignedIn signedIn = started.signedIn();
        return SessionController.SessionView.of(signedIn, sessions.expiresAt(signedIn));
    }
}
