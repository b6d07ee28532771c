package dev.glasskey.access;

import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.glasskey.access.Decision.Outcome;

/**
 * A second, deliberately plain reading of issue 17's semantics, written for the property tests
 * and sharing nothing with the product's evaluator but the data records: address ranges are
 * compared as big integers, strengths as a ladder, and every policy is judged in full.
 */
final class ReferenceModel {
    private ReferenceModel() {}

    /** Outcome, blocking policies, and the unmet requirements as (policy id, alternatives). */
    record Verdict(Outcome outcome, Set<String> blockedBy, List<List<Object>> required) {}

    record Result(Verdict enforced, Verdict reportOnly, List<String> evaluated, Set<String> applied) {}

    static Result decide(List<Policy> policies, List<NamedLocation> locations, SignInContext c) {
        List<String> evaluated = new ArrayList<>();
        Set<String> applied = new LinkedHashSet<>();
        List<Policy> on = new ArrayList<>();
        List<Policy> report = new ArrayList<>();
        for (Policy p : policies) {
            if (p.state() == PolicyState.OFF) continue;
            evaluated.add(p.id());
            if (applies(p, locations, c)) {
                applied.add(p.id());
                (p.state() == PolicyState.ON ? on : report).add(p);
            }
        }
        return new Result(combine(on, c), combine(report, c), evaluated, applied);
    }

    static Verdict combine(List<Policy> applicable, SignInContext c) {
        Set<String> blocked = new LinkedHashSet<>();
        List<List<Object>> required = new ArrayList<>();
        for (Policy p : applicable) {
            if (p.grant().block()) {
                blocked.add(p.id());
                continue;
            }
            List<Control> controls = p.grant().controls();
            if (p.grant().operator() == GrantControls.Operator.ALL_OF) {
                for (Control control : controls) {
                    if (!met(control, c)) required.add(List.of(p.id(), List.of(control)));
                }
            } else {
                boolean anyMet = false;
                for (Control control : controls) anyMet |= met(control, c);
                if (!controls.isEmpty() && !anyMet) required.add(List.of(p.id(), controls));
            }
            if (p.signInFrequency() != null && Duration.between(c.authTime(), c.now()).compareTo(p.signInFrequency()) > 0) {
                required.add(List.of(p.id(), List.of(new Control.RequireFreshSignIn(p.signInFrequency()))));
            }
        }
        Outcome outcome = !blocked.isEmpty() ? Outcome.BLOCK : !required.isEmpty() ? Outcome.REQUIRE : Outcome.ALLOW;
        return new Verdict(outcome, blocked, required);
    }

    static boolean applies(Policy p, List<NamedLocation> locations, SignInContext c) {
        Assignments a = p.assignments();
        Set<String> roles = new LinkedHashSet<>(c.rolesHeld());
        roles.addAll(c.rolesActive());
        boolean included = a.allPeople() || (a.emergencyAccounts() && c.emergency()) || a.includeAccounts().contains(c.accountId())
                || a.includeRoles().stream().anyMatch(roles::contains);
        boolean excluded = a.excludeAccounts().contains(c.accountId()) || (a.excludeEmergencyAccounts() && c.emergency())
                || a.excludeRoles().stream().anyMatch(roles::contains);
        if (!included || excluded) return false;
        TargetResources r = a.resources();
        boolean targeted = c.resource().kind() == Resource.Kind.CONSOLE ? r.console()
                : r.allClients() || r.clients().contains(c.resource().clientId());
        if (!targeted) return false;
        Conditions when = p.conditions() == null ? Conditions.NONE : p.conditions();
        if (when.network() != null) {
            Conditions.Network n = when.network();
            Set<String> in = new LinkedHashSet<>();
            boolean inTrusted = false;
            for (NamedLocation l : locations) {
                if (contains(l, c.clientAddress())) {
                    in.add(l.id());
                    inTrusted |= l.trusted();
                }
            }
            boolean inc = n.anyNetwork() || (n.includeTrusted() && inTrusted) || n.includeLocations().stream().anyMatch(in::contains);
            boolean exc = (n.excludeTrusted() && inTrusted) || n.excludeLocations().stream().anyMatch(in::contains);
            if (!inc || exc) return false;
        }
        if (when.device() != null && (when.device() == Conditions.Device.COMPLIANT) != c.deviceCompliant()) return false;
        if (when.method() != null) {
            boolean used = when.method().amr().stream().anyMatch(c.amr()::contains) || (c.acr() != null && when.method().acr().contains(c.acr()));
            if (!used) return false;
        }
        return true;
    }

    static boolean met(Control control, SignInContext c) {
        if (control instanceof Control.RequireCompliantDevice) return c.deviceCompliant();
        if (control instanceof Control.RequireFreshSignIn f) {
            Duration excess = Duration.between(c.authTime(), c.now()).minus(f.maxAge());
            return excess.isNegative() || excess.isZero();
        }
        AuthenticationStrength s = ((Control.RequireStrength) control).strength();
        // the ladder: 0 nothing multi-factor, 1 any MFA, 2 a passkey, 3 a device-bound key
        int level = !c.amr().contains("mfa") ? 0 : c.amr().contains("hwk") ? 3 : c.amr().contains("swk") ? 2 : 1;
        return switch (s.kind()) {
            case ANY_MFA -> level >= 1;
            case PHISHING_RESISTANT -> level >= 2;
            case HARDWARE_KEY -> level >= 3;
            case ALLOWED_MODELS -> level >= 3 && c.attestedModel() != null && s.models().contains(c.attestedModel());
        };
    }

    /** Range membership by arithmetic on the address bits; an IPv4-mapped IPv6 address is its IPv4 address. */
    static boolean contains(NamedLocation l, InetAddress address) {
        if (address == null) return false;
        byte[] a = address.getAddress();
        for (String cidr : l.cidrs()) {
            String[] parts = cidr.split("/");
            byte[] net = AccessFixtures.ip(parts[0]).getAddress();
            if (net.length != a.length) continue;
            int bits = net.length * 8;
            int prefix = parts.length == 1 ? bits : Integer.parseInt(parts[1]);
            BigInteger mask = prefix == 0 ? BigInteger.ZERO
                    : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(bits - prefix).shiftLeft(bits - prefix);
            if (new BigInteger(1, net).and(mask).equals(new BigInteger(1, a).and(mask))) return true;
        }
        return false;
    }
}
