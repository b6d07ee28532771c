package dev.glasskey.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import dev.glasskey.account.AccountService;
import dev.glasskey.account.Roles;
import dev.glasskey.emergency.Readiness;
import dev.glasskey.emergency.ReadinessCheck;
import dev.glasskey.emergency.ReadinessService;
import dev.glasskey.key.KeyService;
import dev.glasskey.key.SecurityKey;
import dev.glasskey.system.Actors;

/**
 * Issue 18: the first-run checklist, from the first administrator to a green readiness. Each step
 * is read from the same readiness checks the readiness page shows (so the two never disagree),
 * says what was found, and links to where the step is done; the first open step is marked next.
 */
@Controller
class FirstRunPages {
    private final ReadinessService readiness;
    private final KeyService keys;
    private final AccountService accounts;

    FirstRunPages(ReadinessService readiness, KeyService keys, AccountService accounts) {
        this.readiness = readiness;
        this.keys = keys;
        this.accounts = accounts;
    }

    /** One step: done or not, what was found, what to do, and where. */
    record Step(String id, String title, boolean done, String found, String todo, String link, String linkText) {}

    @GetMapping("/admin/start")
    String checklist(Model model) {
        var report = readiness.report();
        Map<String, ReadinessCheck> checks = report.checks().stream().collect(Collectors.toMap(ReadinessCheck::id, Function.identity()));
        List<Step> steps = new ArrayList<>();
        steps.add(new Step("administrator", "Sign in as the first administrator", true,
                "You are signed in as '" + Actors.current().name() + "'.", null, null, null));

        List<SecurityKey> active = keys.list().stream().filter(SecurityKey::active).toList();
        long places = active.stream().filter(k -> k.location() != null).map(k -> k.location().strip().toLowerCase(Locale.ROOT)).distinct().count();
        steps.add(new Step("keys", "Add at least two emergency security keys, kept in two places", active.size() >= 2 && places >= 2,
                active.size() + " active key(s) in the inventory, in " + places + " recorded place(s).",
                "Add each key with its label, serial, custodian and location (the form under Key inventory).", "/admin#keys-heading", "Key inventory"));

        long emergency = accounts.list().stream().filter(a -> a.emergency() && a.enabled() && a.hasRole(Roles.GLOBAL_ADMIN)).count();
        steps.add(new Step("accounts", "Create " + Readiness.RECOMMENDED_MIN + "–5 emergency accounts with the global-admin role",
                emergency >= Readiness.RECOMMENDED_MIN, emergency + " enabled emergency account(s) with global-admin.",
                "Tick 'Emergency account', choose the global-admin role, and name each after its function ('Break-glass 1').",
                "/admin#accounts-heading", "Accounts"));

        steps.add(fromChecks("enrolled", "Enrol every emergency account on every emergency key", checks,
                List.of("emergency.keys_per_account", "emergency.matrix", "emergency.locations"),
                "On the matrix, press 'Issue missing links and print sheet' for each key; its custodian opens each link with the key.",
                "/admin/matrix", "Matrix"));
        steps.add(fromChecks("alerting", "Add an alert channel and deliver a test alert", checks, List.of("emergency.alerting"),
                "Add a webhook, e-mail or syslog channel, press 'Send test alert', and confirm someone received it.",
                "/admin/alerts", "Alerts"));
        steps.add(fromChecks("drill", "Run a first drill of every (account, key) pair", checks, List.of("emergency.drills"),
                "Start a drill on the readiness page and have each custodian sign in with the key on each account; it closes when every pair passed.",
                "/admin/readiness#start-drill", "Readiness"));
        List<String> others = report.checks().stream().filter(c -> c.status() != ReadinessCheck.Status.PASS)
                .map(c -> c.title() + ": " + c.reason()).toList();
        steps.add(new Step("green", "Readiness is green (pass)", report.status() == ReadinessCheck.Status.PASS,
                others.isEmpty() ? "Every readiness check passes." : String.join(" ", others),
                "Fix what the readiness page lists.", "/admin/readiness", "Readiness"));

        Step next = steps.stream().filter(s -> !s.done()).findFirst().orElse(null);
        model.addAttribute("me", Actors.current());
        model.addAttribute("steps", steps);
        model.addAttribute("next", next == null ? null : next.id());
        model.addAttribute("report", report);
        return "start";
    }

    private static Step fromChecks(String id, String title, Map<String, ReadinessCheck> checks, List<String> ids, String todo,
                                   String link, String linkText) {
        List<ReadinessCheck> found = ids.stream().map(checks::get).filter(java.util.Objects::nonNull).toList();
        boolean done = !found.isEmpty() && found.stream().allMatch(c -> c.status() == ReadinessCheck.Status.PASS);
        String text = found.stream().map(ReadinessCheck::reason).collect(Collectors.joining(" "));
        return new Step(id, title, done, text, todo, link, linkText);
    }
}
