package dev.glasskey.access;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.glasskey.access.Decision.Condition;
import dev.glasskey.access.Decision.Outcome;

import static dev.glasskey.access.AccessFixtures.KEY_AMR;
import static dev.glasskey.access.AccessFixtures.MODEL_X;
import static dev.glasskey.access.AccessFixtures.MODEL_Y;
import static dev.glasskey.access.AccessFixtures.PASSWORD_OTP_AMR;
import static dev.glasskey.access.AccessFixtures.SYNCED_AMR;
import static dev.glasskey.access.AccessFixtures.allPeopleConsole;
import static dev.glasskey.access.AccessFixtures.at;
import static dev.glasskey.access.AccessFixtures.include;
import static dev.glasskey.access.AccessFixtures.method;
import static dev.glasskey.access.AccessFixtures.person;
import static dev.glasskey.access.AccessFixtures.policy;
import static dev.glasskey.access.AccessFixtures.require;
import static dev.glasskey.access.AccessFixtures.roles;
import static dev.glasskey.access.AccessFixtures.with;
import static org.assertj.core.api.Assertions.assertThat;

/** The evaluator, one condition and one control at a time (issue 17 §1–3). */
class AccessEvaluatorTest {
    static final NamedLocation OFFICE = new NamedLocation("office", "Office", List.of("198.51.100.0/24", "2001:db8:1::/48"), true);
    static final NamedLocation CAFE = new NamedLocation("cafe", "Café", List.of("192.0.2.0/28"), false);
    static final GrantControls BLOCK = GrantControls.blockAccess();

    static Decision decide(List<Policy> policies, SignInContext context) {
        return AccessEvaluator.evaluate(PolicySet.of(policies, List.of(OFFICE, CAFE)), context);
    }

    static Outcome outcome(Policy policy, SignInContext context) {
        return decide(List.of(policy), context).enforced().outcome();
    }

    @Test
    void noPolicyAllows() {
        Decision d = decide(List.of(), person());
        assertThat(d.enforced()).isEqualTo(Decision.Verdict.ALLOWED);
        assertThat(d.reportOnly()).isEqualTo(Decision.Verdict.ALLOWED);
        assertThat(d.policies()).isEmpty();
    }

    // --- assignments: people ---

    @Test
    void allPeopleIncludesEmergencyAccounts() {
        Policy block = allPeopleConsole("p", null, BLOCK);
        assertThat(outcome(block, person())).isEqualTo(Outcome.BLOCK);
        assertThat(outcome(block, with(person(), "bg1", true))).isEqualTo(Outcome.BLOCK);
        assertThat(decide(List.of(block), person()).policies().get(0).conditions().get(0).why()).isEqualTo("all people are included");
    }

    @Test
    void emergencyAccountsAsAGroup() {
        Policy block = policy("p", new Assignments(false, true, Set.of(), Set.of(), false, Set.of(), Set.of(),
                TargetResources.everything()), null, BLOCK);
        assertThat(outcome(block, with(person(), "bg1", true))).isEqualTo(Outcome.BLOCK);
        assertThat(outcome(block, person())).isEqualTo(Outcome.ALLOW);
    }

    @Test
    void namedAccountsAndRolesHeldOrActive() {
        Policy byAccount = policy("p", include(Set.of("alice"), Set.of()), null, BLOCK);
        assertThat(outcome(byAccount, person())).isEqualTo(Outcome.BLOCK);
        assertThat(outcome(byAccount, with(person(), "bob", false))).isEqualTo(Outcome.ALLOW);
        Policy byRole = policy("p", include(Set.of(), Set.of("global-admin")), null, BLOCK);
        assertThat(outcome(byRole, person())).isEqualTo(Outcome.ALLOW);
        assertThat(outcome(byRole, roles(person(), Set.of("global-admin"), Set.of()))).isEqualTo(Outcome.BLOCK);
        assertThat(outcome(byRole, roles(person(), Set.of("auditor"), Set.of("global-admin")))).isEqualTo(Outcome.BLOCK);
        assertThat(decide(List.of(byRole), roles(person(), Set.of(), Set.of("global-admin"))).policies().get(0).conditions().get(0).why())
                .isEqualTo("holds the included role 'global-admin'");
    }

    @Test
    void exclusionsWinOverInclusions() {
        Assignments base = Assignments.allPeople(TargetResources.everything());
        Policy excludeAccount = policy("p", base.excluding(Set.of("alice")), null, BLOCK);
        assertThat(outcome(excludeAccount, person())).isEqualTo(Outcome.ALLOW);
        assertThat(decide(List.of(excludeAccount), person()).policies().get(0).applied()).isFalse();
        Policy excludeEmergency = policy("p", new Assignments(true, true, Set.of(), Set.of(), true, Set.of(), Set.of(),
                TargetResources.everything()), null, BLOCK);
        assertThat(outcome(excludeEmergency, with(person(), "bg1", true))).isEqualTo(Outcome.ALLOW);
        assertThat(outcome(excludeEmergency, person())).isEqualTo(Outcome.BLOCK);
        Policy excludeRole = policy("p", new Assignments(false, false, Set.of("alice"), Set.of(), false, Set.of(), Set.of("break-glass"),
                TargetResources.everything()), null, BLOCK);
        assertThat(outcome(excludeRole, roles(person(), Set.of(), Set.of("break-glass")))).isEqualTo(Outcome.ALLOW);
        assertThat(outcome(excludeRole, person())).isEqualTo(Outcome.BLOCK);
    }

    // --- assignments: resources ---

    @Test
    void targetResources() {
        Policy console = allPeopleConsole("p", null, BLOCK);
        assertThat(outcome(console, at(person(), Resource.client("vault"), "203.0.113.7", false))).isEqualTo(Outcome.ALLOW);
        Policy allClients = policy("p", Assignments.allPeople(new TargetResources(false, true, Set.of())), null, BLOCK);
        assertThat(outcome(allClients, at(person(), Resource.client("vault"), "203.0.113.7", false))).isEqualTo(Outcome.BLOCK);
        assertThat(outcome(allClients, person())).isEqualTo(Outcome.ALLOW);
        Policy named = policy("p", Assignments.allPeople(new TargetResources(false, false, Set.of("vault"))), null, BLOCK);
        assertThat(outcome(named, at(person(), Resource.client("vault"), "203.0.113.7", false))).isEqualTo(Outcome.BLOCK);
        assertThat(outcome(named, at(person(), Resource.client("k8s"), "203.0.113.7", false))).isEqualTo(Outcome.ALLOW);
        assertThat(outcome(named, person())).isEqualTo(Outcome.ALLOW);
    }

    // --- conditions: network ---

    @Test
    void blockUntrustedNetworks() {
        Policy p = allPeopleConsole("p", new Conditions(Conditions.Network.untrusted(), null, null), BLOCK);
        assertThat(outcome(p, at(person(), Resource.CONSOLE, "198.51.100.20", false))).isEqualTo(Outcome.ALLOW);
        assertThat(outcome(p, at(person(), Resource.CONSOLE, "2001:db8:1:ffff::5", false))).isEqualTo(Outcome.ALLOW);
        assertThat(outcome(p, at(person(), Resource.CONSOLE, "2001:db8:2::5", false))).isEqualTo(Outcome.BLOCK);
        assertThat(outcome(p, at(person(), Resource.CONSOLE, "192.0.2.3", false))).isEqualTo(Outcome.BLOCK); // untrusted named location
        assertThat(outcome(p, at(person(), Resource.CONSOLE, "203.0.113.7", false))).isEqualTo(Outcome.BLOCK); // no named location
        assertThat(outcome(p, at(person(), Resource.CONSOLE, null, false))).isEqualTo(Outcome.BLOCK);
        Decision d = decide(List.of(p), at(person(), Resource.CONSOLE, "198.51.100.20", false));
        assertThat(d.policies().get(0).conditions().get(2)).isEqualTo(new Decision.ConditionResult(Condition.NETWORK, false,
                "the address is in the trusted location 'Office', and trusted locations are excluded"));
    }

    @Test
    void namedLocationsIncludedAndExcluded() {
        Policy cafeOnly = allPeopleConsole("p", new Conditions(new Conditions.Network(false, false, Set.of("cafe"), false, Set.of()),
                null, null), BLOCK);
        assertThat(outcome(cafeOnly, at(person(), Resource.CONSOLE, "192.0.2.15", false))).isEqualTo(Outcome.BLOCK);
        assertThat(outcome(cafeOnly, at(person(), Resource.CONSOLE, "192.0.2.16", false))).isEqualTo(Outcome.ALLOW);
        assertThat(outcome(cafeOnly, at(person(), Resource.CONSOLE, "::ffff:192.0.2.1", false))).isEqualTo(Outcome.BLOCK);
        Policy trustedOnly = allPeopleConsole("p", new Conditions(new Conditions.Network(false, true, Set.of(), false, Set.of()),
                null, null), BLOCK);
        assertThat(outcome(trustedOnly, at(person(), Resource.CONSOLE, "198.51.100.1", false))).isEqualTo(Outcome.BLOCK);
        assertThat(outcome(trustedOnly, at(person(), Resource.CONSOLE, "192.0.2.1", false))).isEqualTo(Outcome.ALLOW);
        Policy anyButCafe = allPeopleConsole("p", new Conditions(new Conditions.Network(true, false, Set.of(), false, Set.of("cafe")),
                null, null), BLOCK);
        assertThat(outcome(anyButCafe, at(person(), Resource.CONSOLE, "192.0.2.1", false))).isEqualTo(Outcome.ALLOW);
        assertThat(outcome(anyButCafe, at(person(), Resource.CONSOLE, "10.1.1.1", false))).isEqualTo(Outcome.BLOCK);
    }

    @Test
    void rangesMatchTheirOwnAddressFamilyOnly() {
        NamedLocation v6 = new NamedLocation("v6", "All IPv6", List.of("::/0", "2001:db8:1::/48"), true);
        NamedLocation v4 = new NamedLocation("v4", "Ten", List.of("10.0.0.0/8", "0.0.0.0/0"), false);
        PolicySet set = PolicySet.of(List.of(), List.of(v6, v4));
        assertThat(set.locate(AccessFixtures.ip("192.0.2.1"))).containsExactly(false, true);
        assertThat(set.locate(AccessFixtures.ip("a00::1"))).containsExactly(true, false);
        assertThat(set.locate(AccessFixtures.ip("::ffff:10.0.0.1"))).containsExactly(false, true);
        assertThat(set.locate(null)).containsExactly(false, false);
    }

    // --- conditions: device and method ---

    @Test
    void deviceCondition() {
        Policy unmanaged = allPeopleConsole("p", new Conditions(null, Conditions.Device.NOT_COMPLIANT, null), BLOCK);
        assertThat(outcome(unmanaged, person())).isEqualTo(Outcome.BLOCK);
        assertThat(outcome(unmanaged, at(person(), Resource.CONSOLE, "203.0.113.7", true))).isEqualTo(Outcome.ALLOW);
        Policy managed = allPeopleConsole("p", new Conditions(null, Conditions.Device.COMPLIANT, null), BLOCK);
        assertThat(outcome(managed, person())).isEqualTo(Outcome.ALLOW);
        assertThat(outcome(managed, at(person(), Resource.CONSOLE, "203.0.113.7", true))).isEqualTo(Outcome.BLOCK);
    }

    @Test
    void methodCondition() {
        Policy password = allPeopleConsole("p", new Conditions(null, null, new Conditions.Method(Set.of("pwd"), Set.of())), BLOCK);
        assertThat(outcome(password, method(person(), PASSWORD_OTP_AMR, "mfa", null, Duration.ZERO))).isEqualTo(Outcome.BLOCK);
        assertThat(outcome(password, person())).isEqualTo(Outcome.ALLOW);
        Policy byAcr = allPeopleConsole("p", new Conditions(null, null, new Conditions.Method(Set.of(), Set.of("phr"))), BLOCK);
        assertThat(outcome(byAcr, method(person(), SYNCED_AMR, "phr", null, Duration.ZERO))).isEqualTo(Outcome.BLOCK);
        assertThat(outcome(byAcr, person())).isEqualTo(Outcome.ALLOW);
    }

    @Test
    void allConfiguredConditionsMustMatch() {
        Policy p = allPeopleConsole("p", new Conditions(Conditions.Network.untrusted(), Conditions.Device.NOT_COMPLIANT,
                new Conditions.Method(Set.of("pwd"), Set.of())), BLOCK);
        SignInContext password = method(person(), PASSWORD_OTP_AMR, "mfa", null, Duration.ZERO);
        assertThat(outcome(p, password)).isEqualTo(Outcome.BLOCK);
        assertThat(outcome(p, at(password, Resource.CONSOLE, "198.51.100.9", false))).isEqualTo(Outcome.ALLOW);
        assertThat(outcome(p, at(password, Resource.CONSOLE, "203.0.113.7", true))).isEqualTo(Outcome.ALLOW);
        assertThat(outcome(p, person())).isEqualTo(Outcome.ALLOW);
        assertThat(decide(List.of(p), person()).policies().get(0).conditions()).extracting(Decision.ConditionResult::condition)
                .containsExactly(Condition.PEOPLE, Condition.RESOURCE, Condition.NETWORK, Condition.DEVICE, Condition.METHOD);
    }

    // --- grant controls: strengths ---

    @Test
    void strengthLadder() {
        SignInContext passwordOtp = method(person(), PASSWORD_OTP_AMR, "mfa", null, Duration.ZERO);
        SignInContext synced = method(person(), SYNCED_AMR, "phr", null, Duration.ZERO);
        SignInContext keyUnattested = method(person(), KEY_AMR, "phr", null, Duration.ZERO);
        SignInContext keyX = person();
        SignInContext keyY = method(person(), KEY_AMR, "phrh", MODEL_Y, Duration.ZERO);
        SignInContext noUv = method(person(), Set.of("hwk", "user"), "phr", MODEL_X, Duration.ZERO);
        AuthenticationStrength onlyX = AuthenticationStrength.allowedModels(Set.of(MODEL_X));
        record Row(AuthenticationStrength s, boolean pwd, boolean swk, boolean hwk, boolean x, boolean y, boolean noUv) {}
        for (Row row : List.of(
                new Row(AuthenticationStrength.ANY_MFA, true, true, true, true, true, false),
                new Row(AuthenticationStrength.PHISHING_RESISTANT, false, true, true, true, true, false),
                new Row(AuthenticationStrength.HARDWARE_KEY, false, false, true, true, true, false),
                new Row(onlyX, false, false, false, true, false, false))) {
            Policy p = allPeopleConsole("p", null, require(row.s()));
            assertThat(outcome(p, passwordOtp)).as("%s, password + otp", row.s()).isEqualTo(row.pwd() ? Outcome.ALLOW : Outcome.REQUIRE);
            assertThat(outcome(p, synced)).as("%s, synced passkey", row.s()).isEqualTo(row.swk() ? Outcome.ALLOW : Outcome.REQUIRE);
            assertThat(outcome(p, keyUnattested)).as("%s, unattested key", row.s()).isEqualTo(row.hwk() ? Outcome.ALLOW : Outcome.REQUIRE);
            assertThat(outcome(p, keyX)).as("%s, key X", row.s()).isEqualTo(row.x() ? Outcome.ALLOW : Outcome.REQUIRE);
            assertThat(outcome(p, keyY)).as("%s, key Y", row.s()).isEqualTo(row.y() ? Outcome.ALLOW : Outcome.REQUIRE);
            assertThat(outcome(p, noUv)).as("%s, key without user verification", row.s()).isEqualTo(row.noUv() ? Outcome.ALLOW : Outcome.REQUIRE);
        }
        Decision d = decide(List.of(allPeopleConsole("p", null, require(AuthenticationStrength.HARDWARE_KEY))), synced);
        assertThat(d.enforced().required()).containsExactly(new Decision.Unmet("p",
                List.of(new Control.RequireStrength(AuthenticationStrength.HARDWARE_KEY))));
    }

    // --- grant controls: compliant device, all-of / one-of ---

    @Test
    void compliantDeviceAndOperators() {
        Control strong = new Control.RequireStrength(AuthenticationStrength.HARDWARE_KEY);
        SignInContext synced = method(person(), SYNCED_AMR, "phr", null, Duration.ZERO);
        SignInContext syncedCompliant = at(synced, Resource.CONSOLE, "203.0.113.7", true);
        Policy device = allPeopleConsole("p", null, GrantControls.allOf(Control.COMPLIANT_DEVICE));
        assertThat(outcome(device, person())).isEqualTo(Outcome.REQUIRE);
        assertThat(outcome(device, syncedCompliant)).isEqualTo(Outcome.ALLOW);
        Policy all = allPeopleConsole("p", null, GrantControls.allOf(strong, Control.COMPLIANT_DEVICE));
        assertThat(decide(List.of(all), synced).enforced().required()).containsExactly(
                new Decision.Unmet("p", List.of(strong)), new Decision.Unmet("p", List.of(Control.COMPLIANT_DEVICE)));
        assertThat(outcome(all, syncedCompliant)).isEqualTo(Outcome.REQUIRE);
        assertThat(outcome(all, at(person(), Resource.CONSOLE, "203.0.113.7", true))).isEqualTo(Outcome.ALLOW);
        Policy one = allPeopleConsole("p", null, GrantControls.oneOf(strong, Control.COMPLIANT_DEVICE));
        assertThat(outcome(one, syncedCompliant)).isEqualTo(Outcome.ALLOW);
        assertThat(outcome(one, person())).isEqualTo(Outcome.ALLOW);
        assertThat(decide(List.of(one), synced).enforced().required()).containsExactly(
                new Decision.Unmet("p", List.of(strong, Control.COMPLIANT_DEVICE)));
    }

    // --- session control: sign-in frequency ---

    @Test
    void signInFrequencyIsMaxAge() {
        Policy p = new Policy("p", "Hourly", PolicyState.ON, Assignments.allPeople(TargetResources.everything()), null,
                GrantControls.none(), Duration.ofHours(1));
        assertThat(outcome(p, method(person(), KEY_AMR, "phrh", MODEL_X, Duration.ofMinutes(59)))).isEqualTo(Outcome.ALLOW);
        assertThat(outcome(p, method(person(), KEY_AMR, "phrh", MODEL_X, Duration.ofHours(1)))).isEqualTo(Outcome.ALLOW);
        SignInContext old = method(person(), KEY_AMR, "phrh", MODEL_X, Duration.ofHours(1).plusSeconds(1));
        assertThat(decide(List.of(p), old).enforced()).isEqualTo(new Decision.Verdict(Outcome.REQUIRE, List.of(),
                List.of(new Decision.Unmet("p", List.of(new Control.RequireFreshSignIn(Duration.ofHours(1)))))));
    }

    // --- combining, report-only, off ---

    @Test
    void anyBlockWinsAndRequirementsAddUp() {
        Policy mfa = allPeopleConsole("a", null, require(AuthenticationStrength.HARDWARE_KEY));
        Policy device = allPeopleConsole("b", null, GrantControls.allOf(Control.COMPLIANT_DEVICE));
        Policy block = allPeopleConsole("c", new Conditions(null, null, new Conditions.Method(Set.of("swk"), Set.of())), BLOCK);
        SignInContext synced = method(person(), SYNCED_AMR, "phr", null, Duration.ZERO);
        Decision d = decide(List.of(mfa, device, block), synced);
        assertThat(d.enforced().outcome()).isEqualTo(Outcome.BLOCK);
        assertThat(d.enforced().blockedBy()).containsExactly("c");
        assertThat(d.enforced().deciding()).containsExactly("c");
        Decision withoutBlock = decide(List.of(mfa, device, block), person());
        assertThat(withoutBlock.enforced().outcome()).isEqualTo(Outcome.REQUIRE);
        assertThat(withoutBlock.enforced().deciding()).containsExactly("b");
        assertThat(withoutBlock.policies()).extracting(Decision.PolicyResult::outcome)
                .containsExactly(Outcome.ALLOW, Outcome.REQUIRE, Outcome.ALLOW);
        assertThat(withoutBlock.policies()).extracting(Decision.PolicyResult::applied).containsExactly(true, true, false);
    }

    @Test
    void reportOnlyIsRecordedApartAndOffIsNotEvaluated() {
        Policy wouldBlock = allPeopleConsole("r", null, BLOCK).withState(PolicyState.REPORT_ONLY);
        Policy off = allPeopleConsole("o", null, BLOCK).withState(PolicyState.OFF);
        Policy require = allPeopleConsole("q", null, GrantControls.allOf(Control.COMPLIANT_DEVICE)).withState(PolicyState.REPORT_ONLY);
        Decision d = decide(List.of(wouldBlock, off, require), person());
        assertThat(d.enforced()).isEqualTo(Decision.Verdict.ALLOWED);
        assertThat(d.reportOnly().outcome()).isEqualTo(Outcome.BLOCK);
        assertThat(d.reportOnly().blockedBy()).containsExactly("r");
        assertThat(d.reportOnly().required()).containsExactly(new Decision.Unmet("q", List.of(Control.COMPLIANT_DEVICE)));
        assertThat(d.policies()).extracting(Decision.PolicyResult::policyId).containsExactly("r", "q");
        assertThat(d.policies().get(0).state()).isEqualTo(PolicyState.REPORT_ONLY);
    }
}
