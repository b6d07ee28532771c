package dev.glasskey.people;

import java.util.Set;
import java.util.TreeSet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.glasskey.account.Account;
import dev.glasskey.system.Actors;
import dev.glasskey.totp.MethodService;
import dev.glasskey.webauthn.CeremonyCookie;
import dev.glasskey.webauthn.Credential;
import dev.glasskey.webauthn.EnrolmentLink;
import dev.glasskey.webauthn.EnrolmentService;

/**
 * Invitations (administrators) and the setup link's steps (the invited person, no session: the
 * link is the permission). docs/API.md, "People".
 */
@RestController
class PeopleController {
    private final PeopleService people;

    private final MethodService methods;
    private final EnrolmentService enrolment;
    private final CeremonyCookie ceremonyCookie;

    PeopleController(PeopleService people, MethodService methods, EnrolmentService enrolment, CeremonyCookie ceremonyCookie) {
        this.people = people;
        this.methods = methods;
        this.enrolment = enrolment;
        this.ceremonyCookie = ceremonyCookie;
    }

    record InvitationBody(String displayName, String signInName, Set<String> roles, String email) {}

    record LinkJson(String url, String token, String expiresAt) {
        static LinkJson of(EnrolmentLink link) {
            return new LinkJson(link.url(), link.token(), link.expiresAt().toString());
        }
    }

    record InvitationJson(String accountId, String displayName, String signInName, Set<String> roles, LinkJson setupLink) {
        static InvitationJson of(Account a, EnrolmentLink link) {
            return new InvitationJson(a.id(), a.displayName(), a.signInName(), new TreeSet<>(a.roles()), LinkJson.of(link));
        }
    }

    @PostMapping("/api/accounts/invitations")
    @ResponseStatus(HttpStatus.CREATED)
    InvitationJson invite(@RequestBody InvitationBody body) {
        // The permission table lets people.manage reach this endpoint; granting a role is accounts.manage
        // (issue 16: a people administrator cannot make administrators). Judged before anything is stored.
        if (body != null && body.roles() != null && !body.roles().isEmpty()
                && !dev.glasskey.account.Roles.callerPermissions().contains(dev.glasskey.account.Permission.ACCOUNTS_MANAGE)) {
            throw new dev.glasskey.system.GlasskeyException(dev.glasskey.system.ErrorCode.FORBIDDEN,
                    "Inviting a person with roles needs the permission accounts.manage (global-admin); invite without roles.");
        }
        PeopleService.Invitation invitation = people.invite(Actors.current(), body.displayName(), body.signInName(), body.roles(),
                body.email());
        return InvitationJson.of(invitation.account(), invitation.link());
    }

    @PostMapping("/api/accounts/{id}/setup-link")
    @ResponseStatus(HttpStatus.CREATED)
    LinkJson setupLink(@PathVariable String id) {
        return LinkJson.of(people.setupLink(Actors.current(), id));
    }

    record Note(String note) {}

    /** An administrator's reset: methods removed, sessions ended, a new setup link (audited, flagged). */
    @PostMapping("/api/accounts/{id}/reset-methods")
    @ResponseStatus(HttpStatus.CREATED)
    LinkJson resetMethods(@PathVariable String id, @RequestBody(required = false) Note body) {
        return LinkJson.of(people.resetMethods(Actors.current(), id, body == null ? null : body.note()));
    }

    /** The caller removes their own password and authenticator app; refused when it is their last method. */
    @DeleteMapping("/api/me/password-and-app")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void removeMine() {
        people.removeOwnPasswordAndApp(Actors.current(), Actors.current().id());
    }

    /** @param synced backup eligible (BE): a passkey that may sync to the holder's other devices */
    record PasskeyJson(String id, String label, boolean synced, boolean usable, String createdAt, String lastUsedAt) {
        static PasskeyJson of(PeopleService.Passkey p) {
            return new PasskeyJson(p.id(), p.label(), p.synced(), p.usable(), p.createdAt().toString(),
                    p.lastUsedAt() == null ? null : p.lastUsedAt().toString());
        }
    }

    /** The caller's own passkeys and security keys (not revoked). */
    @GetMapping("/api/me/passkeys")
    java.util.List<PasskeyJson> myPasskeys() {
        return people.ownPasskeys(Actors.current().id()).stream().map(PasskeyJson::of).toList();
    }

    /** Registration options for a passkey of the caller's own: {@code {"publicKey":{...}}} for {@code navigator.credentials.create}. */
    @PostMapping(path = "/api/me/passkeys/options", produces = MediaType.APPLICATION_JSON_VALUE)
    String passkeyOptions(HttpServletRequest request, HttpServletResponse response) {
        return enrolment.startPasskey(Actors.current().id(), ceremonyCookie.issue(request, response));
    }

    /** The created credential ({@code PublicKeyCredential.toJSON()}), verified and stored as the caller's. */
    @PostMapping(path = "/api/me/passkeys", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    PasskeyJson addPasskey(@RequestBody String credential, HttpServletRequest request) {
        Credential c = enrolment.finishPasskey(Actors.current(), Actors.current().id(), ceremonyCookie.presented(request), credential);
        return people.ownPasskeys(Actors.current().id()).stream().filter(p -> p.id().equals(c.id())).findFirst()
                .map(PasskeyJson::of).orElseThrow();
    }

    /** Removes (revokes) one of the caller's own passkeys; refused when it is their last method. */
    @DeleteMapping("/api/me/passkeys/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void removePasskey(@PathVariable String id) {
        people.removeOwnPasskey(Actors.current(), Actors.current().id(), id);
    }

    record SetupJson(String displayName, String signInName, String expiresAt, boolean passwordSet) {}

    @GetMapping("/api/setup/{token}")
    SetupJson view(@PathVariable String token) {
        PeopleService.SetupView v = people.view(token);
        return new SetupJson(v.displayName(), v.signInName(), v.expiresAt().toString(), v.passwordSet());
    }

    record PasswordBody(String password) {}

    @PostMapping("/api/setup/{token}/password")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void password(@PathVariable String token, @RequestBody PasswordBody body) {
        people.setPassword(token, body.password());
    }

    @PostMapping("/api/setup/{token}/totp")
    MethodService.TotpSetup startTotp(@PathVariable String token) {
        return people.startTotp(token);
    }

    record CodeBody(String code) {}

    record RecoveryCodesJson(java.util.List<String> recoveryCodes) {}

    /** The caller's own password + code method: whether set up, and how many recovery codes are left. */
    @GetMapping("/api/me/methods")
    MethodService.Methods myMethods() {
        return methods.methods(Actors.current().id());
    }

    /** New recovery codes for the caller (shown once; the earlier ones stop working). */
    @PostMapping("/api/me/recovery-codes")
    RecoveryCodesJson myRecoveryCodes() {
        return new RecoveryCodesJson(people.newRecoveryCodes(Actors.current(), Actors.current().id()));
    }

    @PostMapping("/api/setup/{token}/totp/confirm")
    RecoveryCodesJson confirmTotp(@PathVariable String token, @RequestBody CodeBody body) {
        return new RecoveryCodesJson(people.confirmTotp(token, body.code()));
    }
}
