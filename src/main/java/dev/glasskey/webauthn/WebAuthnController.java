package dev.glasskey.webauthn;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

/**
 * The ceremony endpoints a browser calls: sign-in and enrolment. Options come back as
 * {@code {"publicKey":{...}}} for {@code navigator.credentials.create/get}; responses are
 * posted in the {@code PublicKeyCredential.toJSON()} form.
 */
@RestController
class WebAuthnController {
    private final SignInService signIn;
    private final EnrolmentService enrolment;
    private final SecurityContextRepository contextRepository;

    WebAuthnController(SignInService signIn, EnrolmentService enrolment, SecurityContextRepository contextRepository) {
        this.signIn = signIn;
        this.enrolment = enrolment;
        this.contextRepository = contextRepository;
    }

    @PostMapping(path = "/api/webauthn/sign-in/options", produces = MediaType.APPLICATION_JSON_VALUE)
    String signInOptions(HttpServletRequest request) {
        return signIn.start(request.getSession(true).getId());
    }

    @PostMapping(path = "/api/webauthn/sign-in", consumes = MediaType.APPLICATION_JSON_VALUE)
    SessionView signIn(@RequestBody String credential, HttpServletRequest request, HttpServletResponse response) {
        SignedIn signedIn = signIn.finish(request.getSession(true).getId(), credential);
        // New session id on privilege change (session fixation), then store the authentication in it.
        request.changeSessionId();
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(new GlasskeyAuthentication(signedIn));
        SecurityContextHolder.setContext(context);
        contextRepository.saveContext(context, request, response);
        return SessionView.of(signedIn);
    }

    @GetMapping("/api/session")
    SessionView session() {
        if (SecurityContextHolder.getContext().getAuthentication() instanceof GlasskeyAuthentication auth) {
            return SessionView.of(auth.signedIn());
        }
        throw new GlasskeyException(ErrorCode.UNAUTHENTICATED);
    }

    @PostMapping(path = "/api/enrolments/{token}/options", produces = MediaType.APPLICATION_JSON_VALUE)
    String enrolmentOptions(@PathVariable String token, HttpServletRequest request) {
        return enrolment.start(token, request.getSession(true).getId());
    }

    @PostMapping(path = "/api/enrolments/{token}/credential", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    CredentialJson enrol(@PathVariable String token, @RequestBody String credential, HttpServletRequest request) {
        return CredentialJson.of(enrolment.finish(token, request.getSession(true).getId(), credential), null, true);
    }

    record SessionView(String accountId, String displayName, boolean emergency, java.util.Set<String> roles,
                       String credentialId, String keyId, String authTime, java.util.List<String> amr) {
        static SessionView of(SignedIn s) {
            return new SessionView(s.accountId(), s.displayName(), s.emergency(), new java.util.TreeSet<>(s.roles()),
                    s.credentialId(), s.keyId(), s.authTime().toString(), java.util.List.of("hwk", "user"));
        }
    }
}
