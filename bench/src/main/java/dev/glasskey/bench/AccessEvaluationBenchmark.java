package dev.glasskey.bench;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.glasskey.access.AccessEvaluator;
import dev.glasskey.access.Assignments;
import dev.glasskey.access.AuthenticationStrength;
import dev.glasskey.access.Conditions;
import dev.glasskey.access.Control;
import dev.glasskey.access.Decision;
import dev.glasskey.access.GrantControls;
import dev.glasskey.access.NamedLocation;
import dev.glasskey.access.Policy;
import dev.glasskey.access.PolicySet;
import dev.glasskey.access.PolicyState;
import dev.glasskey.access.Resource;
import dev.glasskey.access.SignInContext;
import dev.glasskey.access.TargetResources;

/**
 * Issue 17, Performance: one Conditional Access evaluation of 100 policies for one sign-in
 * context (target at most 20 µs). The set is shaped like a real tenant's: 10 named locations of
 * three ranges each (IPv4 and IPv6, some trusted), policies on all people, on roles, on named
 * accounts and on clients, a quarter with a network condition, some with device and method
 * conditions, blocks, strengths (all-of / one-of), compliant devices, sign-in frequencies, a
 * fifth report-only, a few off. The context is a person holding two roles, signing in to the
 * console with a hardware key from an address in one named location: {@code applies} is the
 * share of policies that apply to it (reported by the set-up). {@code address=none} is the
 * emergency scenario's address in no named location, as the lockout guard evaluates it.
 *
 * <pre>java -cp "$CP" org.openjdk.jmh.Main AccessEvaluationBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AccessEvaluationBenchmark {
    @Param({"100"})
    public int policies;

    @Param({"ipv4", "ipv6", "none"})
    public String address;

    private PolicySet set;
    private SignInContext context;

    @Setup
    public void setUp() throws Exception {
        List<NamedLocation> locations = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            locations.add(new NamedLocation("loc" + i, "Location " + i,
                    List.of("10." + i + ".0.0/16", "172.16." + (i * 16) + ".0/20", "2001:db8:" + Integer.toHexString(i) + "::/48"), i % 3 == 0));
        }
        UUID model = UUID.fromString("0a0a0a0a-1111-4111-8111-000000000001");
        List<String> roles = List.of("global-admin", "auditor", "key-custodian", "vault-admin", "k8s-cluster-admin", "people-admin");
        List<Policy> list = new ArrayList<>();
        for (int i = 0; i < policies; i++) {
            TargetResources resources = switch (i % 4) {
                case 0 -> TargetResources.consoleOnly();
                case 1 -> new TargetResources(false, true, Set.of());
                case 2 -> new TargetResources(true, false, Set.of("vault", "client-" + i));
                default -> TargetResources.everything();
            };
            Assignments who = switch (i % 5) {
                case 0 -> Assignments.allPeople(resources).excluding(Set.of("bg1", "bg2"));
                case 1 -> new Assignments(false, false, Set.of(), Set.of(roles.get(i % roles.size())), true, Set.of(), Set.of(), resources);
                case 2 -> new Assignments(false, false, Set.of("person-" + i, "person-" + (i + 1)), Set.of(), false, Set.of(), Set.of(), resources);
                case 3 -> new Assignments(true, false, Set.of(), Set.of(), true, Set.of(), Set.of("auditor"), resources);
                default -> new Assignments(false, true, Set.of(), Set.of(roles.get((i + 1) % roles.size())), false, Set.of("person-" + i),
                        Set.of(), resources);
            };
            Conditions.Network network = i % 4 == 0 ? (i % 8 == 0 ? Conditions.Network.untrusted()
                    : new Conditions.Network(false, false, Set.of("loc" + (i % 10), "loc" + ((i + 3) % 10)), false, Set.of())) : null;
            Conditions.Device device = i % 7 == 0 ? Conditions.Device.NOT_COMPLIANT : null;
            Conditions.Method method = i % 9 == 0 ? new Conditions.Method(Set.of("pwd", "otp"), Set.of()) : null;
            GrantControls grant = switch (i % 6) {
                case 0 -> GrantControls.blockAccess();
                case 1 -> GrantControls.allOf(new Control.RequireStrength(AuthenticationStrength.PHISHING_RESISTANT));
                case 2 -> GrantControls.oneOf(Control.COMPLIANT_DEVICE, new Control.RequireStrength(AuthenticationStrength.HARDWARE_KEY));
                case 3 -> GrantControls.allOf(new Control.RequireStrength(AuthenticationStrength.allowedModels(Set.of(model))),
                        Control.COMPLIANT_DEVICE);
                case 4 -> GrantControls.allOf(new Control.RequireStrength(AuthenticationStrength.ANY_MFA));
                default -> GrantControls.none();
            };
            Duration frequency = i % 6 == 5 || i % 10 == 3 ? Duration.ofHours(8 + i % 4) : null;
            PolicyState state = i % 5 == 4 ? PolicyState.REPORT_ONLY : i % 17 == 16 ? PolicyState.OFF : PolicyState.ON;
            list.add(new Policy("policy-" + i, "Policy " + i, state, who, new Conditions(network, device, method), grant, frequency));
        }
        set = PolicySet.of(list, locations);
        InetAddress client = switch (address) {
            case "ipv4" -> InetAddress.getByName("10.3.20.7");
            case "ipv6" -> InetAddress.getByName("2001:db8:3::1234");
            default -> null;
        };
        Instant now = Instant.parse("2026-12-07T09:00:00Z");
        context = new SignInContext("person-7", false, Set.of("vault-admin", "auditor"), Set.of("global-admin"), Resource.CONSOLE,
                client, false, Set.of("hwk", "user", "mfa"), "phrh", model, now.minus(Duration.ofMinutes(20)), now);
        Decision d = AccessEvaluator.evaluate(set, context);
        long applied = d.policies().stream().filter(Decision.PolicyResult::applied).count();
        System.err.println("access bench: " + d.policies().size() + " policies evaluated (not off), " + applied
                + " apply; enforced " + d.enforced().outcome() + ", report-only " + d.reportOnly().outcome());
    }

    @Benchmark
    public Decision evaluate() {
        return AccessEvaluator.evaluate(set, context);
    }
}
