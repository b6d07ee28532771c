package dev.glasskey.emergency;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.glasskey.account.Account;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;
import dev.glasskey.system.Actors;
import dev.glasskey.system.ChangeGuard;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

/**
 * DOMAIN rule 3, the lockout guard. Judges the state after every administrative change against
 * the state before it, in the change's transaction: a change that leaves fewer usable emergency
 * accounts than the minimum <em>and</em> makes some account stop being usable is refused, naming
 * the accounts it would break. Changes that break nothing pass even while the organisation is
 * below the minimum, so it can always build its way up from an empty installation. A change that
 * leaves no enabled administrator who can sign in, where there was one, is refused as well
 * ({@code emergency.last_administrator}).
 *
 * <p>The guard's row lock is taken before the state is read, so concurrent changes serialise and
 * cannot together do what each alone was refused. There is no API to bypass it; the local
 * {@code glasskey bootstrap} command only ever adds access.
 */
@Component
class LockoutGuard implements ChangeGuard {
    private final ReadinessService readiness;
    private final EmergencyStore store;
    private final Audit audit;
    private final TransactionTemplate separateTx;

    LockoutGuard(ReadinessService readiness, EmergencyStore store, Audit audit, PlatformTransactionManager transactionManager) {
        this.readiness = readiness;
        this.store = store;
        this.audit = audit;
        this.separateTx = new TransactionTemplate(transactionManager);
        this.separateTx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    @Override
    public Baseline before() {
        store.lockGuard();
        EmergencyState beforeState = readiness.state();
        return change -> {
            EmergencyState afterState = readiness.state();
            judge(change, beforeState, afterState, readiness.properties().minimumUsableAccounts())
                    .ifPresent(refusal -> refuse(change, refusal));
            store.countGuardedChange();
            readiness.recordTransition(readiness.report(afterState));
        };
    }

    /** Why the guard refuses a change: the code and the detail the client sees. */
    record Refusal(ErrorCode code, String detail) {}

    /**
     * The guard's judgement as a pure function of the states before and after a change, so the
     * console can say beforehand whether a change would be refused ({@link ChangePreview}).
     * Two rules: DOMAIN rule 3 (the emergency minimum), and issue 18's last administrator who
     * can sign in — an organisation whose only administrator disabled themselves had only the
     * local {@code bootstrap} left.
     */
    static Optional<Refusal> judge(String change, EmergencyState beforeState, EmergencyState afterState, int minimum) {
        Map<String, Usability.Verdict> before = Usability.judge(beforeState);
        Map<String, Usability.Verdict> after = Usability.judge(afterState);
        long usableAfter = after.values().stream().filter(Usability.Verdict::usable).count();
        Map<String, String> broken = new LinkedHashMap<>();
        before.forEach((id, v) -> {
            if (v.usable()) {
                Usability.Verdict now = after.get(id);
                if (now == null || !now.usable()) {
                    broken.put(v.account().displayName(), now == null ? "deleted" : String.join(", ", now.problems()));
                }
            }
        });
        if (usableAfter < minimum && !broken.isEmpty()) {
            return Optional.of(new Refusal(ErrorCode.LOCKOUT_GUARD, minimumDetail(change, broken, usableAfter, minimum, after)));
        }
        List<Account> adminsBefore = Usability.administratorsWhoCanSignIn(beforeState);
        if (!adminsBefore.isEmpty() && Usability.administratorsWhoCanSignIn(afterState).isEmpty()) {
            String names = adminsBefore.stream().map(a -> "'" + a.displayName() + "'").collect(Collectors.joining(", "));
            return Optional.of(new Refusal(ErrorCode.LAST_ADMINISTRATOR, "Refused: '" + change + "' would leave no enabled "
                    + "administrator who can sign in (today: " + names + "). Enrol another administrator or emergency account "
                    + "on a working security key first."));
        }
        return Optional.empty();
    }

    private static String minimumDetail(String change, Map<String, String> broken, long usableAfter, int minimum,
                                        Map<String, Usability.Verdict> after) {
        StringBuilder detail = new StringBuilder("Refused: '").append(change).append("' would leave ").append(usableAfter)
                .append(" usable emergency account").append(usableAfter == 1 ? "" : "s").append(" (minimum ").append(minimum)
                .append("). It would break ");
        broken.forEach((name, why) -> detail.append("'").append(name).append("' (").append(why).append("), "));
        detail.setLength(detail.length() - 2);
        List<String> still = after.values().stream().filter(Usability.Verdict::usable).map(v -> "'" + v.account().displayName() + "'").toList();
        detail.append(". Still usable: ").append(still.isEmpty() ? "none" : String.join(", ", still))
                .append(". Make another emergency account usable first.");
        return detail.toString();
    }

    private void refuse(String change, Refusal refusal) {
        String message = refusal.detail();
        Actor actor = Actors.current();
        // The change rolls back, taking anything written in its transaction with it; the refusal
        // itself is recorded afterwards in a transaction of its own (and so alerts).
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    if (status == STATUS_ROLLED_BACK) {
                        separateTx.executeWithoutResult(s -> audit.record(AuditEvent.failure(actor, change, null,
                                refusal.code().code(), true, message).flag()));
                    }
                }
            });
        }
        throw new GlasskeyException(refusal.code(), message);
    }

}
