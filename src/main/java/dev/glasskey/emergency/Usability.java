package dev.glasskey.emergency;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.glasskey.account.Account;
import dev.glasskey.account.Roles;
import dev.glasskey.key.SecurityKey;
import dev.glasskey.webauthn.AuthenticatorStandard;
import dev.glasskey.webauthn.Credential;

/**
 * DOMAIN rule 3: when an emergency account is <em>usable</em>. Pure functions of an
 * {@link EmergencyState}, shared by the lockout guard, readiness and the matrix so the three
 * can never disagree.
 *
 * <p>Usable means: enabled; can become a global admin on its own right now (issue 16 §6): holds
 * {@code global-admin}, or has a permanent eligible assignment it activates without any approver
 * ({@link EmergencyState#canBecome}); at least one working credential, i.e. an active credential on an active key
 * that meets the authenticator standard ({@link AuthenticatorStandard}: device-bound, of a model the
 * loaded FIDO metadata does not report compromised, and from an allowed, attested model when an
 * allow-list is configured — emergency sign-in refuses any other, see {@code SignInService}); and
 * no Conditional Access policy in force keeps it out in the emergency scenario with every one of
 * those credentials (issue 17 §5, {@link AccessPolicies}).
 */
public final class Usability {
    private Usability() {}

    /** Why an emergency account is usable or not. */
    public record Verdict(Account account, boolean usable, List<String> problems, List<Credential> workingCredentials) {}

    /** Every emergency account with its verdict, in the state's order. */
    public static Map<String, Verdict> judge(EmergencyState state) {
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        Set<String> allowed = state.allowedAaguids();
        for (Account account : state.emergencyAccounts()) {
            List<String> problems = new ArrayList<>();
            if (!account.enabled()) {
                problems.add("disabled");
            }
            if (!state.canBecome(account, Roles.GLOBAL_ADMIN)) {
                problems.add("lacks the global-admin role (neither held nor permanently eligible)");
            }
            List<Credential> working = workingCredentials(state, account.id(), allowed);
            if (working.isEmpty()) {
                problems.add("no working credential on an active key" + (allowed.isEmpty() ? "" : " from an allowed, attested model"));
                List<String> compromised = compromisedModels(state, account.id());
                if (!compromised.isEmpty()) {
                    problems.add("key model reported compromised: " + String.join("; ", compromised));
                }
            } else {
                // The attested model only where attestation verified to a pinned root: a policy
                // requiring allow-listed models cannot be met by a claimed AAGUID.
                List<java.util.UUID> models = working.stream().map(Usability::attestedModel).toList();
                List<String> keptOutBy = state.policies().keptOutBy(account, models, state.now());
                if (!keptOutBy.isEmpty()) {
                    problems.add("kept out by " + String.join(", ", keptOutBy.stream().map(n -> "policy '" + n + "'").toList())
                            + " (console, security key, unknown network, no compliant device)");
                }
            }
            verdicts.put(account.id(), new Verdict(account, problems.isEmpty(), List.copyOf(problems), working));
        }
        return verdicts;
    }

    private static java.util.UUID attestedModel(Credential c) {
        if (!c.attestationTrusted() || c.aaguid() == null) {
            return null;
        }
        try {
            return java.util.UUID.fromString(c.aaguid());
        } catch (IllegalArgumentException notAUuid) {
            return null;
        }
    }

    /** The models, in the metadata's deny set, of the account's live credentials on active keys (described). */
    static List<String> compromisedModels(EmergencyState state, String accountId) {
        return state.credentials().stream()
                .filter(c -> c.accountId().equals(accountId) && c.status() == Credential.Status.ACTIVE)
                .filter(c -> AuthenticatorStandard.compromised(c.aaguid(), state.compromisedAaguids()))
                .map(c -> state.metadata().compromised().get(c.aaguid()).describe())
                .distinct()
                .toList();
    }

    /** The credentials of an account that would let it sign in now. */
    static List<Credential> workingCredentials(EmergencyState state, String accountId, Set<String> allowedAaguids) {
        return state.credentials().stream()
                .filter(c -> c.accountId().equals(accountId))
                .filter(c -> works(state, c, allowedAaguids))
                .toList();
    }

    /**
     * A credential that would pass an emergency-grade sign-in: active, on an active key, and meeting
     * the authenticator standard sign-in applies (device-bound; allowed, attested model).
     */
    static boolean works(EmergencyState state, Credential c, Set<String> allowedAaguids) {
        if (c.status() != Credential.Status.ACTIVE) {
            return false;
        }
        SecurityKey key = state.key(c.keyId());
        if (key == null || key.status() != SecurityKey.Status.ACTIVE) {
            return false;
        }
        return AuthenticatorStandard.meets(c, allowedAaguids, state.compromisedAaguids());
    }

    /**
     * Issue 18: the enabled accounts holding {@code global-admin} (emergency accounts included), or able
     * to activate it on their own without an approver (issue 16 §6), that could sign in now: at least one credential that would pass their sign-in (active, on an active
     * key, meeting the authenticator standard the role demands).
     */
    public static List<Account> administratorsWhoCanSignIn(EmergencyState state) {
        Set<String> allowed = state.allowedAaguids();
        return state.accounts().stream()
                .filter(a -> a.enabled() && state.canBecome(a, Roles.GLOBAL_ADMIN))
                .filter(a -> state.credentials().stream().anyMatch(c -> c.accountId().equals(a.id()) && works(state, c, allowed)))
                .toList();
    }

    /**
     * Enabled accounts held to the emergency standard for their role alone (administrators who are
     * not emergency accounts) that hold credentials, none of which would pass their sign-in: a
     * synced passkey, a model the metadata reports compromised, or a model the allow-list does not (or no longer) admit.
     */
    public static List<Account> administratorsWithoutEmergencyGradeKeys(EmergencyState state) {
        Set<String> allowed = state.allowedAaguids();
        return state.accounts().stream()
                .filter(a -> a.enabled() && !a.emergency() && AuthenticatorStandard.requiredFor(a))
                .filter(a -> {
                    List<Credential> live = state.credentials().stream()
                            .filter(c -> c.accountId().equals(a.id()) && c.status() == Credential.Status.ACTIVE).toList();
                    return !live.isEmpty() && live.stream().noneMatch(c -> works(state, c, allowed));
                })
                .toList();
    }

}
