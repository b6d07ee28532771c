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
    String createAccount(@RequestParam(required = false) String displayName, @RequestParam(defaultValue = "false") boolean emergency,
                         @RequestParam(required = false) Set<String> roles, RedirectAttributes flash) {
        Set<String> chosen = roles == null ? Set.of() : roles.stream().filter(r -> !r.isBlank()).collect(Collectors.toSet());
        return act(flash, "new-account", typed("displayName", displayName, "emergency", Boolean.toString(emergency),
                "roles", String.join(",", chosen)), () -> {
            var a = accounts.create(Actors.current(), displayName, emergency, chosen);
            String namesakes = namesakes(a.id(), a.displayName());
            return "Account '" + a.displayName() + "' created." + namesakes;
        });
    }

    /** Issue 18: a second account with the same name is accepted, with a warning (two one cannot tell apart invite a wrong click). */
    private String namesakes(String id, String name) {
        var same = accounts.namesakes(id, name);
        return same.isEmpty() ? "" : " Warning: " + same.size() + " other account(s) have the same name; rename one so they "
                + "cannot be confused (ids " + same.stream().map(a -> a.id().substring(0, 8)).collect(Collectors.joining(", ")) + ").";
    }

    /** Enabling gives access back and needs no confirmation; disabling goes through {@link ConfirmPages}. */
    @PostMapping("/admin/accounts/{id}/enable")
    String enable(@PathVariable String id, RedirectAttributes flash) {
        return act(flash, null, Map.of(), () -> "Account '" + accounts.setEnabled(Actors.current(), id, true).displayName() + "' enabled.");
    }

    @PostMapping("/admin/keys")
    String registerKey(@RequestParam(required = false) String label, @RequestParam(required = false) String aaguid,
                       @RequestParam(required = false) String serial, @RequestParam(required = false) String custodian,
                       @RequestParam(required = false) String location, @RequestParam(required = false) String capacity,
                       RedirectAttributes flash) {
        return act(flash, "new-key", typed("label", label, "aaguid", aaguid, "serial", serial, "custodian", custodian,
                "location", location, "capacity", capacity), () -> "Key '" + keys.register(Actors.current(),
                new KeyService.KeyDetails(label, aaguid, null, serial, custodian, location, capacity(capacity))).label() + "' added.");
    }

    private static Integer capacity(String capacity) {
        if (capacity == null || capacity.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(capacity.strip());
        } catch (NumberFormatException e) {
            throw new GlasskeyException(dev.glasskey.system.ErrorCode.REQUEST_INVALID, "capacity must be a whole number.", "capacity");
        }
    }

    @PostMapping("/admin/enrolments")
    String issueLink(@RequestParam String accountId, @RequestParam String keyId, RedirectAttributes flash) {
        try {
            EnrolmentLink link = enrolments.issue(Actors.current(), accountId, keyId);
            flash.addFlashAttribute("link", link);
            flash.addFlashAttribute("message", "Enrolment link issued for '" + accounts.get(accountId).displayName()
                    + "' on key '" + keys.get(keyId).label() + "'. Give it to the key's custodian; it works once.");
        } catch (GlasskeyException e) {
            refused(flash, "new-enrolment", typed("accountId", accountId, "keyId", keyId), e);
        }
        return "redirect:/admin";
    }

    private static String act(RedirectAttributes flash, java.util.function.Supplier<String> action) {
        return act(flash, null, Map.of(), action);
    }

    /**
     * Runs a console form's action and goes back to the console. A refusal is shown next to the
     * field it is about (or below the form {@code form}), with what was typed kept in the form.
     */
    private static String act(RedirectAttributes flash, String form, Map<String, String> typed, java.util.function.Supplier<String> action) {
        try {
            flash.addFlashAttribute("message", action.get());
        } catch (GlasskeyException e) {
            refused(flash, form, typed, e);
        }
        return "redirect:/admin";
    }

    static void refused(RedirectAttributes flash, String form, Map<String, String> typed, GlasskeyException e) {
        String message = "[" + e.errorCode().code() + "] " + e.detail();
        if (form == null) {
            flash.addFlashAttribute("error", message);
            return;
        }
        flash.addFlashAttribute("typed", typed);
        if (e.field() != null && typed.containsKey(e.field())) {
            flash.addFlashAttribute("fieldErrors", Map.of(e.field(), message));
        } else {
            flash.addFlashAttribute("formErrors", Map.of(form, message));
        }
    }

    /** Field name, value pairs as typed (nulls become empty). */
    static Map<String, String> typed(String... pairs) {
        Map<String, String> typed = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            typed.put(pairs[i], pairs[i + 1] == null ? "" : pairs[i + 1]);
        }
        return typed;
    }

    static List<String> sorted(Set<String> roles) {
        return roles.stream().sorted().toList();
    }
}
