package dev.glasskey.access;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.security.util.matcher.InetAddressMatcher;
import org.springframework.security.util.matcher.InetAddressMatchers;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Untrusted;

/**
 * A validated set of policies and the named locations they refer to, compiled once for the
 * {@link AccessEvaluator}: CIDR ranges become Spring Security's IP range matchers and each policy's network
 * condition refers to locations by index. Immutable; build a new one for every change (the
 * lockout guard judges the proposed set before it is stored).
 *
 * <p>Every refusal is a {@link GlasskeyException} with an {@code access.*} code naming the field.
 */
public final class PolicySet {
    /** Sign-in frequency beyond a year is a mistake, not a policy (Entra caps it at 365 days too). */
    static final Duration MAX_SIGN_IN_FREQUENCY = Duration.ofDays(365);
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern PREFIX = Pattern.compile("0|[1-9][0-9]{0,2}");

    public static final PolicySet EMPTY = of(List.of(), List.of());

    private final List<Policy> policies;
    private final List<NamedLocation> locations;
    private final InetAddressMatcher[][] matchers;
    /** Per range, the length in bytes of its addresses: 4 (IPv4) or 16 (IPv6). */
    private final int[][] families;
    private final boolean[] trusted;
    private final Compiled[] compiled;

    /** What evaluation needs of one policy, resolved at build time. */
    record Compiled(int[] includeLocations, int[] excludeLocations, Control.RequireFreshSignIn freshSignIn) {}

    private PolicySet(List<Policy> policies, List<NamedLocation> locations, InetAddressMatcher[][] matchers, int[][] families,
                      boolean[] trusted, Compiled[] compiled) {
        this.policies = policies;
        this.locations = locations;
        this.matchers = matchers;
        this.families = families;
        this.trusted = trusted;
        this.compiled = compiled;
    }

    /** Validates and compiles; throws {@code access.*} refusals naming the first problem found. */
    public static PolicySet of(List<Policy> policies, List<NamedLocation> locations) {
        List<Policy> policyList = List.copyOf(policies);
        List<NamedLocation> locationList = List.copyOf(locations);
        Map<String, Integer> locationIndex = new HashMap<>();
        InetAddressMatcher[][] matchers = new InetAddressMatcher[locationList.size()][];
        int[][] families = new int[locationList.size()][];
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
            matchers[i] = new InetAddressMatcher[location.cidrs().size()];
            families[i] = new int[location.cidrs().size()];
            for (int j = 0; j < location.cidrs().size(); j++) {
                String range = location.cidrs().get(j);
                matchers[i][j] = cidr(range, field + ".cidrs[" + j + "]");
                families[i][j] = family(range);
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
        return new PolicySet(policyList, locationList, matchers, families, trusted, compiled);
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
        boolean[] in = new boolean[matchers.length];
        if (address == null) {
            return in;
        }
        int family = address.getAddress().length;
        for (int i = 0; i < matchers.length; i++) {
            for (int j = 0; j < matchers[i].length; j++) {
                // Spring Security 7.1's matcher compares bytes without checking the address family:
                // ::/0 matches every IPv4 address and 10.0.0.0/8 the IPv6 addresses starting 0a00::/8
                // (checked with IpAddressMatcher 7.1.2). Ranges match addresses of their own family only.
                if (families[i][j] == family && matchers[i][j].matches(address)) {
                    in[i] = true;
                    break;
                }
            }
        }
        return in;
    }

    boolean trusted(int location) { return trusted[location]; }

    String locationName(int location) { return locations.get(location).name(); }

    /**
     * Parses one CIDR range (or a single address) — IPv4 {@code 198.51.100.0/24} or IPv6
     * {@code 2001:db8::/32} — into Spring Security's matcher, {@code InetAddressMatchers.fromIpAddress}
     * (what {@code IpAddressMatcher} delegates to since Spring Security 7.1; this one matches a parsed
     * {@code InetAddress} and needs no servlet request). Anything that is not an address literal is
     * refused before the matcher sees it: the matcher goes through {@code InetAddress.getByName},
     * which would resolve a host name (or a dotted quad out of range) through DNS, and Spring's own
     * host-name check lets such a quad through.
     */
    static InetAddressMatcher cidr(String text, String field) {
        if (text == null) {
            throw new GlasskeyException(ErrorCode.ACCESS_LOCATION_INVALID, "A CIDR range is missing.", field);
        }
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        String prefix = slash < 0 ? null : text.substring(slash + 1);
        boolean v4 = IPV4.matcher(address).matches();
        boolean v6 = !v4 && address.indexOf(':') >= 0 && IPV6.matcher(address).matches();
        boolean prefixOk = prefix == null || (PREFIX.matcher(prefix).matches() && Integer.parseInt(prefix) <= (v4 ? 32 : 128));
        if ((v4 || v6) && prefixOk) {
            try {
                return InetAddressMatchers.fromIpAddress(text);
            } catch (IllegalArgumentException e) {
                // a malformed IPv6 literal: InetAddress refuses it without any lookup (it contains ':')
            }
        }
        throw new GlasskeyException(ErrorCode.ACCESS_LOCATION_INVALID, "'" + Untrusted.shown(text)
                + "' is not a CIDR range: an IPv4 or IPv6 address, optionally with /prefix (0-32 or 0-128); host names are not accepted.",
                field);
    }

    /** 4 or 16: the byte length of a validated range's address (an IPv4-mapped IPv6 literal is IPv4, as Java parses it). */
    private static int family(String range) {
        int slash = range.indexOf('/');
        try {
            return InetAddress.getByName(slash < 0 ? range : range.substring(0, slash)).getAddress().length; // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("validated range did not parse: " + range, e);
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
