package dev.glasskey.pim;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.account.Roles;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Times;

/**
 * PIM's read-only views for the console (issue 16 §5 and §7): the running emergency activations
 * (the console's badge), the assignments report (who can become what, with the last activation),
 * the activation history of a role with names, and the requests of an account. Kept apart from
 * {@link PimService}, which holds the rules and the changes; nothing here changes state.
 */
@Service
public class PimReports {
    private final PimReportStore store;
    private final PimService pim;
    private final AccountService accounts;
    private final Clock clock;

    PimReports(PimReportStore store, PimService pim, AccountService accounts, Clock clock) {
        this.store = store;
        this.pim = pim;
        this.accounts = accounts;
        this.clock = clock;
    }

    /** An emergency activation that is running: who, which role, until when. */
    public record EmergencyActivation(String assignmentId, String accountId, String accountName, String role, Instant endsAt) {}

    /**
     * The emergency activations running now (§5: the console shows them for as long as they last).
     * Read on every console page: one statement on {@code pim_assignment}'s source.
     */
    @Transactional(readOnly = true)
    public List<EmergencyActivation> runningEmergencyActivations() {
        Instant now = Times.now(clock);
        List<Assignment> running = store.runningEmergencyActivations(now);
        if (running.isEmpty()) {
            return List.of();
        }
        return running.stream().map(a -> new EmergencyActivation(a.id(), a.accountId(), accounts.get(a.accountId()).displayName(), a.role(),
                a.endsAt())).toList();
    }

    /** How many requests wait for this approver (the console's "Approvals" link shows when there are any). */
    @Transactional(readOnly = true)
    public int waitingCount(String approverId) {
        if (!store.anyPendingFor(approverId)) {
            return 0;
        }
        return pim.waitingFor(approverId).size();
    }

    /**
     * A row of the assignments report: a live assignment (held roles included) with its account and
     * the account's last activation of the role.
     */
    public record ReportRow(String accountId, String accountName, boolean emergency, boolean enabled, Assignment assignment,
                            Instant lastActivation) {
        public String role() {
            return assignment.role();
        }

        public String kind() {
            return assignment.kind();
        }
    }

    /** Every live assignment by role then account name, optionally of one role and/or kind ({@code eligible} or {@code active}). */
    @Transactional(readOnly = true)
    public List<ReportRow> report(String role, String kind) {
        if (role != null && !Roles.ALL.contains(role)) {
            throw new GlasskeyException(ErrorCode.ROLE_UNKNOWN, "Unknown role; known roles: " + new java.util.TreeSet<>(Roles.ALL) + ".", "role");
        }
        if (kind != null && !Assignment.ELIGIBLE.equals(kind) && !Assignment.ACTIVE.equals(kind)) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "kind must be 'eligible' or 'active'.", "kind");
        }
        Map<String, Account> byId = accounts.list().stream().collect(Collectors.toMap(Account::id, Function.identity()));
        Map<String, Instant> last = store.lastActivations();
        List<ReportRow> rows = new ArrayList<>();
        for (Assignment a : pim.assignments()) {
            if ((role == null || a.role().equals(role)) && (kind == null || a.kind().equals(kind))) {
                Account account = byId.get(a.accountId());
                rows.add(new ReportRow(a.accountId(), account.displayName(), account.emergency(), account.enabled(), a,
                        last.get(a.accountId() + " " + a.role())));
            }
        }
        rows.sort(Comparator.comparing(ReportRow::role).thenComparing(r -> r.accountName().toLowerCase(java.util.Locale.ROOT))
                .thenComparing(ReportRow::accountId).thenComparing(ReportRow::kind));
        return rows;
    }

    /** An activation of a role as its history shows it: the assignment and its account's name. */
    public record HistoryRow(Assignment activation, String accountName, boolean emergency) {}

    /** The activations of a role, newest first (at most 500). */
    @Transactional(readOnly = true)
    public List<HistoryRow> history(String role) {
        Map<String, Account> byId = accounts.list().stream().collect(Collectors.toMap(Account::id, Function.identity()));
        return pim.history(role).stream().map(a -> new HistoryRow(a, byId.get(a.accountId()).displayName(),
                byId.get(a.accountId()).emergency())).toList();
    }

    /** Display names of accounts by id (approvers, requesters). */
    @Transactional(readOnly = true)
    public Map<String, String> names(Set<String> ids) {
        return ids.stream().distinct().collect(Collectors.toMap(Function.identity(), id -> accounts.get(id).displayName()));
    }
}
