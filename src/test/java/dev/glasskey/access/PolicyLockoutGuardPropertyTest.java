package dev.glasskey.access;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

import static dev.glasskey.access.AccessFixtures.MODEL_X;
import static dev.glasskey.access.AccessFixtures.MODEL_Y;
import static dev.glasskey.access.AccessFixtures.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17, "How it is tested": random sequences of policy and named-location changes. A model
 * written here (the {@link ReferenceModel} on the emergency scenario it builds itself) predicts
 * each refusal; the guard must refuse exactly those, a refused change leaves the configuration as
 * it was, and once at the minimum no accepted change ever leaves fewer emergency accounts able to
 * get in.
 */
class PolicyLockoutGuardPropertyTest {
    static final int MINIMUM = 2;
    static final List<EmergencyAccess> ACCOUNTS = List.of(
            new EmergencyAccess("e0", "Break-glass 0", Set.of("global-admin"), Set.of(), List.of(MODEL_X)),
            new EmergencyAccess("e1", "Break-glass 1", Set.of("global-admin"), Set.of(), Arrays.asList((UUID) null)),
            new EmergencyAccess("e2", "Break-glass 2", Set.of("break-glass"), Set.of("global-admin"), List.of(MODEL_Y)),
            new EmergencyAccess("e3", "Break-glass 3", Set.of("auditor"), Set.of("global-admin"), List.of(MODEL_Y, MODEL_X)));

    sealed interface Change {}
    record Add(Policy policy) implements Change {}
    record Remove(int index) implements Change {}
    record SetState(int index, PolicyState state) implements Change {}
    record ExcludeEmergency(int index) implements Change {}
    record ReplaceLocations(List<NamedLocation> locations) implements Change {}
    record DropLocation(String id) implements Change {}

    @Provide
    Arbitrary<List<NamedLocation>> locations() { return RandomAccess.locations(); }

    @Provide
    Arbitrary<List<Change>> changes() {
        Arbitrary<Change> change = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, RandomAccess.policy("x").map(p -> (Change) new Add(p))),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 9).map(i -> (Change) new Remove(i))),
                net.jqwik.api.Tuple.of(2, Combinators.combine(Arbitraries.integers().between(0, 9), Arbitraries.of(PolicyState.class))
                        .as((i, s) -> (Change) new SetState(i, s))),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 9).map(i -> (Change) new ExcludeEmergency(i))),
                net.jqwik.api.Tuple.of(1, RandomAccess.locations().map(l -> (Change) new ReplaceLocations(l))),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(RandomAccess.LOCATION_IDS).map(id -> (Change) new DropLocation(id))));
        return change.list().ofMinSize(30).ofMaxSize(60);
    }

    @Property(tries = 200)
    void theGuardRefusesExactlyWhatTheModelPredicts(@ForAll("locations") List<NamedLocation> locations,
                                                     @ForAll("changes") List<Change> changes) {
        PolicySet current = PolicySet.of(List.of(), locations);
        int serial = 0;
        for (Change change : changes) {
            List<Policy> policies = new ArrayList<>(current.policies());
            List<NamedLocation> newLocations = current.locations();
            if (change instanceof Add a) {
                policies.add(new Policy("p" + serial, "Policy p" + serial++, a.policy().state(), a.policy().assignments(),
                        a.policy().conditions(), a.policy().grant(), a.policy().signInFrequency()));
            } else if (change instanceof Remove r && r.index() < policies.size()) {
                policies.remove(r.index());
            } else if (change instanceof SetState s && s.index() < policies.size()) {
                policies.set(s.index(), policies.get(s.index()).withState(s.state()));
            } else if (change instanceof ExcludeEmergency e && e.index() < policies.size()) {
                Assignments w = policies.get(e.index()).assignments();
                policies.set(e.index(), policies.get(e.index()).withAssignments(new Assignments(w.allPeople(), w.emergencyAccounts(),
                        w.includeAccounts(), w.includeRoles(), true, w.excludeAccounts(), w.excludeRoles(), w.resources())));
            } else if (change instanceof ReplaceLocations l) {
                newLocations = l.locations();
            } else if (change instanceof DropLocation d) {
                newLocations = current.locations().stream().filter(l -> !l.id().equals(d.id())).toList();
            }
            List<NamedLocation> locationsAfter = newLocations;
            boolean modelValid = policies.stream().allMatch(p -> names(p).stream().allMatch(id ->
                    locationsAfter.stream().anyMatch(l -> l.id().equals(id))))
                    && policies.stream().noneMatch(p -> p.assignments().includesNobody());
            PolicySet proposed;
            try {
                proposed = PolicySet.of(policies, locationsAfter);
            } catch (GlasskeyException e) {
                assertThat(modelValid).as("%s refused as %s", change, e.errorCode()).isFalse();
                Statistics.label("outcome").collect("invalid: " + e.errorCode().code());
                continue;
            }
            assertThat(modelValid).as("%s accepted as valid", change).isTrue();

            Set<String> ableBefore = able(current);
            Set<String> ableAfter = able(proposed);
            boolean mustRefuse = ableAfter.size() < MINIMUM && !ableAfter.containsAll(ableBefore);
            PolicyLockoutGuard.Judgement judgement = PolicyLockoutGuard.judge(change.toString(), current, proposed, ACCOUNTS, MINIMUM, NOW);
            assertThat(judgement.ableAfter()).isEqualTo(ableAfter.size());
            Statistics.label("outcome").collect(mustRefuse ? "refused" : "accepted");
            if (mustRefuse) {
                assertThat(judgement.refusal()).as("%s must be refused", change).isPresent();
                GlasskeyException refusal = judgement.refusal().get();
                assertThat(refusal.errorCode()).isEqualTo(ErrorCode.LOCKOUT_GUARD);
                for (EmergencyAccess account : ACCOUNTS) {
                    boolean broken = ableBefore.contains(account.accountId()) && !ableAfter.contains(account.accountId());
                    assertThat(refusal.detail().contains("'" + account.name() + "' (by ")).as("%s names %s", change, account.name())
                            .isEqualTo(broken);
                }
                // state stays as it was: nothing to apply
            } else {
                assertThat(judgement.refusal()).as("%s must be accepted", change).isEmpty();
                if (ableBefore.size() >= MINIMUM) {
                    assertThat(ableAfter.size()).isGreaterThanOrEqualTo(MINIMUM);
                }
                current = proposed;
            }
            assertThat(able(current).size()).isGreaterThanOrEqualTo(MINIMUM);
        }
    }

    private static Set<String> names(Policy p) {
        Set<String> ids = new LinkedHashSet<>();
        if (p.conditions() != null && p.conditions().network() != null) {
            ids.addAll(p.conditions().network().includeLocations());
            ids.addAll(p.conditions().network().excludeLocations());
        }
        return ids;
    }

    /** The model: who gets in under the emergency scenario, built here from DOMAIN.md's words. */
    static Set<String> able(PolicySet set) {
        Set<String> able = new LinkedHashSet<>();
        for (EmergencyAccess account : ACCOUNTS) {
            for (UUID key : account.keys()) {
                boolean signIn = allowed(set, account, Set.of(), key);
                boolean activation = allowed(set, account, account.rolesActivatable(), key);
                if (signIn && activation) {
                    able.add(account.accountId());
                    break;
                }
            }
        }
        return able;
    }

    private static boolean allowed(PolicySet set, EmergencyAccess account, Set<String> active, UUID key) {
        SignInContext scenario = new SignInContext(account.accountId(), true, account.rolesHeld(), active, Resource.CONSOLE,
                null, false, Set.of("hwk", "user", "mfa"), key == null ? "phr" : "phrh", key, NOW, NOW);
        return ReferenceModel.decide(set.policies(), set.locations(), scenario).enforced().outcome() == Decision.Outcome.ALLOW;
    }
}
