package dev.glasskey.access;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

/**
 * Issue 17 §5, the lockout guard's judgement of a policy change, as a pure function: of the
 * current and the proposed {@link PolicySet} (named locations included), the emergency accounts
 * and the minimum. It judges the <em>emergency scenario</em> (DOMAIN.md): an emergency account
 * signing in to the console with its security key, from an address in no named location, without
 * a compliant device. Such an account can get in when, for one of its keys, the one
 * {@link AccessEvaluator} allows both
 * <ol>
 *   <li>the sign-in itself (roles held), and</li>
 *   <li>the emergency activation of the roles it may activate (issue 16 §5: the same sign-in
 *       with those roles active; PIM activation is evaluated by policy too, issue 17 §2).</li>
 * </ol>
 * Only policies that are on count; report-only ones never block (§5). The authentication is fresh
 * ({@code authTime = now}): the account has just signed in with its key, so a sign-in frequency
 * is met, and a required strength is met exactly when its key meets it — an emergency account has
 * no other method (DOMAIN rule 1).
 *
 * <p>Judging the state, not the kind of change (docs/ARCHITECTURE.md, "Change guards"), makes it
 * hold for any combination of policies: a block of "all people" excluding one emergency account,
 * a compliant device required of a role emergency accounts hold, a block of untrusted networks —
 * each is simply evaluated. Named locations and device CAs enter only through the policies: the
 * scenario's address is in no named location and its device presents no certificate, so no range
 * or CA change can make it better or worse; a removed location a policy still names makes the
 * proposed set invalid ({@code access.location_unknown}) before the guard is asked.
 *
 * <p>The rule is the existing guard's ({@code emergency.LockoutGuard.judge}): a change is refused
 * when it leaves fewer than the minimum able to get in <em>and</em> stops one that could, so an
 * installation below the minimum can always build its way up. Refused with
 * {@code emergency.lockout_guard}, naming the accounts and the policies that keep each out.
 */
public final class PolicyLockoutGuard {
    /** The amr of a security-key sign-in with user verification (RFC 8176; issue 15 §4). */
    static final Set<String> SECURITY_KEY_AMR = Set.of("hwk", "user", "mfa");

    private PolicyLockoutGuard() {}

    /** Whether one emergency account can get in, and if not, the policies (ids) that keep it out. */
    public record Access(EmergencyAccess account, boolean canGetIn, List<String> keptOutBy) {}

    /** The guard's judgement: every account's access before and after, and the refusal if any. */
    public record Judgement(Map<String, Access> before, Map<String, Access> after, Optional<GlasskeyException> refusal) {
        public long ableAfter() {
            return after.values().stream().filter(Access::canGetIn).count();
        }
    }

    /** Throws the refusal, if the change is refused. */
    public static void check(String change, PolicySet current, PolicySet proposed, List<EmergencyAccess> accounts, int minimum,
                             Instant now) {
        Optional<GlasskeyException> refusal = judge(change, current, proposed, accounts, minimum, now).refusal();
        if (refusal.isPresent()) {
            throw refusal.get();
        }
    }

    public static Judgement judge(String change, PolicySet current, PolicySet proposed, List<EmergencyAccess> accounts,
                                  int minimum, Instant now) {
        Map<String, Access> before = scenario(current, accounts, now);
        Map<String, Access> after = scenario(proposed, accounts, now);
        List<Access> broken = new ArrayList<>();
        before.forEach((id, access) -> {
            if (access.canGetIn() && !after.get(id).canGetIn()) {
                broken.add(after.get(id));
            }
        });
        long ableAfter = after.values().stream().filter(Access::canGetIn).count();
        Optional<GlasskeyException> refusal = Optional.empty();
        if (ableAfter < minimum && !broken.isEmpty()) {
            refusal = Optional.of(new GlasskeyException(ErrorCode.LOCKOUT_GUARD, detail(change, broken, after, proposed, ableAfter, minimum)));
        }
        return new Judgement(before, after, refusal);
    }

    /** Every account's access in the emergency scenario under {@code set}. */
    public static Map<String, Access> scenario(PolicySet set, List<EmergencyAccess> accounts, Instant now) {
        Map<String, Access> result = new LinkedHashMap<>();
        for (EmergencyAccess account : accounts) {
            result.put(account.accountId(), access(set, account, now));
        }
        return result;
    }

    static Access access(PolicySet set, EmergencyAccess account, Instant now) {
        Set<String> keptOutBy = new LinkedHashSet<>();
        boolean[] nowhere = new boolean[set.locations().size()]; // an address in no named location
        for (UUID model : account.keys()) {
            Decision signIn = AccessEvaluator.evaluate(set, context(account, Set.of(), model, now), nowhere);
            Decision activation = account.rolesActivatable().isEmpty() ? signIn
                    : AccessEvaluator.evaluate(set, context(account, account.rolesActivatable(), model, now), nowhere);
            if (signIn.enforced().outcome() == Decision.Outcome.ALLOW && activation.enforced().outcome() == Decision.Outcome.ALLOW) {
                return new Access(account, true, List.of());
            }
            keptOutBy.addAll(signIn.enforced().deciding());
            keptOutBy.addAll(activation.enforced().deciding());
        }
        return new Access(account, false, List.copyOf(keptOutBy));
    }

    /** The emergency scenario's context for one key: console, no named location, no compliant device, fresh key sign-in. */
    static SignInContext context(EmergencyAccess account, Set<String> activated, UUID model, Instant now) {
        InetAddress inNoNamedLocation = null;
        return new SignInContext(account.accountId(), true, account.rolesHeld(), activated, Resource.CONSOLE, inNoNamedLocation,
                false, SECURITY_KEY_AMR, model != null ? "phrh" : "phr", model, now, now);
    }

    private static String detail(String change, List<Access> broken, Map<String, Access> after, PolicySet proposed, long ableAfter,
                                 int minimum) {
        Map<String, String> names = proposed.policies().stream().collect(Collectors.toMap(Policy::id, Policy::name, (a, b) -> a));
        StringBuilder detail = new StringBuilder("Refused: '").append(change).append("' would leave ").append(ableAfter)
                .append(" emergency account").append(ableAfter == 1 ? "" : "s")
                .append(" able to get in to the console with a security key from an unknown network without a compliant device (minimum ")
                .append(minimum).append("). It would keep out ");
        for (Access access : broken) {
            detail.append("'").append(access.account().name()).append("'");
            if (access.account().keys().isEmpty()) {
                detail.append(" (no security key)");
            } else {
                detail.append(" (by ").append(access.keptOutBy().stream().map(id -> "policy '" + names.getOrDefault(id, id) + "'")
                        .collect(Collectors.joining(", "))).append(")");
            }
            detail.append(", ");
        }
        detail.setLength(detail.length() - 2);
        List<String> still = after.values().stream().filter(Access::canGetIn).map(a -> "'" + a.account().name() + "'").toList();
        return detail.append(". Still able: ").append(still.isEmpty() ? "none" : String.join(", ", still))
                .append(". Exclude the emergency accounts from the policy, or make it report-only first.").toString();
    }
}
