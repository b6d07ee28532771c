package dev.glasskey.web;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.glasskey.account.AccountService;
import dev.glasskey.account.Roles;
import dev.glasskey.audit.Audit;
import dev.glasskey.emergency.ReadinessService;
import dev.glasskey.key.KeyService;
import dev.glasskey.session.SessionService;
import dev.glasskey.system.Actors;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.webauthn.Credential;
import dev.glasskey.webauthn.CredentialService;
import dev.glasskey.webauthn.EnrolmentLink;
import dev.glasskey.webauthn.EnrolmentService;

/**
 * The admin console: one overview page with the forms an administrator needs. Each form
 * posts to the same services as the JSON API; a refusal is shown with its error code.
 */
@Controller
class ConsolePages {
    private final AccountService accounts;
    private final KeyService keys;
    private final CredentialService credentials;
    private final EnrolmentService enrolments;
    private final Audit audit;

    private final ReadinessService readiness;
    private final SessionService sessions;

    ConsolePages(AccountService accounts, KeyService keys, CredentialService credentials, EnrolmentService enrolments, Audit audit,
                 ReadinessService readiness, SessionService sessions) {
        this.readiness = readiness;
        this.sessions = sessions;
        this.accounts = accounts;
        this.keys = keys;
        this.credentials = credentials;
        this.enrolments = enrolments;
        this.audit = audit;
    }

    @GetMapping("/admin")
    String overview(Model model, HttpServletRequest request) {
        var allAccounts = accounts.list();
        var allKeys = keys.list();
        var allCredentials = credentials.all();
        Map<String, Long> usable = allCredentials.stream().filter(CredentialService.CredentialView::usable)
                .collect(Collectors.groupingBy(v -> v.credential().accountId(), Collectors.counting()));
        var live = allCredentials.stream().filter(v -> v.credential().status() != Credential.Status.REVOKED).toList();
        Map<String, Long> onKey = live.stream()
                .collect(Collectors.groupingBy(v -> v.credential().keyId(), Collectors.counting()));
        model.addAttribute("me", Actors.current());
        model.addAttribute("readiness", readiness.report());
        model.addAttribute("accounts", allAccounts);
        model.addAttribute("usable", usable);
        model.addAttribute("keys", allKeys);
        model.addAttribute("onKey", onKey);
        var names = allAccounts.stream().collect(Collectors.toMap(a -> a.id(), a -> a.displayName()));
        model.addAttribute("accountNames", names);
        model.addAttribute("credentials", live);
        model.addAttribute("audit", audit.latest(20));
        model.addAttribute("roles", Roles.ALL);
        model.addAttribute("keyLabels", allKeys.stream().collect(Collectors.toMap(k -> k.id(), k -> k.label())));
        model.addAttribute("mySessions", sessions.forAccount(Actors.current().id(), currentSessionId(request)));
        return "admin";
    }

    /** "Sign out everywhere" for an account: every session ends, its OpenID Connect tokens are revoked. */
    @PostMapping("/admin/accounts/{id}/sign-out-everywhere")
    String signOutEverywhere(@PathVariable String id, RedirectAttributes flash) {
        return act(flash, () -> {
            int ended = sessions.endAll(Actors.current(), id);
            return ended + " session(s) of '" + accounts.get(id).displayName() + "' ended; the tokens issued on them are revoked.";
        });
    }

    /** Signs one of the administrator's own other sessions out. */
    @PostMapping("/admin/sessions/{id}/end")
    String endSession(@PathVariable String id, RedirectAttributes flash) {
        return act(flash, () -> {
            sessions.end(Actors.current(), Actors.current().id(), id);
            return "That session is signed out.";
        });
    }

    private static String currentSessionId(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return session == null ? null : session.getId();
    }

    @PostMapping("/admin/accounts")
    String createAccount(@RequestParam String displayName, @RequestParam(defaultValue = "false") boolean emergency,
                         @RequestParam(required = false) Set<String> roles, RedirectAttributes flash) {
        return act(flash, () -> {
            var a = accounts.create(Actors.current(), displayName, emergency, roles == null ? Set.of() : roles);
            return "Account '" + a.displayName() + "' created.";
        });
    }

    @PostMapping("/admin/accounts/{id}/enabled")
    String setEnabled(@PathVariable String id, @RequestParam boolean enabled, RedirectAttributes flash) {
        return act(flash, () -> "Account '" + accounts.setEnabled(Actors.current(), id, enabled).displayName() + "' "
                + (enabled ? "enabled." : "disabled."));
    }

    @PostMapping("/admin/keys")
    String registerKey(@RequestParam String label, @RequestParam(required = false) String aaguid,
                       @RequestParam(required = false) String serial, @RequestParam(required = false) String custodian,
                       @RequestParam(required = false) String location, @RequestParam(required = false) Integer capacity,
                       RedirectAttributes flash) {
        return act(flash, () -> "Key '" + keys.register(Actors.current(),
                new KeyService.KeyDetails(label, aaguid, null, serial, custodian, location, capacity)).label() + "' added.");
    }

    @PostMapping("/admin/keys/{id}/lost")
    String lost(@PathVariable String id, @RequestParam(required = false) String note, RedirectAttributes flash) {
        return act(flash, () -> "Key '" + keys.markLost(Actors.current(), id, note).label()
                + "' marked lost: every credential on it stopped working.");
    }

    @PostMapping("/admin/credentials/{id}/revoke")
    String revoke(@PathVariable String id, @RequestParam(required = false) String reason, RedirectAttributes flash) {
        return act(flash, () -> {
            var revoked = credentials.revoke(Actors.current(), id, reason);
            return "Credential on key '" + revoked.keyLabel() + "' revoked.";
        });
    }

    @PostMapping("/admin/enrolments")
    String issueLink(@RequestParam String accountId, @RequestParam String keyId, RedirectAttributes flash) {
        try {
            EnrolmentLink link = enrolments.issue(Actors.current(), accountId, keyId);
            flash.addFlashAttribute("link", link);
            flash.addFlashAttribute("message", "Enrolment link issued for '" + accounts.get(accountId).displayName()
                    + "' on key '" + keys.get(keyId).label() + "'. Give it to the key's custodian; it works once.");
        } catch (GlasskeyException e) {
            flash.addFlashAttribute("error", "[" + e.errorCode().code() + "] " + e.detail());
        }
        return "redirect:/admin";
    }

    private static String act(RedirectAttributes flash, java.util.function.Supplier<String> action) {
        try {
            flash.addFlashAttribute("message", action.get());
        } catch (GlasskeyException e) {
            flash.addFlashAttribute("error", "[" + e.errorCode().code() + "] " + e.detail());
        }
        return "redirect:/admin";
    }

    static List<String> sorted(Set<String> roles) {
        return roles.stream().sorted().toList();
    }
}
