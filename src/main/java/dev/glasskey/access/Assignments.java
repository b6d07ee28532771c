package dev.glasskey.access;

import java.util.Set;

/**
 * Issue 17 §1, who a policy is about. Included: "all people" (every account, <em>emergency
 * accounts too</em>, as Entra's "All users" — the very case the lockout guard exists for), "emergency
 * accounts", named accounts, or holders of named roles; then anyone excluded (named accounts,
 * holders of named roles, or all emergency accounts) is left out. A role counts when it is held
 * (an active assignment) or active through a PIM activation (issue 16 §2–3), never merely
 * eligible: an eligible role grants nothing until it is activated, and activation is itself
 * evaluated with the activated role in the context.
 */
public record Assignments(boolean allPeople, boolean emergencyAccounts, Set<String> includeAccounts, Set<String> includeRoles,
                          boolean excludeEmergencyAccounts, Set<String> excludeAccounts, Set<String> excludeRoles,
                          TargetResources resources) {
    public Assignments {
        includeAccounts = Set.copyOf(includeAccounts);
        includeRoles = Set.copyOf(includeRoles);
        excludeAccounts = Set.copyOf(excludeAccounts);
        excludeRoles = Set.copyOf(excludeRoles);
    }

    /** Everyone (emergency accounts included) on the given resources, nobody excluded. */
    public static Assignments allPeople(TargetResources resources) {
        return new Assignments(true, false, Set.of(), Set.of(), false, Set.of(), Set.of(), resources);
    }

    public Assignments excluding(Set<String> accounts) {
        return new Assignments(allPeople, emergencyAccounts, includeAccounts, includeRoles, excludeEmergencyAccounts,
                accounts, excludeRoles, resources);
    }

    boolean includesNobody() {
        return !allPeople && !emergencyAccounts && includeAccounts.isEmpty() && includeRoles.isEmpty();
    }
}
