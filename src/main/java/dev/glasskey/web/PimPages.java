package dev.glasskey.web;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.account.Roles;
import dev.glasskey.pim.ActivationRequest;
import dev.glasskey.pim.Assignment;
import dev.glasskey.pim.PimReports;
import dev.glasskey.pim.PimService;
import dev.glasskey.pim.RoleSettings;
import dev.glasskey.system.Actors;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Problems;
import dev.glasskey.webauthn.SignedIn;

/**
 * PIM's console pages (issue 16 §7): "My roles" and "Approvals" for every signed-in account
 * ({@code /me/...}), and for administrators the role settings, the assignments report with its CSV
 * export, and the activation history of a role ({@code /admin/pim/...}). Every form posts to the
 * same {@link PimService} as the API; a refusal shows the page again with the refusal's status, the
 * error next to the field it is about and what was typed kept, never an error page; success goes
 * back to the page with a message (post/redirect/get).
 */
@Controller
class PimPages {
    private static final String MY_ROLES = "redirect:/me/roles";
    private static final String APPROVALS = "redirect:/me/approvals";
    /** The most recent decided requests "My roles" lists under the pending ones. */
    private static final int DECIDED_SHOWN = 10;

    private final PimService pim;
    private final PimReports reports;
    private final AccountService accounts;
    private final Clock clock;

    PimPages(PimService pim, PimReports reports, AccountService accounts, Clock clock) {
        this.pim = pim;
        this.reports = reports;
        this.accounts = accounts;
        this.clock = clock;
    }

    // --- My roles -------------------------------------------------------------------------------------------

    /** An eligible role as "My roles" offers it: the assignment, its settings, and whether it is active now. */
    record Eligible(Assignment assignment, RoleSettings settings, boolean activeNow) {
        public String role() {
            return assignment.role();
        }
    }

    @GetMapping("/me/roles")
    String myRoles(@RequestParam(required = false) String role, Model model) {
        SignedIn me = signedIn();
        PimService.MyRoles mine = pim.mine(me.accountId());
        Map<String, RoleSettings> settings = settingsByRole();
        Set<String> activeRoles = mine.active().stream().map(Assignment::role).collect(Collectors.toSet());
        List<Eligible> eligible = mine.eligible().stream()
                .map(a -> new Eligible(a, settings.get(a.role()), activeRoles.contains(a.role()))).toList();
        Instant now = clock.instant();
        List<ActivationRequest> pending = mine.requests().stream().filter(r -> r.statusAt(now).equals(ActivationRequest.PENDING)).toList();
        List<ActivationRequest> decided = mine.requests().stream().filter(r -> !r.statusAt(now).equals(ActivationRequest.PENDING))
                .limit(DECIDED_SHOWN).toList();
        model.addAttribute("me", Actors.current());
        model.addAttribute("signedIn", me);
        model.addAttribute("admin", Roles.permissions(me.roles()).contains(dev.glasskey.account.Permission.PIM_READ));
        model.addAttribute("eligible", eligible);
        model.addAttribute("activatable", eligible.stream().filter(e -> !e.activeNow()).toList());
        model.addAttribute("active", mine.active());
        model.addAttribute("pending", pending);
        model.addAttribute("decided", decided);
        model.addAttribute("now", now);
        if (!model.containsAttribute("typed") && role != null) {
            model.addAttribute("typed", Map.of("role", role));
        }
        return "my-roles";
    }

    @PostMapping("/me/roles/activate")
    String activate(@RequestParam(required = false) String role, @RequestParam(required = false) String durationMinutes,
                    @RequestParam(required = false) String justification, @RequestParam(required = false) String ticket,
                    RedirectAttributes flash, Model model, HttpServletRequest request, HttpServletResponse response) {
        Map<String, String> typed = ConsolePages.typed("role", role, "durationMinutes", durationMinutes, "justification", justification,
                "ticket", ticket);
        try {
            PimService.Activated done = pim.activate(Actors.current(), signedIn(),
                    new PimService.Activation(blank(role), number(durationMinutes, "durationMinutes"), justification, ticket));
            if (done.request() != null) {
                flash.addFlashAttribute("message", "Your request to activate '" + done.request().role() + "' for "
                        + ConsoleView.length(done.request().duration()) + " waits for approval (request "
                        + done.request().id().substring(0, ConsoleView.SHORT_ID) + ").");
            } else if (Assignment.EMERGENCY.equals(done.assignment().source())) {
                flash.addFlashAttribute("message", "'" + done.assignment().role() + "' is active until " + at(done.assignment().endsAt())
                        + ": emergency activation without approval. Every alert channel and the role's approvers are told.");
            } else {
                flash.addFlashAttribute("message", "'" + done.assignment().role() + "' is active until " + at(done.assignment().endsAt()) + ".");
            }
        } catch (GlasskeyException e) {
            refused(model, request, response, "activate", typed, e);
            if (e.errorCode() == ErrorCode.PIM_STEP_UP_REQUIRED) {
                // The form cannot fix this: the page offers the fresh security-key sign-in, which comes back here.
                model.addAttribute("stepUp", "/me/roles?role=" + (role == null ? "" : java.net.URLEncoder.encode(role, StandardCharsets.UTF_8)));
            }
            return myRoles(null, model);
        }
        return MY_ROLES;
    }

    @PostMapping("/me/roles/{id}/deactivate")
    String deactivate(@PathVariable String id, RedirectAttributes flash, Model model, HttpServletRequest request, HttpServletResponse response) {
        try {
            Assignment a = pim.deactivate(Actors.current(), signedIn().accountId(), id);
            flash.addFlashAttribute("message", "'" + a.role() + "' deactivated.");
        } catch (GlasskeyException e) {
            refused(model, request, response, null, Map.of(), e);
            return myRoles(null, model);
        }
        return MY_ROLES;
    }

    // --- Approvals ------------------------------------------------------------------------------------------

    /** A request as the approver sees it: who asks, and how many approvals it has and needs. */
    record Waiting(ActivationRequest request, String requesterName, boolean requesterEmergency, int approvalsNeeded) {}

    @GetMapping("/me/approvals")
    String approvals(Model model) {
        SignedIn me = signedIn();
        Map<String, RoleSettings> settings = settingsByRole();
        Map<String, Account> byId = accountsById();
        List<Waiting> waiting = pim.waitingFor(me.accountId()).stream()
                .map(r -> new Waiting(r, byId.get(r.accountId()).displayName(), byId.get(r.accountId()).emergency(),
                        settings.get(r.role()).approvalsNeeded()))
                .toList();
        model.addAttribute("me", Actors.current());
        model.addAttribute("waiting", waiting);
        Object denyFor = model.getAttribute("denyFor");
        if (denyFor != null && waiting.stream().noneMatch(w -> w.request().id().equals(denyFor))) {
            // The request is no longer listed (decided, expired, unknown): its row cannot show the refusal, the top does.
            for (String kind : List.of("fieldErrors", "formErrors")) {
                if (model.getAttribute(kind) instanceof Map<?, ?> errors && !errors.isEmpty()) {
                    model.addAttribute("error", errors.values().iterator().next());
                }
            }
        }
        model.addAttribute("approverOf", settings.values().stream().filter(s -> s.approvers().contains(me.accountId()))
                .map(RoleSettings::role).sorted().toList());
        return "approvals";
    }

    @PostMapping("/me/approvals/{id}/approve")
    String approve(@PathVariable String id, RedirectAttributes flash, Model model, HttpServletRequest request, HttpServletResponse response) {
        try {
            ActivationRequest r = pim.approve(Actors.current(), signedIn().accountId(), id);
            String who = accounts.get(r.accountId()).displayName();
            flash.addFlashAttribute("message", "approved".equals(r.status())
                    ? "Approved: '" + r.role() + "' is active for '" + who + "'."
                    : "Approved; the request of '" + who + "' for '" + r.role() + "' waits for more approvers.");
        } catch (GlasskeyException e) {
            refused(model, request, response, null, Map.of(), e);
            return approvals(model);
        }
        return APPROVALS;
    }

    @PostMapping("/me/approvals/{id}/deny")
    String deny(@PathVariable String id, @RequestParam(required = false) String reason, RedirectAttributes flash, Model model,
                HttpServletRequest request, HttpServletResponse response) {
        try {
            ActivationRequest r = pim.deny(Actors.current(), signedIn().accountId(), id, reason);
            flash.addFlashAttribute("message", "Denied the request of '" + accounts.get(r.accountId()).displayName() + "' for '" + r.role() + "'.");
        } catch (GlasskeyException e) {
            refused(model, request, response, "deny", ConsolePages.typed("reason", reason), e);
            model.addAttribute("denyFor", id);
            return approvals(model);
        }
        return APPROVALS;
    }

    // --- Role settings --------------------------------------------------------------------------------------

    @GetMapping("/admin/pim/roles")
    String roles(Model model) {
        model.addAttribute("me", Actors.current());
        model.addAttribute("settings", pim.settings());
        List<Account> people = accounts.list().stream()
                .sorted(Comparator.comparing((Account a) -> a.displayName().toLowerCase(Locale.ROOT)).thenComparing(Account::id)).toList();
        model.addAttribute("people", people);
        Map<String, String> names = people.stream().collect(Collectors.toMap(Account::id, Account::displayName));
        model.addAttribute("approverNames", pim.settings().stream().collect(Collectors.toMap(RoleSettings::role,
                s -> s.approvers().isEmpty() ? "(none)" : s.approvers().stream().map(names::get).sorted().collect(Collectors.joining(", ")))));
        SignedIn me = signedIn();
        // Editing needs pim.manage (the permission table's PUT /api/pim/roles/{role} rule); others who may read this page only read it.
        model.addAttribute("canEdit", Roles.permissions(me.roles()).contains(dev.glasskey.account.Permission.PIM_MANAGE));
        return "pim-roles";
    }

    @PostMapping("/admin/pim/roles/{role}")
    String updateRole(@PathVariable String role, @RequestParam(required = false) String maxDurationMinutes,
                      @RequestParam(required = false) String approvalRequired, @RequestParam(required = false) String approvalsNeeded,
                      @RequestParam(required = false) String stepUpMinutes, @RequestParam(required = false) String requestTtlMinutes,
                      @RequestParam(required = false) List<String> approvers, RedirectAttributes flash, Model model,
                      HttpServletRequest request, HttpServletResponse response) {
        Map<String, String> typed = ConsolePages.typed("maxDurationMinutes", maxDurationMinutes, "approvalRequired",
                String.valueOf("true".equals(approvalRequired)), "approvalsNeeded", approvalsNeeded, "stepUpMinutes", stepUpMinutes,
                "requestTtlMinutes", requestTtlMinutes, "approvers", approvers == null ? "" : String.join(" ", approvers));
        try {
            RoleSettings saved = pim.updateSettings(Actors.current(), role, new PimService.SettingsChange(
                    number(maxDurationMinutes, "maxDurationMinutes"), "true".equals(approvalRequired), number(approvalsNeeded, "approvalsNeeded"),
                    number(stepUpMinutes, "stepUpMinutes"), number(requestTtlMinutes, "requestTtlMinutes"),
                    approvers == null ? Set.of() : new HashSet<>(approvers)));
            flash.addFlashAttribute("message", "Settings of '" + saved.role() + "' saved.");
        } catch (GlasskeyException e) {
            // An unknown role has no form on the page to show the refusal under: it goes on top.
            refused(model, request, response, Roles.ALL.contains(role) ? "settings" : null, typed, e);
            model.addAttribute("settingsFor", role);
            return roles(model);
        }
        return "redirect:/admin/pim/roles";
    }

    // --- Assignments report and history ---------------------------------------------------------------------

    @GetMapping("/admin/pim/assignments")
    String report(@RequestParam(required = false) String role, @RequestParam(required = false) String kind, Model model) {
        model.addAttribute("me", Actors.current());
        model.addAttribute("roles", Roles.ALL.stream().sorted().toList());
        model.addAttribute("role", role);
        model.addAttribute("kind", kind);
        try {
            model.addAttribute("rows", reports.report(blank(role), blank(kind)));
        } catch (GlasskeyException e) {
            model.addAttribute("rows", List.of());
            model.addAttribute("fieldErrors", e.field() == null ? Map.of() : Map.of(e.field(), "[" + e.errorCode().code() + "] " + e.detail()));
            model.addAttribute("error", e.field() == null ? "[" + e.errorCode().code() + "] " + e.detail() : null);
        }
        return "pim-assignments";
    }

    static final List<String> CSV_COLUMNS = List.of("account", "account_id", "emergency", "enabled", "role", "kind", "source", "since", "ends",
            "emergency_activatable", "assigned_by", "reason", "last_activation");

    /** The report as CSV (RFC 4180), with the filters of the page. */
    @GetMapping("/admin/pim/assignments/export")
    ResponseEntity<byte[]> export(@RequestParam(required = false) String role, @RequestParam(required = false) String kind) {
        StringBuilder csv = new StringBuilder(Csv.row(CSV_COLUMNS));
        for (PimReports.ReportRow r : reports.report(blank(role), blank(kind))) {
            Assignment a = r.assignment();
            List<String> cells = new ArrayList<>(List.of(r.accountName(), r.accountId(), String.valueOf(r.emergency()), String.valueOf(r.enabled()),
                    a.role(), a.kind(), a.source(), iso(a.startsAt()), iso(a.endsAt()), String.valueOf(a.emergencyActivatable()),
                    a.assignedBy() == null ? "" : a.assignedBy(), a.reason() == null ? "" : a.reason(), iso(r.lastActivation())));
            csv.append(Csv.row(cells));
        }
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename("glasskey-pim-assignments.csv").build().toString())
                .contentType(MediaType.parseMediaType("text/csv; charset=utf-8"))
                .body(csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    @GetMapping("/admin/pim/roles/{role}/history")
    String history(@PathVariable String role, Model model) {
        model.addAttribute("me", Actors.current());
        model.addAttribute("role", role);
        model.addAttribute("history", reports.history(role));
        model.addAttribute("now", clock.instant());
        return "pim-history";
    }

    // --- helpers --------------------------------------------------------------------------------------------

    /**
     * A refused form: the page is shown again in this answer, with the refusal's status (as the
     * confirmations do), the error next to the field it is about (or under the form {@code form},
     * or on top), what was typed kept. Marked as a refusal for the refusal audit.
     */
    private static void refused(Model model, HttpServletRequest request, HttpServletResponse response, String form, Map<String, String> typed,
                                GlasskeyException e) {
        Problems.markRefused(request, e.errorCode());
        response.setStatus(e.errorCode().status().value());
        String message = "[" + e.errorCode().code() + "] " + e.detail();
        model.addAttribute("typed", typed);
        if (form != null && e.field() != null && typed.containsKey(e.field())) {
            model.addAttribute("fieldErrors", Map.of(e.field(), message));
        } else if (form != null) {
            model.addAttribute("formErrors", Map.of(form, message));
        } else {
            model.addAttribute("error", message);
        }
    }

    private Map<String, RoleSettings> settingsByRole() {
        return pim.settings().stream().collect(Collectors.toMap(RoleSettings::role, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    }

    private Map<String, Account> accountsById() {
        return accounts.list().stream().collect(Collectors.toMap(Account::id, Function.identity()));
    }

    /** A whole number typed in a form field (minutes, a count); blank: not given. */
    static Integer number(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (!v.matches("[0-9]{1,6}")) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, field + " must be a whole number.", field);
        }
        return Integer.valueOf(v);
    }

    private static SignedIn signedIn() {
        SignedIn me = PimView.signedIn();
        if (me == null) {
            throw new GlasskeyException(ErrorCode.UNAUTHENTICATED);
        }
        return me;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String iso(Instant t) {
        return t == null ? "" : t.toString();
    }

    private static String at(Instant t) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(java.time.ZoneOffset.UTC).format(t);
    }

    /**
     * RFC 4180 rows: every field quoted, quotes doubled, CRLF line ends. A field a spreadsheet would
     * run as a formula (starting with =, +, -, @, tab or CR; OWASP "CSV injection") gets a leading
     * apostrophe, since names and reasons are typed by people.
     */
    static final class Csv {
        private Csv() {}

        static String row(List<String> fields) {
            return fields.stream().map(Csv::field).collect(Collectors.joining(",")) + "\r\n";
        }

        static String field(String value) {
            String v = value == null ? "" : value;
            if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
                v = "'" + v;
            }
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
    }
}
