package dev.glasskey.web;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

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

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEntry;
import dev.glasskey.audit.AuditIntegrity;
import dev.glasskey.audit.AuditQuery;
import dev.glasskey.emergency.DrillService;
import dev.glasskey.key.KeyService;
import dev.glasskey.key.SecurityKey;
import dev.glasskey.session.SessionService;
import dev.glasskey.system.Actors;
import dev.glasskey.webauthn.CredentialService;
import dev.glasskey.webauthn.Enrolment;
import dev.glasskey.webauthn.EnrolmentService;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 18: one area per resource — a list with search, filter and paging, and a detail page —
 * for accounts (roles, credentials, sessions, audit trail), keys (accounts, custodian, location,
 * drill history), credentials and enrolment links, and the audit-log page (filters, search, paging, export, verify).
 * Read-only pages; every change still goes through the forms and confirmations of the console.
 */
@Controller
class AreaPages {
    static final int PAGE = 25;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AccountService accounts;
    private final KeyService keys;
    private final CredentialService credentials;
    private final SessionService sessions;
    private final DrillService drills;
    private final Audit audit;
    private final AuditIntegrity integrity;
    private final EnrolmentService enrolments;
    private final Clock clock;

    AreaPages(AccountService accounts, KeyService keys, CredentialService credentials, SessionService sessions, DrillService drills,
              Audit audit, AuditIntegrity integrity, EnrolmentService enrolments, Clock clock) {
        this.enrolments = enrolments;
        this.clock = clock;
        this.accounts = accounts;
        this.keys = keys;
        this.credentials = credentials;
        this.sessions = sessions;
        this.drills = drills;
        this.audit = audit;
        this.integrity = integrity;
    }

    /** One page of a list: its items, the page number (from 1) and how many pages and items there are. */
    record Page<T>(List<T> items, int page, int pages, long total) {
        static <T> Page<T> of(List<T> all, int page) {
            int pages = Math.max(1, (all.size() + PAGE - 1) / PAGE);
            int p = Math.max(1, Math.min(page, pages));
            return new Page<>(all.subList((p - 1) * PAGE, Math.min(all.size(), p * PAGE)), p, pages, all.size());
        }
    }

    // --- accounts -------------------------------------------------------------------------------------------

    @GetMapping("/admin/accounts")
    String accounts(@RequestParam(required = false) String q, @RequestParam(required = false) String kind,
                    @RequestParam(required = false) String state, @RequestParam(defaultValue = "1") int page, Model model) {
        String needle = needle(q);
        List<Account> all = accounts.list().stream()
                .filter(a -> needle == null || a.displayName().toLowerCase(Locale.ROOT).contains(needle) || a.id().startsWith(needle))
                .filter(a -> kind == null || kind.isBlank() || (kind.equals("emergency") == a.emergency()))
                .filter(a -> state == null || state.isBlank() || (state.equals("enabled") == a.enabled()))
                .sorted(Comparator.comparing((Account a) -> a.displayName().toLowerCase(Locale.ROOT)).thenComparing(Account::id))
                .toList();
        Map<String, Long> usable = credentials.all().stream().filter(CredentialService.CredentialView::usable)
                .collect(Collectors.groupingBy(v -> v.credential().accountId(), Collectors.counting()));
        model.addAttribute("me", Actors.current());
        model.addAttribute("page", Page.of(all, page));
        model.addAttribute("usable", usable);
        model.addAttribute("q", q);
        model.addAttribute("kind", kind);
        model.addAttribute("state", state);
        return "accounts";
    }

    @GetMapping("/admin/accounts/{id}")
    String account(@PathVariable String id, Model model, HttpServletRequest request) {
        Account account = accounts.get(id);
        HttpSession session = request.getSession(false);
        model.addAttribute("me", Actors.current());
        model.addAttribute("account", account);
        model.addAttribute("credentials", credentials.forAccount(id));
        model.addAttribute("sessions", sessions.forAccount(id, session == null ? null : session.getId()));
        model.addAttribute("trail", audit.forTarget(id, 50));
        model.addAttribute("keyLabels", keyLabels());
        model.addAttribute("namesakes", accounts.namesakes(id, account.displayName()));
        return "account";
    }

    // --- keys -----------------------------------------------------------------------------------------------

    @GetMapping("/admin/keys")
    String keys(@RequestParam(required = false) String q, @RequestParam(required = false) String status,
                @RequestParam(defaultValue = "1") int page, Model model) {
        String needle = needle(q);
        List<SecurityKey> all = keys.list().stream()
                .filter(k -> needle == null || contains(k.label(), needle) || contains(k.custodian(), needle)
                        || contains(k.location(), needle) || contains(k.serial(), needle) || k.id().startsWith(needle))
                .filter(k -> status == null || status.isBlank() || k.status().value().equals(status))
                .sorted(Comparator.comparing((SecurityKey k) -> k.label().toLowerCase(Locale.ROOT)))
                .toList();
        Map<String, Long> onKey = credentials.all().stream().filter(v -> v.credential().status() != dev.glasskey.webauthn.Credential.Status.REVOKED)
                .collect(Collectors.groupingBy(v -> v.credential().keyId(), Collectors.counting()));
        model.addAttribute("me", Actors.current());
        model.addAttribute("page", Page.of(all, page));
        model.addAttribute("onKey", onKey);
        model.addAttribute("q", q);
        model.addAttribute("status", status);
        return "keys";
    }

    /** A drill result on this key, with the account's name. */
    record Drilled(java.time.Instant at, String accountId, String accountName, String drillId) {}

    @GetMapping("/admin/keys/{id}")
    String key(@PathVariable String id, Model model) {
        SecurityKey key = keys.get(id);
        Map<String, String> names = accounts.list().stream().collect(Collectors.toMap(Account::id, Account::displayName));
        List<Drilled> history = drills.recent(200).stream().flatMap(d -> d.results().stream())
                .filter(r -> r.keyId().equals(id))
                .sorted(Comparator.comparing(dev.glasskey.emergency.DrillResult::at).reversed())
                .map(r -> new Drilled(r.at(), r.accountId(), names.getOrDefault(r.accountId(), r.accountId()), r.drillId()))
                .toList();
        model.addAttribute("me", Actors.current());
        model.addAttribute("key", key);
        model.addAttribute("credentials", credentials.forKey(id));
        model.addAttribute("names", names);
        model.addAttribute("history", history);
        model.addAttribute("trail", audit.forTarget(id, 50));
        return "key";
    }

    // --- credentials ----------------------------------------------------------------------------------------

    /**
     * Every credential with its account and key; {@code state} is {@code usable} (signs in now),
     * {@code unusable} (active but on a lost or retired key, or suspect) or {@code revoked}.
     */
    @GetMapping("/admin/credentials")
    String credentials(@RequestParam(required = false) String q, @RequestParam(required = false) String state,
                       @RequestParam(required = false) String kind, @RequestParam(defaultValue = "1") int page, Model model) {
        String needle = needle(q);
        Map<String, Account> byId = accountsById();
        List<CredentialService.CredentialView> all = credentials.all().stream()
                .filter(v -> needle == null || contains(v.keyLabel(), needle) || v.credential().id().startsWith(needle)
                        || contains(byId.get(v.credential().accountId()).displayName(), needle))
                .filter(v -> state == null || state.isBlank() || state.equals(credentialState(v)))
                .filter(v -> kind == null || kind.isBlank() || (kind.equals("emergency") == byId.get(v.credential().accountId()).emergency()))
                .sorted(Comparator.comparing((CredentialService.CredentialView v) -> byId.get(v.credential().accountId()).displayName()
                        .toLowerCase(Locale.ROOT)).thenComparing(v -> v.keyLabel().toLowerCase(Locale.ROOT)).thenComparing(v -> v.credential().id()))
                .toList();
        model.addAttribute("me", Actors.current());
        model.addAttribute("page", Page.of(all, page));
        model.addAttribute("accounts", byId);
        model.addAttribute("q", q);
        model.addAttribute("state", state);
        model.addAttribute("kind", kind);
        return "credentials";
    }

    static String credentialState(CredentialService.CredentialView v) {
        return v.usable() ? "usable" : v.credential().status() == dev.glasskey.webauthn.Credential.Status.REVOKED ? "revoked" : "unusable";
    }

    @GetMapping("/admin/credentials/{id}")
    String credential(@PathVariable String id, Model model) {
        CredentialService.CredentialView v = credentials.get(id);
        model.addAttribute("me", Actors.current());
        model.addAttribute("v", v);
        model.addAttribute("state", credentialState(v));
        model.addAttribute("account", accounts.get(v.credential().accountId()));
        // The credential's own entries: its id is in their detail (registered, revoked, refused sign-ins).
        model.addAttribute("trail", audit.search(AuditQuery.parse(null, null, v.credential().accountId(), null, null, null, null, id, null, 50)));
        return "credential";
    }

    // --- enrolment links ------------------------------------------------------------------------------------

    /** A link as listed: {@code state} is {@code pending}, {@code used}, {@code expired} or {@code revoked} ({@link Enrolment#state}). */
    record Link(Enrolment enrolment, String accountName, boolean emergency, String keyLabel, String state) {
        public String id() {
            return enrolment.tokenHash();
        }
    }

    @GetMapping("/admin/enrolments")
    String enrolments(@RequestParam(required = false) String q, @RequestParam(required = false) String state,
                      @RequestParam(defaultValue = "1") int page, Model model) {
        String needle = needle(q);
        List<Link> all = links().stream()
                .filter(l -> needle == null || contains(l.accountName(), needle) || contains(l.keyLabel(), needle) || l.id().startsWith(needle))
                .filter(l -> state == null || state.isBlank() || l.state().equals(state))
                .toList();
        model.addAttribute("me", Actors.current());
        model.addAttribute("page", Page.of(all, page));
        model.addAttribute("q", q);
        model.addAttribute("state", state);
        model.addAttribute("states", Enrolment.STATES);
        model.addAttribute("recent", EnrolmentService.RECENT);
        return "enrolments";
    }

    @GetMapping("/admin/enrolments/{id}")
    String enrolment(@PathVariable String id, Model model) {
        model.addAttribute("me", Actors.current());
        model.addAttribute("link", link(enrolments.get(id), accountsById(), keyLabels()));
        return "enrolment";
    }

    private List<Link> links() {
        Map<String, Account> byId = accountsById();
        Map<String, String> labels = keyLabels();
        return enrolments.recent().stream().map(e -> link(e, byId, labels)).toList();
    }

    private Link link(Enrolment e, Map<String, Account> byId, Map<String, String> labels) {
        Account a = byId.get(e.accountId());
        String state = e.state(clock.instant());
        return new Link(e, a.displayName(), a.emergency(), e.keyId() == null ? null : labels.get(e.keyId()), state);
    }

    // --- audit log ------------------------------------------------------------------------------------------

    @GetMapping("/admin/audit")
    String audit(@RequestParam(required = false) String action, @RequestParam(required = false) String actor,
                 @RequestParam(required = false) String target, @RequestParam(required = false) String outcome,
                 @RequestParam(required = false) String flagged, @RequestParam(required = false) String from,
                 @RequestParam(required = false) String to, @RequestParam(required = false) String q,
                 @RequestParam(required = false) Long before, Model model, HttpServletRequest request) {
        model.addAttribute("me", Actors.current());
        model.addAttribute("filters", Map.of("action", text(action), "actor", text(actor), "target", text(target),
                "outcome", text(outcome), "flagged", text(flagged), "from", text(from), "to", text(to), "q", text(q)));
        try {
            AuditQuery query = AuditQuery.parse(action, actor, target, outcome, flagged, from, to, q, before, 50);
            List<AuditEntry> entries = audit.search(query);
            model.addAttribute("entries", entries);
            String base = request.getQueryString() == null ? "" : request.getQueryString().replaceAll("(^|&)before=[^&]*", "");
            model.addAttribute("query", base.startsWith("&") ? base.substring(1) : base);
            model.addAttribute("older", entries.size() == query.limit() ? entries.get(entries.size() - 1).seq() : null);
        } catch (dev.glasskey.system.GlasskeyException e) {
            model.addAttribute("entries", List.of());
            model.addAttribute("fieldErrors", e.field() == null ? Map.of() : Map.of(e.field(), "[" + e.errorCode().code() + "] " + e.detail()));
            model.addAttribute("error", e.field() == null ? "[" + e.errorCode().code() + "] " + e.detail() : null);
        }
        return "audit";
    }

    /** The entries the filters match (at most 1000, newest first) as JSON lines, to download. */
    @GetMapping("/admin/audit/export")
    ResponseEntity<byte[]> export(@RequestParam(required = false) String action, @RequestParam(required = false) String actor,
                                  @RequestParam(required = false) String target, @RequestParam(required = false) String outcome,
                                  @RequestParam(required = false) String flagged, @RequestParam(required = false) String from,
                                  @RequestParam(required = false) String to, @RequestParam(required = false) String q) {
        List<AuditEntry> entries = audit.search(AuditQuery.parse(action, actor, target, outcome, flagged, from, to, q, null,
                AuditQuery.MAX_LIMIT));
        StringBuilder lines = new StringBuilder();
        for (AuditEntry e : entries) {
            lines.append(JSON.writeValueAsString(e)).append('\n');
        }
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename("glasskey-audit.jsonl").build().toString())
                .contentType(MediaType.parseMediaType("application/x-ndjson"))
                .body(lines.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Verifies the whole chain and its checkpoints against the pinned keys, as {@code GET /api/audit/verify} does. */
    @PostMapping("/admin/audit/verify")
    String verify(Model model, HttpServletRequest request) {
        model.addAttribute("verification", integrity.verifyDatabase(n -> { }, 0));
        return audit(null, null, null, null, null, null, null, null, null, model, request);
    }

    private Map<String, Account> accountsById() {
        return accounts.list().stream().collect(Collectors.toMap(Account::id, a -> a));
    }

    private Map<String, String> keyLabels() {
        return keys.list().stream().collect(Collectors.toMap(SecurityKey::id, SecurityKey::label));
    }

    private static String needle(String q) {
        return q == null || q.isBlank() ? null : q.strip().toLowerCase(Locale.ROOT);
    }

    private static boolean contains(String value, String needle) {
        return value != null && value.toLowerCase(Locale.ROOT).contains(needle);
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }
}
