package dev.glasskey.access;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import static dev.glasskey.access.AccessFixtures.MODEL_X;
import static dev.glasskey.access.AccessFixtures.MODEL_Y;
import static dev.glasskey.access.AccessFixtures.NOW;

/** Generators over a small world, so that random policies and contexts meet often. */
final class RandomAccess {
    static final List<String> ACCOUNTS = List.of("a0", "a1", "e0", "e1", "e2", "e3");
    static final List<String> ROLES = List.of("global-admin", "auditor", "break-glass");
    static final List<String> CLIENTS = List.of("vault", "k8s");
    static final List<String> LOCATION_IDS = List.of("office", "vpn", "branch");
    static final List<String> CIDRS = List.of("10.0.0.0/8", "10.1.0.0/16", "192.0.2.0/24", "192.0.2.128/25", "2001:db8::/32",
            "2001:db8:1::/48", "198.51.100.7", "::/0", "0.0.0.0/0", "203.0.113.0/30");
    static final List<String> ADDRESSES = List.of("10.1.2.3", "10.200.0.1", "192.0.2.1", "192.0.2.200", "2001:db8:1::9",
            "2001:db8:2::9", "198.51.100.7", "203.0.113.2", "203.0.113.9", "::ffff:10.1.0.1", "fe80::1");
    static final List<AuthenticationStrength> STRENGTHS = List.of(AuthenticationStrength.ANY_MFA,
            AuthenticationStrength.PHISHING_RESISTANT, AuthenticationStrength.HARDWARE_KEY,
            AuthenticationStrength.allowedModels(Set.of(MODEL_X)), AuthenticationStrength.allowedModels(Set.of(MODEL_X, MODEL_Y)));
    static final List<Duration> FREQUENCIES = List.of(Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(8));

    /** Sign-in methods: amr, acr and attested model. */
    record Method(Set<String> amr, String acr, UUID model) {}

    static final List<Method> METHODS = List.of(
            new Method(Set.of("pwd", "otp", "mfa"), "mfa", null),
            new Method(Set.of("swk", "user", "mfa"), "phr", null),
            new Method(Set.of("hwk", "user", "mfa"), "phr", null),
            new Method(Set.of("hwk", "user", "mfa"), "phrh", MODEL_X),
            new Method(Set.of("hwk", "user", "mfa"), "phrh", MODEL_Y),
            new Method(Set.of("hwk", "user"), "phr", MODEL_X));

    private RandomAccess() {}

    static <T> Arbitrary<Set<T>> subset(List<T> values) {
        return Arbitraries.of(values).set().ofMaxSize(values.size());
    }

    static Arbitrary<List<NamedLocation>> locations() {
        Arbitrary<List<String>> cidrs = Arbitraries.of(CIDRS).list().ofMinSize(1).ofMaxSize(3);
        return Combinators.combine(cidrs, cidrs, cidrs, Arbitraries.of(true, false).list().ofSize(3))
                .as((c0, c1, c2, trusted) -> List.of(
                        new NamedLocation("office", "Office", c0, trusted.get(0)),
                        new NamedLocation("vpn", "VPN", c1, trusted.get(1)),
                        new NamedLocation("branch", "Branch", c2, trusted.get(2))));
    }

    static Arbitrary<Assignments> assignments() {
        Arbitrary<TargetResources> resources = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false), subset(CLIENTS))
                .as((console, all, clients) -> !console && !all && clients.isEmpty()
                        ? TargetResources.consoleOnly() : new TargetResources(console, all, clients));
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false), subset(ACCOUNTS), subset(ROLES),
                Arbitraries.of(true, false), subset(ACCOUNTS).map(s -> s.size() > 2 ? Set.<String>of() : s),
                subset(ROLES).map(s -> s.size() > 1 ? Set.<String>of() : s), resources)
                .as((all, emergency, accounts, roles, exEmergency, exAccounts, exRoles, res) -> {
                    boolean nobody = !all && !emergency && accounts.isEmpty() && roles.isEmpty();
                    return new Assignments(all || nobody, emergency, accounts, roles, exEmergency && !nobody, exAccounts, exRoles, res);
                });
    }

    static Arbitrary<Conditions> conditions() {
        Arbitrary<Conditions.Network> network = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false),
                subset(LOCATION_IDS), Arbitraries.of(true, false), subset(LOCATION_IDS))
                .as((any, trusted, in, exTrusted, ex) -> new Conditions.Network(any || (!trusted && in.isEmpty()), trusted, in, exTrusted, ex));
        Arbitrary<Conditions.Method> method = Combinators.combine(subset(List.of("pwd", "otp", "swk", "hwk")), subset(List.of("mfa", "phr", "phrh")))
                .as((amr, acr) -> amr.isEmpty() && acr.isEmpty() ? new Conditions.Method(Set.of("pwd"), Set.of()) : new Conditions.Method(amr, acr));
        return Combinators.combine(network.injectNull(0.5), Arbitraries.of(Conditions.Device.class).injectNull(0.6), method.injectNull(0.7))
                .as(Conditions::new);
    }

    static Arbitrary<Control> control() {
        return Arbitraries.oneOf(Arbitraries.of(STRENGTHS).map(Control.RequireStrength::new), Arbitraries.just(Control.COMPLIANT_DEVICE));
    }

    static Arbitrary<GrantControls> grant() {
        Arbitrary<List<Control>> controls = control().list().ofMinSize(1).ofMaxSize(3).uniqueElements();
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(GrantControls.blockAccess())),
                net.jqwik.api.Tuple.of(3, controls.map(c -> new GrantControls(false, GrantControls.Operator.ALL_OF, c))),
                net.jqwik.api.Tuple.of(2, controls.map(c -> new GrantControls(false, GrantControls.Operator.ONE_OF, c))),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(GrantControls.none())));
    }

    static Arbitrary<Policy> policy(String id) {
        return Combinators.combine(Arbitraries.of(PolicyState.class), assignments(), conditions(), grant(),
                Arbitraries.of(FREQUENCIES).injectNull(0.7))
                .as((state, who, when, grant, frequency) -> new Policy(id, "Policy " + id, state, who, when, grant,
                        grant.controls().isEmpty() && !grant.block() && frequency == null ? Duration.ofHours(1) : frequency));
    }

    static Arbitrary<List<Policy>> policies(int max) {
        return Arbitraries.integers().between(0, max).flatMap(n -> {
            if (n == 0) return Arbitraries.just(List.<Policy>of());
            List<Arbitrary<Policy>> each = new ArrayList<>();
            for (int i = 0; i < n; i++) each.add(policy("p" + i));
            return Combinators.combine(each).as(List::copyOf);
        });
    }

    static Arbitrary<SignInContext> context() {
        Arbitrary<Resource> resource = Arbitraries.oneOf(Arbitraries.just(Resource.CONSOLE), Arbitraries.of(CLIENTS).map(Resource::client),
                Arbitraries.just(Resource.client("other")));
        return Combinators.combine(Arbitraries.of(ACCOUNTS), subset(ROLES), subset(ROLES), resource,
                Arbitraries.of(ADDRESSES).injectNull(0.15), Arbitraries.of(true, false), Arbitraries.of(METHODS),
                Arbitraries.of(0L, 30L, 60L, 61L, 600L))
                .as((account, held, active, res, address, compliant, method, ageMinutes) -> new SignInContext(account,
                        account.startsWith("e"), held, active, res, address == null ? null : AccessFixtures.ip(address), compliant,
                        method.amr(), method.acr(), method.model(), NOW.minus(Duration.ofMinutes(ageMinutes)), NOW));
    }
}
