package dev.glasskey.access;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

import static dev.glasskey.access.AccessFixtures.allPeopleConsole;
import static dev.glasskey.access.AccessFixtures.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Invalid policy sets are refused with a precise access.* code and the field; nothing is built. */
class PolicySetTest {
    static final NamedLocation OFFICE = new NamedLocation("office", "Office", List.of("198.51.100.0/24", "2001:db8:1::/48"), true);

    static void refused(Supplier<?> build, ErrorCode code, String field) {
        assertThatThrownBy(build::get).isInstanceOfSatisfying(GlasskeyException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(code);
            assertThat(e.field()).isEqualTo(field);
        });
    }

    static NamedLocation location(String cidr) {
        return new NamedLocation("l", "L", List.of("10.0.0.0/8", cidr), false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.com", "cafe", "face.b00c", "10.0.0.0/33", "10.0.0.256/8", "300.1.1.1",
            "10.0.0/8", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/08", "10.0.0.0/8/8", "2001:db8::/129", "2001:db8:::/48",
            "2001:db8::1%eth0", "::ffff:10.0.0.1/200", " 10.0.0.0/8", "10.0.0.0/8 ", "1.2.3.4\n", "10.0.0.1/a",
            "2001:db8::g/32", "01.2.3.4", "1.2.3.4.5", "::/1000"})
    void badCidrsAreRefusedWithoutAnyLookup(String cidr) {
        refused(() -> PolicySet.of(List.of(), List.of(location(cidr))), ErrorCode.ACCESS_LOCATION_INVALID, "locations[0].cidrs[1]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0/0", "10.0.0.1", "192.0.2.0/24", "255.255.255.255/32", "::/0", "2001:db8::/32", "::1",
            "fe80::1/64", "::ffff:192.0.2.1"})
    void goodCidrsAreAccepted(String cidr) {
        assertThat(PolicySet.of(List.of(), List.of(location(cidr))).locations()).hasSize(1);
    }

    @Test
    void locationsNeedRangesAndUniqueIds() {
        refused(() -> PolicySet.of(List.of(), List.of(new NamedLocation("l", "L", List.of(), true))),
                ErrorCode.ACCESS_LOCATION_INVALID, "locations[0].cidrs");
        refused(() -> PolicySet.of(List.of(), List.of(OFFICE, OFFICE)), ErrorCode.ACCESS_LOCATION_INVALID, "locations[1].id");
        refused(() -> PolicySet.of(List.of(), List.of(new NamedLocation(" ", "L", List.of("10.0.0.0/8"), true))),
                ErrorCode.ACCESS_LOCATION_INVALID, "locations[0]");
    }

    @Test
    void aPolicyMustIncludeSomeoneAndTargetSomething() {
        Assignments nobody = new Assignments(false, false, Set.of(), Set.of(), true, Set.of("a"), Set.of("r"), TargetResources.everything());
        refused(() -> PolicySet.of(List.of(policy("p", nobody, null, GrantControls.blockAccess())), List.of()),
                ErrorCode.ACCESS_ASSIGNMENT_EMPTY, "policies[0].assignments.include");
        Assignments nowhere = Assignments.allPeople(new TargetResources(false, false, Set.of()));
        refused(() -> PolicySet.of(List.of(policy("p", nowhere, null, GrantControls.blockAccess())), List.of()),
                ErrorCode.ACCESS_ASSIGNMENT_EMPTY, "policies[0].assignments.resources");
    }

    @Test
    void networkConditionsNameExistingLocationsAndIncludeSomething() {
        Conditions unknown = new Conditions(new Conditions.Network(false, false, Set.of("branch"), false, Set.of()), null, null);
        refused(() -> PolicySet.of(List.of(allPeopleConsole("p", unknown, GrantControls.blockAccess())), List.of(OFFICE)),
                ErrorCode.ACCESS_LOCATION_UNKNOWN, "policies[0].conditions.network.include");
        Conditions unknownExcluded = new Conditions(new Conditions.Network(true, false, Set.of(), false, Set.of("branch")), null, null);
        refused(() -> PolicySet.of(List.of(allPeopleConsole("p", unknownExcluded, GrantControls.blockAccess())), List.of(OFFICE)),
                ErrorCode.ACCESS_LOCATION_UNKNOWN, "policies[0].conditions.network.exclude");
        Conditions nothing = new Conditions(new Conditions.Network(false, false, Set.of(), true, Set.of()), null, null);
        refused(() -> PolicySet.of(List.of(allPeopleConsole("p", nothing, GrantControls.blockAccess())), List.of(OFFICE)),
                ErrorCode.ACCESS_CONDITION_EMPTY, "policies[0].conditions.network");
        Conditions noMethod = new Conditions(null, null, new Conditions.Method(Set.of(), Set.of()));
        refused(() -> PolicySet.of(List.of(allPeopleConsole("p", noMethod, GrantControls.blockAccess())), List.of()),
                ErrorCode.ACCESS_CONDITION_EMPTY, "policies[0].conditions.method");
    }

    @Test
    void removingALocationAPolicyStillNamesIsRefused() {
        Conditions inOffice = new Conditions(new Conditions.Network(false, false, Set.of("office"), false, Set.of()), null, null);
        PolicySet set = PolicySet.of(List.of(allPeopleConsole("p", inOffice, GrantControls.blockAccess())), List.of(OFFICE));
        refused(() -> PolicySet.of(set.policies(), List.of()), ErrorCode.ACCESS_LOCATION_UNKNOWN, "policies[0].conditions.network.include");
    }

    @Test
    void controlsMustMeanSomething() {
        refused(() -> PolicySet.of(List.of(allPeopleConsole("p", null, GrantControls.none())), List.of()),
                ErrorCode.ACCESS_CONTROLS_INVALID, "policies[0].grant");
        GrantControls blockAndMore = new GrantControls(true, GrantControls.Operator.ALL_OF, List.of(Control.COMPLIANT_DEVICE));
        refused(() -> PolicySet.of(List.of(allPeopleConsole("p", null, blockAndMore)), List.of()),
                ErrorCode.ACCESS_CONTROLS_INVALID, "policies[0].grant");
        GrantControls frequencyAsGrant = GrantControls.allOf(new Control.RequireFreshSignIn(Duration.ofHours(1)));
        refused(() -> PolicySet.of(List.of(allPeopleConsole("p", null, frequencyAsGrant)), List.of()),
                ErrorCode.ACCESS_CONTROLS_INVALID, "policies[0].grant.controls");
        GrantControls noStrength = GrantControls.allOf(new Control.RequireStrength(null));
        refused(() -> PolicySet.of(List.of(allPeopleConsole("p", null, noStrength)), List.of()),
                ErrorCode.ACCESS_CONTROLS_INVALID, "policies[0].grant.controls");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "PT-1S", "P366D"})
    void signInFrequencyIsBounded(String frequency) {
        Policy p = new Policy("p", "P", PolicyState.ON, Assignments.allPeople(TargetResources.everything()), null,
                GrantControls.none(), Duration.parse(frequency));
        refused(() -> PolicySet.of(List.of(p), List.of()), ErrorCode.ACCESS_SIGN_IN_FREQUENCY_INVALID, "policies[0].signInFrequency");
    }

    @Test
    void aSessionControlAloneIsAPolicy() {
        Policy p = new Policy("p", "P", PolicyState.ON, Assignments.allPeople(TargetResources.everything()), null,
                GrantControls.none(), Duration.ofDays(365));
        assertThat(PolicySet.of(List.of(p), List.of()).policies()).containsExactly(p);
    }

    @Test
    void policyIdsAreUniqueAndPoliciesComplete() {
        Policy p = allPeopleConsole("p", null, GrantControls.blockAccess());
        refused(() -> PolicySet.of(List.of(p, p.withState(PolicyState.OFF)), List.of()), ErrorCode.ACCESS_POLICY_DUPLICATE, "policies[1].id");
        Policy unnamed = new Policy("q", "", PolicyState.ON, p.assignments(), null, p.grant(), null);
        refused(() -> PolicySet.of(List.of(unnamed), List.of()), ErrorCode.REQUEST_INVALID, "policies[0]");
    }

    @Test
    void strengthsAreNamed() {
        assertThat(AuthenticationStrength.named("mfa", Set.of())).isEqualTo(AuthenticationStrength.ANY_MFA);
        assertThat(AuthenticationStrength.named("phishing-resistant", Set.of())).isEqualTo(AuthenticationStrength.PHISHING_RESISTANT);
        assertThat(AuthenticationStrength.named("hardware-key", Set.of())).isEqualTo(AuthenticationStrength.HARDWARE_KEY);
        assertThat(AuthenticationStrength.named("allowed-models", Set.of(AccessFixtures.MODEL_X)).models()).containsExactly(AccessFixtures.MODEL_X);
        for (String unknown : new String[] {"MFA", "phr", "", "password", "passkey", "mfa "}) {
            refused(() -> AuthenticationStrength.named(unknown, Set.of()), ErrorCode.ACCESS_STRENGTH_UNKNOWN, "strength");
        }
        refused(() -> AuthenticationStrength.named(null, Set.of()), ErrorCode.ACCESS_STRENGTH_UNKNOWN, "strength");
        refused(() -> AuthenticationStrength.named("allowed-models", Set.of()), ErrorCode.ACCESS_STRENGTH_MODELS, "strength.models");
        refused(() -> AuthenticationStrength.named("mfa", Set.of(AccessFixtures.MODEL_X)), ErrorCode.ACCESS_STRENGTH_MODELS, "strength.models");
    }
}
