package dev.glasskey.emergency;

import java.time.Instant;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.glasskey.account.AccountService;
import dev.glasskey.key.KeyService;
import dev.glasskey.system.Actors;
import dev.glasskey.webauthn.CeremonyCookie;

/**
 * Readiness, the matrix and drills as JSON. The drill sign-in is the one call that needs no
 * session: its challenge (from the sign-in options) is bound to the browser's ceremony cookie.
 */
@RestController
class EmergencyController {
    private final ReadinessService readiness;
    private final DrillService drills;
    private final KeyService keys;
    private final AccountService accounts;
    private final CeremonyCookie ceremonyCookie;
    private final MissingLinks missingLinks;

    EmergencyController(ReadinessService readiness, DrillService drills, KeyService keys, AccountService accounts,
                        CeremonyCookie ceremonyCookie, MissingLinks missingLinks) {
        this.missingLinks = missingLinks;
        this.accounts = accounts;
        this.ceremonyCookie = ceremonyCookie;
        this.readiness = readiness;
        this.drills = drills;
        this.keys = keys;
    }

    @GetMapping("/api/readiness")
    ReadinessReport report() {
        return readiness.report();
    }

    @PostMapping("/api/readiness/recheck")
    ReadinessReport recheck() {
        return readiness.recheck();
    }

    @GetMapping("/api/emergency/matrix")
    Matrix matrix() {
        return readiness.matrix();
    }

    record IssuedLink(String accountId, String displayName, String keyId, String url, String token, Instant expiresAt) {}

    /** Issue 18: an enrolment link for every emergency account missing on the key (all or none). */
    @PostMapping("/api/keys/{id}/missing-links")
    @ResponseStatus(HttpStatus.CREATED)
    List<IssuedLink> issueMissingLinks(@PathVariable String id) {
        return missingLinks.issue(Actors.current(), id).stream().map(i -> new IssuedLink(i.accountId(), i.displayName(), id,
                i.link().url(), i.link().token(), i.link().expiresAt())).toList();
    }

    record StartDrill(String accountId, String keyId, String reason) {}

    @PostMapping(path = "/api/drills", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    DrillService.DrillView start(@RequestBody StartDrill body) {
        return drills.start(Actors.current(), blankToNull(body.accountId()), blankToNull(body.keyId()), body.reason());
    }

    @GetMapping("/api/drills")
    List<DrillService.DrillView> recent(@RequestParam(defaultValue = "50") int limit) {
        return drills.recent(limit);
    }

    @GetMapping("/api/drills/{id}")
    DrillService.DrillView get(@PathVariable String id) {
        return drills.get(id);
    }

    @PostMapping("/api/drills/{id}/close")
    DrillService.DrillView close(@PathVariable String id) {
        return drills.close(Actors.current(), id);
    }

    record DrillPassed(String drillId, String accountId, String displayName, String keyId, String keyLabel, Instant at) {}

    /** A drill sign-in: verified like a sign-in, recorded, and no session opened. */
    @PostMapping(path = "/api/drills/{id}/sign-in", consumes = MediaType.APPLICATION_JSON_VALUE)
    DrillPassed drillSignIn(@PathVariable String id, @RequestBody String credential, HttpServletRequest request) {
        DrillResult r = drills.signIn(id, ceremonyCookie.presented(request), credential);
        return new DrillPassed(r.drillId(), r.accountId(), accounts.get(r.accountId()).displayName(), r.keyId(),
                keys.get(r.keyId()).label(), r.at());
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
