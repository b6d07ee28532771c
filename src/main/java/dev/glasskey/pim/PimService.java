package dev.glasskey.pim;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.account.Roles;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ChangeGuards;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Ids;
import dev.glasskey.system.Notes;
import dev.glasskey.system.Times;
import dev.glasskey.webauthn.SignedIn;

/**
 * Privileged Identity Management (issue 16): assignments, role settings, activation by the holder
 * (step-up, approval, early deactivation; expiry is the end time itself), emergency activation.
 * Rules, transaction boundary and audit. Every change runs inside {@link ChangeGuards#guard}, so the
 * lockout guard judges the state after it ({@code emergency.Usability} reads {@link #selfActivatable}).
 *
 * <p>An activation is an active assignment with an end; the roles of a session are read at every
 * request ({@link PimSessionRoles}), so nothing here has to chase sessions: a role activated is in
 * them at the next request, one ended leaves them at the next request.
 */
@Service
public class PimService {
    /** Shortest activation or longest step-up age we accept; a setting below is a typo. */
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration LONGEST_STEP_UP = Duration.ofHours(1);
    private static final Duration SHORTEST_TTL = Duration.ofMinutes(5);
    private static final Duration LONGEST_TTL = Duration.ofDays(7);

    private final PimStore store;
    private final AccountService accounts;
    private final Audit audit;
    private final ChangeGuards guards;
    private final Clock clock;
    // Resolved once, on first use (a provider resolves the bean on every call).
    private final org.springframework.util.function.SingletonSupplier<ActivationCheck> conditionalAccess;
    private final SkippedApproverNotices notices;

    PimService(PimStore store, AccountService accounts, Audit audit, ChangeGuards guards, Clock clock,
               org.springframework.beans.factory.ObjectProvider<ActivationCheck> conditionalAccess, SkippedApproverNotices notices) {
        this.conditionalAccess = org.springframework.util.function.SingletonSupplier.of(conditionalAccess::getIfAvailable);
        this.notices = notices;
        this.store = store;
        this.accounts = accounts;
        this.audit = audit;
        this.guards = guards;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ reading

    /** The one clock, for the API's "as of now" views. */
    java.time.Clock clock() {
        return clock;
    }

    /** The roles the account holds now: held roles and live active assignments. */
    @Transactional(readOnly = true)
    public Set<String> currentRoles(String accountId) {
        return store.currentRoles(accountId, Times.now(clock));
    }

    /** What "My roles" shows: live eligible and active assignments (held roles included) and the requests of the account. */
    public record MyRoles(List<Assignment> eligible, List<Assignment> active, List<ActivationRequest> requests) {}

    @Transactional(readOnly = true)
    public MyRoles mine(String accountId) {
        Instant now = Times.now(clock);
        Account account = accounts.get(accountId);
        List<Assignment> live = store.ofAccount(accountId).stream().filter(a -> a.liveAt(now)).toList();
        List<Assignment> active = new ArrayList<>(held(account));
        active.addAll(live.stream().filter(a -> !a.eligible()).toList());
        return new MyRoles(live.stream().filter(Assignment::eligible).toList(), active, store.requestsOf(accountId));
    }

    /** Every live assignment, held roles included, by role then account. */
    @Transactional(readOnly = true)
    public List<Assignment> assignments() {
        Instant now = Times.now(clock);
        List<Assignment> all = new ArrayList<>();
        for (Account a : accounts.list()) {
            all.addAll(held(a));
        }
        all.addAll(store.notEnded().stream().filter(a -> a.liveAt(now)).toList());
        all.sort(java.util.Comparator.comparing(Assignment::role).thenComparing(Assignment::accountId).thenComparing(Assignment::kind));
        return all;
    }

    /** Requests waiting for this approver: pending, unexpired, of a role they approve, not their own, not yet approved by them. */
    @Transactional(readOnly = true)
    public List<ActivationRequest> waitingFor(String approverId) {
        Instant now = Times.now(clock);
        Map<String, RoleSettings> settings = settingsByRole();
        return store.requests(ActivationRequest.PENDING).stream()
                .filter(r -> r.statusAt(now).equals(ActivationRequest.PENDING))
                .filter(r -> !r.accountId().equals(approverId) && !r.approvedBy().contains(approverId))
                .filter(r -> settings.containsKey(r.role()) && settings.get(r.role()).approvers().contains(approverId))
                .toList();
    }

    @Transactional(readOnly = true)
    public List<RoleSettings> settings() {
        return store.allSettings();
    }

    @Transactional(readOnly = true)
    public List<Assignment> history(String role) {
        knownRole(role);
        return store.activations(role, 500);
    }

    /**
     * For the lockout guard (issue 16 §6, through {@code emergency.Usability}): per account, the roles
     * it can activate <em>on its own</em> at any time, from a permanent eligible assignment — by an
     * emergency account when the assignment is of {@code global-admin} or marked emergency-activatable
     * (no setting can put an approver in its way, §5), by anyone when the role needs no approval.
     * Assignments with an end do not count: they run out by themselves, with no change the guard
     * could refuse.
     */
    @Transactional(readOnly = true)
    public Map<String, Set<String>> selfActivatable() {
        Instant now = Times.now(clock);
        Map<String, RoleSettings> settings = settingsByRole();
        Set<String> emergencyIds = new HashSet<>();
        for (Account a : accounts.list()) {
            if (a.emergency()) {
                emergencyIds.add(a.id());
            }
        }
        Map<String, Set<String>> result = new HashMap<>();
        for (Assignment a : store.notEnded()) {
            if (!a.eligible() || !a.permanent() || !a.liveAt(now)) {
                continue;
            }
            boolean alone = emergencyIds.contains(a.accountId()) ? emergencyActivatable(a)
                    : settings.containsKey(a.role()) && !settings.get(a.role()).approvalRequired();
            if (alone) {
                result.computeIfAbsent(a.accountId(), k -> new HashSet<>()).add(a.role());
            }
        }
        return result;
    }

    // ------------------------------------------------------------------ administration

    /** What an administrator assigns. {@code endsAt} null: permanent. */
    public record NewAssignment(String accountId, String role, String kind, Instant endsAt, boolean emergencyActivatable, String reason) {}

    /**
     * Assigns a role. A permanent active assignment is a held role (the account's roles, as
     * {@code PUT /api/accounts/{id}/roles} sets them); everything else is a PIM assignment.
     */
    @Transactional
    public Assignment assign(Actor actor, NewAssignment in) {
        String role = knownRole(in.role());
        String reason = required(in.reason(), "reason", Notes.MAX);
        if (!Assignment.ELIGIBLE.equals(in.kind()) && !Assignment.ACTIVE.equals(in.kind())) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "kind must be 'eligible' or 'active'.", "kind");
        }
        Instant now = Times.now(clock);
        // Kept at the microsecond precision H2 and PostgreSQL store (as Times.now is): otherwise the
        // database rounds a nanosecond end up while the expiry check uses the truncated now, and a
        // time-bound assignment outlives its end by up to a microsecond.
        Instant endsAt = in.endsAt() == null ? null : in.endsAt().truncatedTo(ChronoUnit.MICROS);
        if (endsAt != null && !endsAt.isAfter(now)) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "endsAt must be in the future.", "endsAt");
        }
        Account account = accounts.get(in.accountId());
        if (in.emergencyActivatable() && (!account.emergency() || !Assignment.ELIGIBLE.equals(in.kind()))) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID,
                    "Only an eligible assignment of an emergency account can be emergency-activatable.", "emergencyActivatable");
        }
        // An application role is not an account role (account_role): even a permanent active one is a PIM assignment.
        if (Assignment.ACTIVE.equals(in.kind()) && endsAt == null && !Roles.isApplication(role)) {
            if (account.hasRole(role)) {
                throw exists(account, role, "holds it permanently");
            }
            Set<String> roles = new HashSet<>(account.roles());
            roles.add(role);
            accounts.setRoles(actor, account.id(), roles);
            audit.record(AuditEvent.success(actor, "pim.assign", account.id(), account.emergency(),
                    "'" + role + "' active, permanent, to '" + account.displayName() + "'; reason: " + reason));
            return held(accounts.get(account.id())).stream().filter(a -> a.role().equals(role)).findFirst().orElseThrow();
        }
        return guards.guard("pim.assign", () -> {
            store.lockAccount(account.id());
            boolean taken = store.ofAccount(account.id()).stream()
                    .anyMatch(a -> a.liveAt(now) && a.role().equals(role) && a.kind().equals(in.kind()));
            if (taken || (Assignment.ACTIVE.equals(in.kind()) && account.hasRole(role))) {
                throw exists(account, role, "has a live " + in.kind() + " assignment of it");
            }
            Assignment a = new Assignment(Ids.uuid(), account.id(), role, in.kind(), now, endsAt,
                    in.emergencyActivatable() || (account.emergency() && Roles.GLOBAL_ADMIN.equals(role) && Assignment.ELIGIBLE.equals(in.kind())),
                    Assignment.ASSIGNMENT, reason, null, null, actor.label(), now, null, null);
            store.insert(a);
            audit.record(AuditEvent.success(actor, "pim.assign", account.id(), account.emergency(),
                    "'" + role + "' " + in.kind() + (a.permanent() ? ", permanent" : " until " + a.endsAt())
                            + (a.emergencyActivatable() ? ", emergency-activatable" : "") + ", to '" + account.displayName()
                            + "'; reason: " + reason));
            return a;
        });
    }

    /** Removes a live assignment (an eligibility, or an active one: its role leaves the account's sessions at their next request). */
    @Transactional
    public Assignment remove(Actor actor, String assignmentId, String note) {
        String why = Notes.optional(note);
        return guards.guard("pim.remove", () -> {
            Assignment a = liveAssignment(assignmentId);
            store.lockAccount(a.accountId());
            Account account = accounts.get(a.accountId());
            Instant now = Times.now(clock);
            store.end(a.id(), now, actor.label());
            audit.record(AuditEvent.success(actor, "pim.remove", a.accountId(), account.emergency(),
                    "'" + a.role() + "' " + a.kind() + " of '" + account.displayName() + "' removed" + Notes.suffix(why)));
            return store.find(a.id()).orElseThrow();
        });
    }

    /** What an administrator sets for a role; null fields keep their value. */
    public record SettingsChange(Integer maxDurationMinutes, Boolean approvalRequired, Integer approvalsNeeded, Integer stepUpMinutes,
                                 Integer requestTtlMinutes, Set<String> approvers) {}

    @Transactional
    public RoleSettings updateSettings(Actor actor, String role, SettingsChange change) {
        String known = knownRole(role);
        return guards.guard("pim.settings", () -> {
            RoleSettings before = store.settings(known).orElseThrow();
            RoleSettings after = new RoleSettings(known,
                    change.maxDurationMinutes() == null ? before.maxDuration() : minutes(change.maxDurationMinutes(), "maxDurationMinutes",
                            MINUTE, RoleSettings.LONGEST),
                    change.approvalRequired() == null ? before.approvalRequired() : change.approvalRequired(),
                    change.approvalsNeeded() == null ? before.approvalsNeeded() : change.approvalsNeeded(),
                    change.stepUpMinutes() == null ? before.stepUp() : minutes(change.stepUpMinutes(), "stepUpMinutes", MINUTE, LONGEST_STEP_UP),
                    change.requestTtlMinutes() == null ? before.requestTtl()
                            : minutes(change.requestTtlMinutes(), "requestTtlMinutes", SHORTEST_TTL, LONGEST_TTL),
                    change.approvers() == null ? before.approvers() : validApprovers(change.approvers()));
            if (after.approvalsNeeded() < 1 || after.approvalsNeeded() > 10) {
                throw new GlasskeyException(ErrorCode.PIM_SETTINGS_INVALID, "approvalsNeeded must be 1 to 10.", "approvalsNeeded");
            }
            if (after.approvalRequired()) {
                long enabled = after.approvers().stream().filter(id -> accounts.get(id).enabled()).count();
                if (enabled < after.approvalsNeeded()) {
                    throw new GlasskeyException(ErrorCode.PIM_SETTINGS_INVALID, "'" + known + "' would need " + after.approvalsNeeded()
                            + " approval" + (after.approvalsNeeded() == 1 ? "" : "s") + " from " + enabled
                            + " enabled approver" + (enabled == 1 ? "" : "s") + ": nobody could ever activate it.", "approvers");
                }
            }
            store.saveSettings(after, Times.now(clock), actor.label());
            audit.record(AuditEvent.success(actor, "pim.settings", known, false, describe(before) + " -> " + describe(after)));
            return store.settings(known).orElseThrow();
        });
    }

    // ------------------------------------------------------------------ activation

    /** What a holder asks for. {@code durationMinutes} null: the role's maximum. */
    public record Activation(String role, Integer durationMinutes, String justification, String ticket) {}

    /** The outcome: the activation made, or the request now waiting for approval. */
    public record Activated(Assignment assignment, ActivationRequest request) {}

    /**
     * Activates an eligible role of the signed-in account (issue 16 §3, §5). Checks, in order: the
     * input, eligibility, not active already, the duration, the step-up (a security-key sign-in within
     * the role's step-up age, the {@code max_age} rule of OpenID Connect Core §3.1.2.1 applied to
     * the session). Then an emergency account whose assignment allows it activates at once with no
     * approver whatever the settings ({@code pim.emergency_activation}, flagged: critical alert); a
     * role needing approval gets a pending request; any other is active at once.
     */
    @Transactional
    public Activated activate(Actor actor, SignedIn caller, Activation in) {
        String role = knownRole(in.role());
        String justification = required(in.justification(), "justification", Notes.MAX);
        String ticket = optional(in.ticket(), "ticket", 100);
        Instant now = Times.now(clock);
        // Conditional Access (issue 17 §2) first, before this transaction locks or writes anything: its refusal is recorded apart.
        ActivationCheck check = conditionalAccess.get();
        if (check != null) {
            check.check(caller, accounts.get(caller.accountId()), role);
        }
        return guards.guard("pim.activate", () -> {
            store.lockAccount(caller.accountId());
            Account account = accounts.get(caller.accountId());
            if (!account.enabled()) {
                throw new GlasskeyException(ErrorCode.ACCOUNT_DISABLED, "'" + account.displayName() + "' is disabled.");
            }
            Assignment eligible = store.ofAccount(account.id()).stream()
                    .filter(a -> a.eligible() && a.role().equals(role) && a.liveAt(now)).findFirst()
                    .orElseThrow(() -> new GlasskeyException(ErrorCode.PIM_NOT_ELIGIBLE,
                            "'" + account.displayName() + "' holds no eligible assignment of '" + role + "' right now.", "role"));
            if (store.currentRoles(account.id(), now).contains(role)) {
                throw new GlasskeyException(ErrorCode.PIM_ALREADY_ACTIVE, "'" + role + "' is already active for '" + account.displayName()
                        + "'; deactivate it first to change its duration.", "role");
            }
            RoleSettings settings = store.settings(role).orElseThrow();
            Duration duration = in.durationMinutes() == null ? settings.maxDuration() : Duration.ofMinutes(in.durationMinutes());
            if (in.durationMinutes() != null && (in.durationMinutes() < 1 || duration.compareTo(settings.maxDuration()) > 0)) {
                throw new GlasskeyException(ErrorCode.PIM_DURATION_INVALID, "durationMinutes must be 1 to "
                        + settings.maxDuration().toMinutes() + " for '" + role + "'.", "durationMinutes");
            }
            if (eligible.endsAt() != null && now.plus(duration).isAfter(eligible.endsAt())) {
                duration = Duration.between(now, eligible.endsAt());
            }
            Instant freshFrom = now.minus(settings.stepUp());
            if (!SignedIn.SECURITY_KEY.equals(caller.method()) || caller.authTime().isBefore(freshFrom)) {
                throw new GlasskeyException(ErrorCode.PIM_STEP_UP_REQUIRED, "Activating '" + role + "' needs a sign-in with a security key "
                        + "in the last " + settings.stepUp().toMinutes() + " minutes; this session's was "
                        + (SignedIn.SECURITY_KEY.equals(caller.method()) ? "at " + caller.authTime() : "with " + caller.method())
                        + ". Sign in again (max_age=" + settings.stepUp().toSeconds() + ") and retry.");
            }
            if (account.emergency() && emergencyActivatable(eligible)) {
                Assignment a = activation(account, role, now, duration, Assignment.EMERGENCY, justification, ticket, null, actor);
                store.insert(a);
                String skipped = "";
                if (settings.approvalRequired()) {
                    // §5: each skipped approver is told directly too (SkippedApproverNotices); those it cannot reach are named.
                    SkippedApproverNotices.Outcome told = notices.notify(account, role, a.endsAt(), justification, settings.approvers());
                    skipped = "; approvers skipped: " + names(settings.approvers()) + "; noticed directly: "
                            + (told.noticed().isEmpty() ? "(none)" : String.join(", ", told.noticed()))
                            + (told.withoutAddress().isEmpty() ? "" : "; not noticed directly (no e-mail address, or disabled): "
                            + String.join(", ", told.withoutAddress()));
                }
                audit.record(AuditEvent.success(actor, "pim.emergency_activation", account.id(), true,
                        "'" + role + "' activated by emergency account '" + account.displayName() + "' without approval until "
                                + a.endsAt() + "; justification: " + justification + (ticket == null ? "" : "; ticket: " + ticket) + skipped)
                        .flag());
                return new Activated(a, null);
            }
            if (settings.approvalRequired()) {
                boolean waiting = store.requestsOf(account.id()).stream()
                        .anyMatch(r -> r.role().equals(role) && r.statusAt(now).equals(ActivationRequest.PENDING));
                if (waiting) {
                    throw new GlasskeyException(ErrorCode.PIM_REQUEST_PENDING, "A request of '" + account.displayName() + "' to activate '"
                            + role + "' is already waiting for approval.", "role");
                }
                ActivationRequest r = new ActivationRequest(Ids.uuid(), account.id(), role, duration, justification, ticket,
                        ActivationRequest.PENDING, now, now.plus(settings.requestTtl()), null, null, null, null, List.of());
                store.insert(r);
                audit.record(AuditEvent.success(actor, "pim.request", account.id(), account.emergency(),
                        "'" + account.displayName() + "' asks to activate '" + role + "' for " + duration.toMinutes() + " min; needs "
                                + settings.approvalsNeeded() + " of " + names(settings.approvers()) + "; justification: " + justification
                                + (ticket == null ? "" : "; ticket: " + ticket)));
                return new Activated(null, r);
            }
            Assignment a = activation(account, role, now, duration, Assignment.ACTIVATION, justification, ticket, null, actor);
            store.insert(a);
            audit.record(AuditEvent.success(actor, "pim.activate", account.id(), account.emergency(), activated(account, a)));
            return new Activated(a, null);
        });
    }

    /** Ends the caller's own activation before its end. */
    @Transactional
    public Assignment deactivate(Actor actor, String accountId, String assignmentId) {
        return guards.guard("pim.deactivate", () -> {
            store.lockAccount(accountId);
            Instant now = Times.now(clock);
            Assignment a = store.find(assignmentId)
                    .filter(x -> x.accountId().equals(accountId) && !x.eligible() && x.liveAt(now))
                    .orElseThrow(() -> new GlasskeyException(ErrorCode.PIM_NOT_ACTIVE, "No running activation " + assignmentId + " of yours."));
            Account account = accounts.get(accountId);
            store.end(a.id(), now, actor.label());
            audit.record(AuditEvent.success(actor, "pim.deactivate", accountId, account.emergency(),
                    "'" + a.role() + "' of '" + account.displayName() + "' ended before " + a.endsAt()));
            return store.find(a.id()).orElseThrow();
        });
    }

    /** An approver's approval; the last one needed activates the role from now for the requested duration. */
    @Transactional
    public ActivationRequest approve(Actor actor, String approverId, String requestId) {
        return guards.guard("pim.approve", () -> {
            Instant now = Times.now(clock);
            ActivationRequest r = decidable(approverId, requestId, now);
            if (r.approvedBy().contains(approverId)) {
                throw new GlasskeyException(ErrorCode.PIM_ALREADY_APPROVED, "You have already approved request " + requestId + ".");
            }
            store.lockAccount(r.accountId());
            Account account = accounts.get(r.accountId());
            RoleSettings settings = store.settings(r.role()).orElseThrow();
            store.approve(r.id(), approverId, now);
            audit.record(AuditEvent.success(actor, "pim.approve", r.accountId(), account.emergency(),
                    "request " + r.id() + " of '" + account.displayName() + "' to activate '" + r.role() + "': approval "
                            + (r.approvedBy().size() + 1) + " of " + settings.approvalsNeeded()));
            if (r.approvedBy().size() + 1 >= settings.approvalsNeeded()) {
                boolean eligible = store.ofAccount(account.id()).stream().anyMatch(a -> a.eligible() && a.role().equals(r.role()) && a.liveAt(now));
                if (!eligible || !account.enabled()) {
                    throw new GlasskeyException(ErrorCode.PIM_NOT_ELIGIBLE, "'" + account.displayName() + "' is no longer eligible for '"
                            + r.role() + "'; the request cannot be approved.");
                }
                if (store.currentRoles(account.id(), now).contains(r.role())) {
                    throw new GlasskeyException(ErrorCode.PIM_ALREADY_ACTIVE, "'" + r.role() + "' is already active for '" + account.displayName() + "'.");
                }
                Assignment a = activation(account, r.role(), now, r.duration(), Assignment.ACTIVATION, r.justification(), r.ticket(), r.id(),
                        new Actor(account.id(), account.displayName()));
                store.insert(a);
                store.decide(r.id(), "approved", now, actor.label(), null, a.id());
                audit.record(AuditEvent.success(actor, "pim.activate", account.id(), account.emergency(), activated(account, a)
                        + " (approved request " + r.id() + ")"));
            }
            return store.findRequestForUpdate(r.id()).orElseThrow();
        });
    }

    /** An approver's denial, with the reason the requester is shown. */
    @Transactional
    public ActivationRequest deny(Actor actor, String approverId, String requestId, String reason) {
        String why = required(reason, "reason", Notes.MAX);
        return guards.guard("pim.deny", () -> {
            Instant now = Times.now(clock);
            ActivationRequest r = decidable(approverId, requestId, now);
            Account account = accounts.get(r.accountId());
            store.decide(r.id(), "denied", now, actor.label(), why, null);
            audit.record(AuditEvent.success(actor, "pim.deny", r.accountId(), account.emergency(),
                    "request " + r.id() + " of '" + account.displayName() + "' to activate '" + r.role() + "' denied; reason: " + why));
            return store.findRequestForUpdate(r.id()).orElseThrow();
        });
    }

    // ------------------------------------------------------------------ helpers

    private ActivationRequest decidable(String approverId, String requestId, Instant now) {
        ActivationRequest r = store.findRequestForUpdate(requestId)
                .orElseThrow(() -> new GlasskeyException(ErrorCode.PIM_REQUEST_NOT_FOUND, "No activation request " + requestId + "."));
        if (r.accountId().equals(approverId)) {
            throw new GlasskeyException(ErrorCode.PIM_SELF_APPROVAL, "Request " + requestId + " is your own.");
        }
        RoleSettings settings = store.settings(r.role()).orElseThrow();
        if (!settings.approvers().contains(approverId)) {
            throw new GlasskeyException(ErrorCode.PIM_NOT_APPROVER, "You are not an approver of '" + r.role() + "'.");
        }
        String status = r.statusAt(now);
        if (status.equals("expired")) {
            throw new GlasskeyException(ErrorCode.PIM_REQUEST_EXPIRED, "Request " + requestId + " expired at " + r.expiresAt() + ".");
        }
        if (!status.equals(ActivationRequest.PENDING)) {
            throw new GlasskeyException(ErrorCode.PIM_REQUEST_NOT_PENDING, "Request " + requestId + " is " + status + ".");
        }
        return r;
    }

    private static Assignment activation(Account account, String role, Instant now, Duration duration, String source, String justification,
                                         String ticket, String requestId, Actor actor) {
        return new Assignment(Ids.uuid(), account.id(), role, Assignment.ACTIVE, now, now.plus(duration), false, source, justification,
                ticket, requestId, actor.label(), now, null, null);
    }

    private static String activated(Account account, Assignment a) {
        return "'" + a.role() + "' activated for '" + account.displayName() + "' until " + a.endsAt() + "; justification: " + a.reason()
                + (a.ticket() == null ? "" : "; ticket: " + a.ticket());
    }

    /** An emergency account's eligible assignment of {@code global-admin}, or one marked so, activates with no approver (§5). */
    private static boolean emergencyActivatable(Assignment eligible) {
        return Roles.GLOBAL_ADMIN.equals(eligible.role()) || eligible.emergencyActivatable();
    }

    /** Held roles shown as what they are: permanent active assignments. */
    private static List<Assignment> held(Account account) {
        return account.roles().stream().sorted().map(role -> new Assignment(null, account.id(), role, Assignment.ACTIVE, account.createdAt(),
                null, false, Assignment.HELD, "held role", null, null, null, account.createdAt(), null, null)).toList();
    }

    private Assignment liveAssignment(String id) {
        Instant now = Times.now(clock);
        return store.find(id).filter(a -> a.liveAt(now))
                .orElseThrow(() -> new GlasskeyException(ErrorCode.PIM_ASSIGNMENT_NOT_FOUND, "No live assignment " + id + "."));
    }

    private Map<String, RoleSettings> settingsByRole() {
        Map<String, RoleSettings> byRole = new HashMap<>();
        store.allSettings().forEach(s -> byRole.put(s.role(), s));
        return byRole;
    }

    private Set<String> validApprovers(Set<String> ids) {
        if (ids.size() > 50) {
            throw new GlasskeyException(ErrorCode.PIM_SETTINGS_INVALID, "At most 50 approvers.", "approvers");
        }
        for (String id : ids) {
            if (id == null || !id.matches("[0-9a-f-]{36}")) {
                throw new GlasskeyException(ErrorCode.PIM_SETTINGS_INVALID, "approvers must be account ids.", "approvers");
            }
            accounts.get(id);
        }
        return Set.copyOf(ids);
    }

    private String names(Set<String> ids) {
        if (ids.isEmpty()) {
            return "(none)";
        }
        TreeSet<String> names = new TreeSet<>();
        ids.forEach(id -> names.add("'" + accounts.get(id).displayName() + "'"));
        return String.join(", ", names);
    }

    private static String describe(RoleSettings s) {
        return "{max " + s.maxDuration().toMinutes() + " min, approval " + (s.approvalRequired() ? s.approvalsNeeded() + " of "
                + s.approvers().size() : "none") + ", step-up " + s.stepUp().toMinutes() + " min, request TTL " + s.requestTtl().toMinutes() + " min}";
    }

    private static Duration minutes(int value, String field, Duration min, Duration max) {
        Duration d = Duration.ofMinutes(value);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new GlasskeyException(ErrorCode.PIM_SETTINGS_INVALID, field + " must be " + min.toMinutes() + " to " + max.toMinutes() + ".", field);
        }
        return d;
    }

    /** A directory role, or an application role some client defines ({@link PimApplicationRoles}: it has settings). */
    private String knownRole(String role) {
        if (role == null || role.length() > 200) {
            throw new GlasskeyException(ErrorCode.ROLE_UNKNOWN, "Unknown role; known roles: " + new TreeSet<>(Roles.ALL) + ".", "role");
        }
        if (Roles.ALL.contains(role) || (Roles.isApplication(role) && store.settings(role).isPresent())) {
            return role;
        }
        throw new GlasskeyException(ErrorCode.ROLE_UNKNOWN, "Unknown role; known roles: " + new TreeSet<>(Roles.ALL)
                + " and the application roles of clients ('<client id>/<role>').", "role");
    }

    private static GlasskeyException exists(Account account, String role, String how) {
        return new GlasskeyException(ErrorCode.PIM_ASSIGNMENT_EXISTS, "'" + account.displayName() + "' already " + how + " ('" + role + "').", "role");
    }

    private static String required(String value, String field, int max) {
        String v = optional(value, field, max);
        if (v == null) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, field + " is required.", field);
        }
        return v;
    }

    /** Client text kept in the audit log: bounded and printable, on one line. */
    private static String optional(String value, String field, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.length() > max || v.chars().anyMatch(Character::isISOControl)) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, field + " must be at most " + max + " printable characters on one line.", field);
        }
        return v;
    }
}
