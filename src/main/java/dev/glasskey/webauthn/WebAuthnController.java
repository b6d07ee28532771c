package dev.glasskey.webauthn;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The enrolment ceremony endpoints a browser calls. Options come back as
 * {@code {"publicKey":{...}}} for {@code navigator.credentials.create}; responses are posted in
 * the {@code PublicKeyCredential.toJSON()} form. The ceremony is bound to the browser by
 * {@link CeremonyCookie}, not by a server session. (Sign-in, which opens a session, is
 * {@code session.SignInController}.)
 */
@RestController
class WebAuthnController {
    private final EnrolmentService enrolment;
    private final CeremonyCookie ceremonyCookie;

    WebAuthnController(EnrolmentService enrolment, CeremonyCookie ceremonyCookie) {
        this.enrolment = enrolment;
        this.ceremonyCookie = ceremonyCookie;
    }

    @PostMapping(path = "/api/enrolments/{token}/options", produces = MediaType.APPLICATION_JSON_VALUE)
    String enrolmentOptions(@PathVariable String token, HttpServletRequest request, HttpServletResponse response) {
        return enrolment.start(token, ceremonyCookie.issue(request, response));
    }

    @PostMapping(path = "/api/enrolments/{token}/credential", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    CredentialJson enrol(@PathVariable String token, @RequestBody String credential, HttpServletRequest request) {
        return CredentialJson.of(enrolment.finish(token, ceremonyCookie.presented(request), credential), null, true);
    }
}
