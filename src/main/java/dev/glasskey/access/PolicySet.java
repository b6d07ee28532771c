package dev.glasskey.access;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.IpRange;
import dev.glasskey.system.Untrusted;

/**
 * A validated set of policies and the named locations they refer to, compiled once for the
 * {@link AccessEvaluator}: CIDR ranges become {@link IpRange}s (same family only) and each policy's network
 * condition refers to locations by index. Immutable; build a new one for every change (the
 * lockout guard judges the proposed set before it is stored).
 *
 * <p>Every refusal is a {@link GlasskeyException} with an {@code access.*} code naming the field.
 */
public final class PolicySet {
    /** Sign-in frequency beyond a year is a mistake, not a policy (Entra caps it at 365 days too). */
    static final Duration MAX_SIGN_IN_FREQUENCY = Duration.ofDays(365);

    public static final PolicySet EMPTY = of(List.of(), List.of());

    private final List<Policy> policies;
    private final List<NamedLocation> locations;
    /** Per location, its ranges; each matches addresses of its own family only. */
    private final IpRange[][] ranges;
    private final boolean[] trusted;
    private final Compiled[] compiled;

    /** What evaluation needs of one policy, resolved at build time. */
    record Compiled(int[] includeLocations, int[] excludeLocations, Control.RequireFreshSignIn freshSignIn) {}

    private PolicySet(List<Policy> policies, List<NamedLocation> locations, IpRange[][] ranges, boolean[] trusted,
                      Compiled[] compiled) {
        this.policies = policies;
        this.locations = locations;
        this.ranges = ranges;
        this.trusted = trusted;
        this.compiled = compiled;
    }

    /** Validates and compiles; throws {@code access.*} refusals naming the first problem found. */
    public static PolicySet of(List<Policy> policies, List<NamedLocation> locations) {
        List<Policy> policyList = List.copyOf(policies);
        List<NamedLocation> locationList = List.copyOf(locations);
        Map<String, Integer> locationIndex = new HashMap<>();
        IpRange[][] ranges = new IpRange[locationList.size()][];
        boolean[] trusted = new boolean[locationList.size()];
        for (int i = 0; i < locationList.size(); i++) {
            NamedLocation location = locationList.get(i);
            String field = "locations[" + i + "]";
            if (location.id() == null || location.id().isBlank() || location.name() == null || location.name().isBlank()) {
                throw new GlasskeyException(ErrorCode.ACCESS_LOCATION_INVALID, "A named location needs an id and a name.", field);
            }
            if (locationIndex.putIfAbsent(location.id(), i) != null) {
                throw new GlasskeyException(ErrorCode.ACCESS_LOCATION_INVALID, "Two named locations have the id '"
                        + Untrusted.shown(location.id()) + "'.", field + ".id");
            }
            if (location.cidrs().isEmpty()) {
                throw new GlasskeyException(ErrorCode.ACCESS_LOCATION_INVALID, "The named location '" + Untrusted.shown(location.name())
                        + "' has no CIDR range.", field + ".cidrs");
            }
            ranges[i] = new IpRange[location.cidrs().size()];
            for (int j = 0; j < location.cidrs().size(); j++) {
                ranges[i][j] = cidr(location.cidrs().get(j), field + ".cidrs[" + j + "]");
            }
            trusted[i] = location.trusted();
        }
        Set<String> ids = new HashSet<>();
        Compiled[] compiled = new Compiled[policyList.size()];
        for (int i = 0; i < policyList.size(); i++) {
            Policy policy = policyList.get(i);
            compiled[i] = validate(policy, "policies[" + i + "]", locationIndex);
            if (!ids.add(policy.id())) {
                throw new GlasskeyException(ErrorCode.ACCESS_POLICY_DUPLICATE, "Two policies have the id '"
                        + Untrusted.shown(policy.id()) + "'.", "policies[" + i + "].id");
            }
        }
        return new PolicySet(policyList, locationList, ranges, trusted, compiled);
    }

    public List<Policy> policies() { return policies; }

    public List<NamedLocation> locations() { return locations; }

    Compiled compiled(int index) { return compiled[index]; }

    /** A copy with {@code policies} in place of this set's, against the same named locations. */
    public PolicySet withPolicies(List<Policy> newPolicies) {
        return of(newPolicies, locations);
    }

    /**
     * Which named locations contain the address, by index. {@code null} (an address in no named
     * location) is in none. The address is already parsed: nothing is resolved here.
     */
    boolean[] locate(InetAddress address) {
        boolean[] in = new boolean[ranges.length];
        if (address == null) {
            return in;
        }
        for (int i = 0; i < ranges.length; i++) {
            for (IpRange range : ranges[i]) {
                if (range.matches(address)) { // same family only (IpRange)
                    in[i] = true;
                    break;
                }
            }
        }
        return in;
    }

    boolean trusted(int location) { return trusted[location]; }

    String locationName(int location) { return locations.get(location).name(); }

    /** One CIDR range or single address, as {@link IpRange#parse} reads it (literals only, nothing looked up). */
    static IpRange cidr(String text, String field) {
        if (text == null) {
            throw new GlasskeyException(ErrorCode.ACCESS_LOCATION_INVALID, "A CIDR range is missing.", field);
        }
        try {
            return IpRange.parse(text);
        } catch (IllegalArgumentException e) {
            throw new GlasskeyException(ErrorCode.ACCESS_LOCATION_INVALID, e.getMessage(), field);
        }
    }

    private static Compiled validate(Policy policy, String field, Map<String, Integer> locationIndex) {
        if (policy.id() == null || policy.id().isBlank() || policy.name() == null || policy.name().isBlank()
                || policy.state() == null || policy.assignments() == null || policy.grant() == null) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "A policy needs an id, a name, a state, assignments and grant controls.", field);
        }
        String shown = "The policy '" + Untrusted.shown(policy.name()) + "'";
        Assignments who = policy.assignments();
        if (who.includesNobody()) {
            throw new GlasskeyException(ErrorCode.ACCESS_ASSIGNMENT_EMPTY, shown + " includes nobody: choose all people, emergency "
                    + "accounts, accounts or roles.", field + ".assignments.include");
        }
        if (who.resources() == null || who.resources().isEmpty()) {
            throw new GlasskeyException(ErrorCode.ACCESS_ASSIGNMENT_EMPTY, shown + " targets no resource: choose the console, all "
                    + "OpenID Connect clients or named clients.", field + ".assignments.resources");
        }
        Conditions conditions = policy.conditions() == null ? Conditions.NONE : policy.conditions();
        int[] include = new int[0];
        int[] exclude = new int[0];
        if (conditions.network() != null) {
            Conditions.Network network = conditions.network();
            if (network.includesNothing()) {
                throw new GlasskeyException(ErrorCode.ACCESS_CONDITION_EMPTY, shown + " has a network condition that includes no "
                        + "network.", field + ".conditions.network");
            }
            include = indices(network.includeLocations(), locationIndex, shown, field + ".conditions.network.include");
            exclude = indices(network.excludeLocations(), locationIndex, shown, field + ".conditions.network.exclude");
        }
        if (conditions.method() != null && conditions.method().isEmpty()) {
            throw new GlasskeyException(ErrorCode.ACCESS_CONDITION_EMPTY, shown + " has a method condition that names no method.",
                    field + ".conditions.method");
        }
        GrantControls grant = policy.grant();
        if (grant.operator() == null || (grant.block() && !grant.controls().isEmpty())) {
            throw new GlasskeyException(ErrorCode.ACCESS_CONTROLS_INVALID, shown + " both blocks and requires controls; a block "
                    + "stands alone.", field + ".grant");
        }
        for (Control control : grant.controls()) {
            if (!(control instanceof Control.RequireStrength s && s.strength() != null) && !(control instanceof Control.RequireCompliantDevice)) {
                throw new GlasskeyException(ErrorCode.ACCESS_CONTROLS_INVALID, shown + " has a grant control that is not a required "
                        + "strength or a compliant device (sign-in frequency is a session control).", field + ".grant.controls");
            }
        }
        if (!grant.block() && grant.controls().isEmpty() && policy.signInFrequency() == null) {
            throw new GlasskeyException(ErrorCode.ACCESS_CONTROLS_INVALID, shown + " neither blocks nor requires anything.", field + ".grant");
        }
        Duration frequency = policy.signInFrequency();
        if (frequency != null && (frequency.isNegative() || frequency.isZero() || frequency.compareTo(MAX_SIGN_IN_FREQUENCY) > 0)) {
            throw new GlasskeyException(ErrorCode.ACCESS_SIGN_IN_FREQUENCY_INVALID, shown + " has a sign-in frequency of " + frequency
                    + "; it must be more than zero and at most 365 days.", field + ".signInFrequency");
        }
        return new Compiled(include, exclude, frequency == null ? null : new Control.RequireFreshSignIn(frequency));
    }

    private static int[] indices(Set<String> ids, Map<String, Integer> locationIndex, String shown, String field) {
        int[] result = new int[ids.size()];
        int n = 0;
        for (String id : ids) {
            Integer index = locationIndex.get(id);
            if (index == null) {
                throw new GlasskeyException(ErrorCode.ACCESS_LOCATION_UNKNOWN, shown + " names the location '" + Untrusted.shown(id)
                        + "', which does not exist.", field);
            }
            result[n++] = index;
        }
        return result;
    }
}
