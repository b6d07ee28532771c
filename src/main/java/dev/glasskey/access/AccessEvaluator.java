package dev.glasskey.access;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.glasskey.access.Decision.Condition;
import dev.glasskey.access.Decision.ConditionResult;
import dev.glasskey.access.Decision.Outcome;
import dev.glasskey.access.Decision.PolicyResult;
import dev.glasskey.access.Decision.Unmet;
import dev.glasskey.access.Decision.Verdict;

/**
 * The one Conditional Access evaluator (issue 17 §2; docs/ARCHITECTURE.md "One evaluator"): a
 * pure function of a {@link PolicySet} and a {@link SignInContext}. No I/O, no clock of its own
 * ({@code now} is in the context), no Spring bean needed to call it, so sign-in, OpenID Connect
 * authorization and refresh, PIM activation, what-if and the lockout guard's emergency scenario
 * can never disagree.
 *
 * <p>Semantics (Entra's, which the issue takes as the reference): a policy <em>applies</em> when
 * the account is included and not excluded, the resource is targeted, and every configured
 * condition matches. Of the applicable policies, any block blocks; otherwise each policy's grant
 * controls (all of them, or one of them) and its sign-in frequency must be met, and what is not
 * met is required. Policies that are on are enforced; report-only ones are combined the same way
 * but apart, and never enforced; off ones are not evaluated.
 */
public final class AccessEvaluator {
    private static final ConditionResult NOT_CONFIGURED_NETWORK = new ConditionResult(Condition.NETWORK, true, "any network (not configured)");

    private AccessEvaluator() {}

    public static Decision evaluate(PolicySet set, SignInContext context) {
        return evaluate(set, context, set.locate(context.clientAddress()));
    }

    /** With the named locations containing the client address given by index (all false: in none). */
    static Decision evaluate(PolicySet set, SignInContext context, boolean[] located) {
        List<Policy> policies = set.policies();
        List<PolicyResult> results = new ArrayList<>(policies.size());
        Combiner enforced = new Combiner();
        Combiner reportOnly = new Combiner();
        // the resource's two possible explanations, made once per decision rather than once per policy
        ConditionResult[] resource = {
                new ConditionResult(Condition.RESOURCE, false, "does not target the " + context.resource()),
                new ConditionResult(Condition.RESOURCE, true, "targets the " + context.resource())};
        for (int i = 0; i < policies.size(); i++) {
            Policy policy = policies.get(i);
            if (policy.state() == PolicyState.OFF) {
                continue;
            }
            PolicyResult result = evaluate(policy, set, set.compiled(i), context, located, resource);
            results.add(result);
            (policy.state() == PolicyState.ON ? enforced : reportOnly).add(result);
        }
        return new Decision(enforced.verdict(), reportOnly.verdict(), Collections.unmodifiableList(results));
    }

    private static PolicyResult evaluate(Policy policy, PolicySet set, PolicySet.Compiled compiled, SignInContext context,
                                         boolean[] located, ConditionResult[] resource) {
        List<ConditionResult> conditions = new ArrayList<>(5);
        Assignments who = policy.assignments();
        if (!add(conditions, people(who, context))
                || !add(conditions, resource[who.resources().targets(context.resource()) ? 1 : 0])) {
            return notApplied(policy, conditions);
        }
        Conditions when = policy.conditions() == null ? Conditions.NONE : policy.conditions();
        if (!add(conditions, when.network() == null ? NOT_CONFIGURED_NETWORK : network(when.network(), set, compiled, located))) {
            return notApplied(policy, conditions);
        }
        if (when.device() != null && !add(conditions, device(when.device(), context))) {
            return notApplied(policy, conditions);
        }
        if (when.method() != null && !add(conditions, method(when.method(), context))) {
            return notApplied(policy, conditions);
        }
        List<ConditionResult> judged = Collections.unmodifiableList(conditions);
        if (policy.grant().block()) {
            return new PolicyResult(policy.id(), policy.name(), policy.state(), true, judged, Outcome.BLOCK, List.of());
        }
        List<Unmet> unmet = unmet(policy, compiled, context);
        return new PolicyResult(policy.id(), policy.name(), policy.state(), true, judged,
                unmet.isEmpty() ? Outcome.ALLOW : Outcome.REQUIRE, unmet);
    }

    private static boolean add(List<ConditionResult> conditions, ConditionResult result) {
        conditions.add(result);
        return result.matched();
    }

    private static PolicyResult notApplied(Policy policy, List<ConditionResult> conditions) {
        return new PolicyResult(policy.id(), policy.name(), policy.state(), false, Collections.unmodifiableList(conditions),
                Outcome.ALLOW, List.of());
    }

    /** Exclusions win over inclusions (Entra: "exclusions are evaluated first"). */
    static ConditionResult people(Assignments who, SignInContext context) {
        if (who.excludeAccounts().contains(context.accountId())) {
            return new ConditionResult(Condition.PEOPLE, false, "the account is excluded");
        }
        if (who.excludeEmergencyAccounts() && context.emergency()) {
            return new ConditionResult(Condition.PEOPLE, false, "emergency accounts are excluded");
        }
        for (String role : who.excludeRoles()) {
            if (context.hasRole(role)) {
                return new ConditionResult(Condition.PEOPLE, false, "holds the excluded role '" + role + "'");
            }
        }
        if (who.allPeople()) {
            return new ConditionResult(Condition.PEOPLE, true, "all people are included");
        }
        if (who.emergencyAccounts() && context.emergency()) {
            return new ConditionResult(Condition.PEOPLE, true, "emergency accounts are included");
        }
        if (who.includeAccounts().contains(context.accountId())) {
            return new ConditionResult(Condition.PEOPLE, true, "the account is included");
        }
        for (String role : who.includeRoles()) {
            if (context.hasRole(role)) {
                return new ConditionResult(Condition.PEOPLE, true, "holds the included role '" + role + "'");
            }
        }
        return new ConditionResult(Condition.PEOPLE, false, "the account is not among the people included");
    }

    static ConditionResult network(Conditions.Network network, PolicySet set, PolicySet.Compiled compiled, boolean[] located) {
        for (int index : compiled.excludeLocations()) {
            if (located[index]) {
                return new ConditionResult(Condition.NETWORK, false, "the address is in the excluded location '" + set.locationName(index) + "'");
            }
        }
        int trustedIn = trustedLocation(set, located);
        if (network.excludeTrusted() && trustedIn >= 0) {
            return new ConditionResult(Condition.NETWORK, false, "the address is in the trusted location '"
                    + set.locationName(trustedIn) + "', and trusted locations are excluded");
        }
        if (network.anyNetwork()) {
            return new ConditionResult(Condition.NETWORK, true, "any network is included");
        }
        if (network.includeTrusted() && trustedIn >= 0) {
            return new ConditionResult(Condition.NETWORK, true, "the address is in the trusted location '" + set.locationName(trustedIn) + "'");
        }
        for (int index : compiled.includeLocations()) {
            if (located[index]) {
                return new ConditionResult(Condition.NETWORK, true, "the address is in the location '" + set.locationName(index) + "'");
            }
        }
        return new ConditionResult(Condition.NETWORK, false, "the address is in no included location");
    }

    private static int trustedLocation(PolicySet set, boolean[] located) {
        for (int i = 0; i < located.length; i++) {
            if (located[i] && set.trusted(i)) {
                return i;
            }
        }
        return -1;
    }

    static ConditionResult device(Conditions.Device device, SignInContext context) {
        boolean compliant = context.deviceCompliant();
        boolean matched = compliant == (device == Conditions.Device.COMPLIANT);
        return new ConditionResult(Condition.DEVICE, matched, compliant ? "the device is compliant" : "the device is not compliant");
    }

    static ConditionResult method(Conditions.Method method, SignInContext context) {
        for (String amr : context.amr()) {
            if (method.amr().contains(amr)) {
                return new ConditionResult(Condition.METHOD, true, "the sign-in used '" + amr + "'");
            }
        }
        if (context.acr() != null && method.acr().contains(context.acr())) {
            return new ConditionResult(Condition.METHOD, true, "the sign-in achieved acr '" + context.acr() + "'");
        }
        return new ConditionResult(Condition.METHOD, false, "the sign-in used none of the methods named");
    }

    /** The requirements of an applicable, non-blocking policy that the sign-in does not meet. */
    private static List<Unmet> unmet(Policy policy, PolicySet.Compiled compiled, SignInContext context) {
        List<Unmet> unmet = List.of();
        GrantControls grant = policy.grant();
        List<Control> controls = grant.controls();
        if (grant.operator() == GrantControls.Operator.ALL_OF) {
            for (Control control : controls) {
                if (!met(control, context)) {
                    unmet = append(unmet, new Unmet(policy.id(), List.of(control)));
                }
            }
        } else if (!controls.isEmpty() && controls.stream().noneMatch(c -> met(c, context))) {
            unmet = append(unmet, new Unmet(policy.id(), controls));
        }
        Control.RequireFreshSignIn fresh = compiled.freshSignIn();
        if (fresh != null && !met(fresh, context)) {
            unmet = append(unmet, new Unmet(policy.id(), List.of(fresh)));
        }
        return unmet;
    }

    private static List<Unmet> append(List<Unmet> list, Unmet unmet) {
        List<Unmet> result = list.isEmpty() ? new ArrayList<>(2) : list;
        result.add(unmet);
        return result;
    }

    static boolean met(Control control, SignInContext context) {
        if (control instanceof Control.RequireStrength strength) {
            return strength.strength().metBy(context);
        }
        if (control instanceof Control.RequireFreshSignIn fresh) {
            // Sign-in frequency as OpenID Connect's max_age (Core 1.0 §3.1.2.1): an authentication
            // older than the maximum age needs a fresh one; one exactly that old still counts.
            return Duration.between(context.authTime(), context.now()).compareTo(fresh.maxAge()) <= 0;
        }
        return context.deviceCompliant();
    }

    /** Combines applicable policy results into a verdict: any block blocks, else the unmet requirements are required. */
    private static final class Combiner {
        private List<String> blockedBy;
        private List<Unmet> required;

        void add(PolicyResult result) {
            if (!result.applied()) {
                return;
            }
            if (result.outcome() == Outcome.BLOCK) {
                if (blockedBy == null) {
                    blockedBy = new ArrayList<>(2);
                }
                blockedBy.add(result.policyId());
            } else if (!result.unmet().isEmpty()) {
                if (required == null) {
                    required = new ArrayList<>(4);
                }
                required.addAll(result.unmet());
            }
        }

        Verdict verdict() {
            if (blockedBy != null) {
                return new Verdict(Outcome.BLOCK, List.copyOf(blockedBy), required == null ? List.of() : List.copyOf(required));
            }
            if (required != null) {
                return new Verdict(Outcome.REQUIRE, List.of(), List.copyOf(required));
            }
            return Verdict.ALLOWED;
        }
    }
}
