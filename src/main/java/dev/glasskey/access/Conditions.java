package dev.glasskey.access;

import java.util.Set;

/**
 * Issue 17 §1, the conditions under which a policy applies. Each is either not configured
 * ({@code null}: it matches every sign-in) or must match; a policy applies only when all of its
 * configured conditions match (as in Entra).
 */
public record Conditions(Network network, Device device, Method method) {
    public static final Conditions NONE = new Conditions(null, null, null);

    /**
     * The network the client address is in. Included: any network, all trusted named locations, or
     * named ones; then excluded: all trusted named locations, or named ones. "Untrusted networks"
     * is {@code anyNetwork} minus {@code excludeTrusted}; an address in no named location is in no
     * trusted one.
     */
    public record Network(boolean anyNetwork, boolean includeTrusted, Set<String> includeLocations,
                          boolean excludeTrusted, Set<String> excludeLocations) {
        public Network {
            includeLocations = Set.copyOf(includeLocations);
            excludeLocations = Set.copyOf(excludeLocations);
        }

        /** Every address except those in a trusted named location. */
        public static Network untrusted() {
            return new Network(true, false, Set.of(), true, Set.of());
        }

        boolean includesNothing() { return !anyNetwork && !includeTrusted && includeLocations.isEmpty(); }
    }

    /**
     * Whether the device is compliant: it presented a client TLS certificate chaining to a
     * configured device CA (issue 17 §1). The caller judges the certificate; the evaluator sees
     * only the verdict.
     */
    public enum Device { COMPLIANT, NOT_COMPLIANT }

    /**
     * The authentication method used, as the sign-in states it (issue 15 §4): the policy applies
     * when the sign-in's {@code amr} contains any of {@code amr} (RFC 8176 values such as
     * {@code pwd}, {@code otp}, {@code swk}, {@code hwk}) or its {@code acr} is one of {@code acr}.
     */
    public record Method(Set<String> amr, Set<String> acr) {
        public Method {
            amr = Set.copyOf(amr);
            acr = Set.copyOf(acr);
        }

        boolean isEmpty() { return amr.isEmpty() && acr.isEmpty(); }
    }
}
