package dev.glasskey.access;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

import static dev.glasskey.access.AccessFixtures.MODEL_X;
import static dev.glasskey.access.AccessFixtures.MODEL_Y;
import static dev.glasskey.access.AccessFixtures.NOW;
import static dev.glasskey.access.AccessFixtures.allPeopleConsole;
import static dev.glasskey.access.AccessFixtures.include;
import static dev.glasskey.access.AccessFixtures.policy;
import static dev.glasskey.access.AccessFixtures.require;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The guard's emergency scenario against the policies that lock organisations out (issue 17 §5):
 * four emergency accounts, minimum two; two hold global-admin, two may activate it.
 */
class PolicyLockoutGuardTest {
    static final NamedLocation OFFICE = new NamedLocation("office", "Office", List.of("198.51.100.0/24"), true);
    static final List<EmergencyAccess> ACCOUNTS = List.of(
            new EmergencyAccess("e0", "Break-glass 0", Set.of("global-admin"), Set.of(), List.of(MODEL_X)),
            new EmergencyAccess("e1", "Break-glass 1", Set.of("global-admin"), Set.of(), Arrays.asList((java.util.UUID) null)),
            new EmergencyAccess("e2", "Break-glass 2", Set.of("break-glass"), Set.of("global-admin"), List.of(MODEL_Y)),
            new EmergencyAccess("e3", "Break-glass 3", Set.of("break-glass"), Set.of("global-admin"), List.of(MODEL_Y, MODEL_X)));
    static final PolicySet NONE = PolicySet.of(List.of(), List.of(OFFICE));

    static PolicyLockoutGuard.Judgement judge(Policy... proposed) {
        return PolicyLockoutGuard.judge("add policy", NONE, NONE.withPolicies(List.of(proposed)), ACCOUNTS, 2, NOW);
    }

    static void refused(Policy policy, String... keptOut) {
        assertThatThrownBy(() -> PolicyLockoutGuard.check("add policy " + policy.name(), NONE, NONE.withPolicies(List.of(policy)),
                ACCOUNTS, 2, NOW)).isInstanceOfSatisfying(GlasskeyException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ErrorCode.LOCKOUT_GUARD);
                    for (String name : keptOut) {
                        assertThat(e.detail()).contains("'" + name + "' (by policy '" + policy.name() + "')");
                    }
                });
    }

    static void accepted(Policy policy, int able) {
        PolicyLockoutGuard.Judgement j = judge(policy);
        assertThat(j.refusal()).isEmpty();
        assertThat(j.ableAfter()).isEqualTo(able);
    }

    @Test
    void blockingAllPeopleButOneEmergencyAccountIsRefused() {
        Policy p = policy("p", Assignments.allPeople(TargetResources.everything()).excluding(Set.of("e0")), null,
                GrantControls.blockAccess());
        refused(p, "Break-glass 1", "Break-glass 2", "Break-glass 3");
        assertThat(judge(p).after().get("e0").canGetIn()).isTrue();
        accepted(policy("p", Assignments.allPeople(TargetResources.everything()).excluding(Set.of("e0", "e1")), null,
                GrantControls.blockAccess()), 2);
    }

    @Test
    void requiringACompliantDeviceOfARoleTheEmergencyAccountsHoldIsRefused() {
        refused(policy("p", include(Set.of(), Set.of("global-admin")), null, GrantControls.allOf(Control.COMPLIANT_DEVICE)),
                "Break-glass 0", "Break-glass 1", "Break-glass 2", "Break-glass 3");
    }

    @Test
    void aPolicyOnTheRoleTheyActivateCountsAtActivation() {
        // e2 and e3 hold only break-glass at sign-in; the block reaches them when global-admin is active
        Policy p = policy("p", include(Set.of(), Set.of("global-admin")).excluding(Set.of("e0", "e1")),
                new Conditions(Conditions.Network.untrusted(), null, null), GrantControls.blockAccess());
        PolicyLockoutGuard.Judgement j = judge(p);
        assertThat(j.after().values()).filteredOn(PolicyLockoutGuard.Access::canGetIn)
                .extracting(a -> a.account().accountId()).containsExactly("e0", "e1");
        assertThat(j.after().get("e2").keptOutBy()).containsExactly("p");
        refused(policy("q", include(Set.of(), Set.of("global-admin")).excluding(Set.of("e0")),
                new Conditions(Conditions.Network.untrusted(), null, null), GrantControls.blockAccess()),
                "Break-glass 1", "Break-glass 2", "Break-glass 3");
    }

    @Test
    void blockingUntrustedNetworksIsRefused() {
        refused(allPeopleConsole("p", new Conditions(Conditions.Network.untrusted(), null, null), GrantControls.blockAccess()),
                "Break-glass 0", "Break-glass 1", "Break-glass 2", "Break-glass 3");
    }

    @Test
    void blockingUnmanagedDevicesIsRefused() {
        refused(allPeopleConsole("p", new Conditions(null, Conditions.Device.NOT_COMPLIANT, null), GrantControls.blockAccess()),
                "Break-glass 0");
    }

    @Test
    void reportOnlyNeverBlocks() {
        accepted(allPeopleConsole("p", null, GrantControls.blockAccess()).withState(PolicyState.REPORT_ONLY), 4);
        accepted(allPeopleConsole("p", null, GrantControls.blockAccess()).withState(PolicyState.OFF), 4);
    }

    @Test
    void whatTheSecurityKeyMeetsIsAccepted() {
        accepted(allPeopleConsole("p", null, require(AuthenticationStrength.HARDWARE_KEY)), 4);
        accepted(allPeopleConsole("p", null, GrantControls.oneOf(Control.COMPLIANT_DEVICE,
                new Control.RequireStrength(AuthenticationStrength.PHISHING_RESISTANT))), 4);
        accepted(new Policy("p", "Hourly", PolicyState.ON, Assignments.allPeople(TargetResources.everything()), null,
                GrantControls.none(), Duration.ofMinutes(30)), 4);
        // only model X is allowed: e1 (unattested) and e2 (model Y) are kept out, e0 and e3 remain
        PolicyLockoutGuard.Judgement j = judge(allPeopleConsole("p", null, require(AuthenticationStrength.allowedModels(Set.of(MODEL_X)))));
        assertThat(j.refusal()).isEmpty();
        assertThat(j.after().values()).filteredOn(PolicyLockoutGuard.Access::canGetIn)
                .extracting(a -> a.account().accountId()).containsExactly("e0", "e3");
    }

    @Test
    void policiesThatCannotReachTheScenarioAreAccepted() {
        accepted(policy("p", Assignments.allPeople(new TargetResources(false, true, Set.of())), null, GrantControls.blockAccess()), 4);
        accepted(allPeopleConsole("p", new Conditions(null, null, new Conditions.Method(Set.of("pwd"), Set.of())),
                GrantControls.blockAccess()), 4);
        accepted(allPeopleConsole("p", new Conditions(new Conditions.Network(false, false, Set.of("office"), false, Set.of()), null, null),
                GrantControls.blockAccess()), 4);
        accepted(allPeopleConsole("p", new Conditions(null, Conditions.Device.COMPLIANT, null), GrantControls.blockAccess()), 4);
    }

    @Test
    void belowTheMinimumAChangeThatBreaksNobodyPasses() {
        PolicySet oneLeft = NONE.withPolicies(List.of(policy("p", Assignments.allPeople(TargetResources.everything()).excluding(Set.of("e0")),
                null, GrantControls.blockAccess())));
        Policy unrelated = policy("q", include(Set.of("a0"), Set.of()), null, GrantControls.blockAccess());
        List<Policy> both = List.of(oneLeft.policies().get(0), unrelated);
        assertThatCode(() -> PolicyLockoutGuard.check("add q", oneLeft, oneLeft.withPolicies(both), ACCOUNTS, 2, NOW)).doesNotThrowAnyException();
        // ...but taking away the last one is refused, naming it
        assertThatThrownBy(() -> PolicyLockoutGuard.check("turn p to block all", oneLeft,
                oneLeft.withPolicies(List.of(allPeopleConsole("p", null, GrantControls.blockAccess()))), ACCOUNTS, 2, NOW))
                .isInstanceOfSatisfying(GlasskeyException.class, e -> assertThat(e.detail()).contains("'Break-glass 0'")
                        .contains("Still able: none"));
    }

    @Test
    void changingLocationsCannotHelpOrHurtTheScenario() {
        Policy trustedOnly = allPeopleConsole("p", new Conditions(Conditions.Network.untrusted(), null, null), GrantControls.blockAccess());
        NamedLocation everywhere = new NamedLocation("office", "Office", List.of("0.0.0.0/0", "::/0"), true);
        PolicySet set = PolicySet.of(List.of(trustedOnly), List.of(everywhere));
        assertThat(PolicyLockoutGuard.scenario(set, ACCOUNTS, NOW).values()).noneMatch(PolicyLockoutGuard.Access::canGetIn);
    }
}
