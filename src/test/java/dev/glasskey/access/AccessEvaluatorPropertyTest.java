package dev.glasskey.access;

import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17, "How it is tested": random policy sets × random sign-in contexts, the evaluator
 * against {@link ReferenceModel}. Both the enforced and the report-only verdicts must agree:
 * outcome, the blocking policies, and every unmet requirement with its alternatives.
 */
class AccessEvaluatorPropertyTest {

    @Provide
    Arbitrary<List<Policy>> policies() { return RandomAccess.policies(12); }

    @Provide
    Arbitrary<List<NamedLocation>> locations() { return RandomAccess.locations(); }

    @Provide
    Arbitrary<SignInContext> contexts() { return RandomAccess.context(); }

    @Property(tries = 2000)
    void evaluatorAgreesWithTheReferenceModel(@ForAll("policies") List<Policy> policies, @ForAll("locations") List<NamedLocation> locations,
                                              @ForAll("contexts") SignInContext context) {
        Decision decision = AccessEvaluator.evaluate(PolicySet.of(policies, locations), context);
        ReferenceModel.Result expected = ReferenceModel.decide(policies, locations, context);
        String shown = policies.stream().map(p -> p.id() + ": " + p.state() + " " + p.assignments() + " " + p.conditions() + " "
                + p.grant() + " " + p.signInFrequency()).collect(Collectors.joining("\n"));
        Statistics.label("enforced").collect(decision.enforced().outcome());
        Statistics.label("report-only").collect(decision.reportOnly().outcome());
        assertThat(decision.policies().stream().filter(Decision.PolicyResult::applied).map(Decision.PolicyResult::policyId)
                .collect(Collectors.toList())).as(shown).containsExactlyElementsOf(expected.applied());
        same(decision.enforced(), expected.enforced());
        same(decision.reportOnly(), expected.reportOnly());
        assertThat(decision.policies()).extracting(Decision.PolicyResult::policyId).containsExactlyElementsOf(expected.evaluated());
        assertThat(decision.policies().stream().filter(Decision.PolicyResult::applied).map(Decision.PolicyResult::policyId)
                .collect(Collectors.toList())).containsExactlyElementsOf(expected.applied());
        for (Decision.PolicyResult result : decision.policies()) {
            // the explanation stops at the first condition that did not match, and says so
            assertThat(result.conditions()).isNotEmpty();
            assertThat(result.conditions().subList(0, result.conditions().size() - 1)).allMatch(Decision.ConditionResult::matched);
            assertThat(result.conditions().get(result.conditions().size() - 1).matched()).isEqualTo(result.applied());
        }
    }

    private static void same(Decision.Verdict actual, ReferenceModel.Verdict expected) {
        assertThat(actual.outcome()).isEqualTo(expected.outcome());
        assertThat(new HashSet<>(actual.blockedBy())).isEqualTo(expected.blockedBy());
        assertThat(actual.required().stream().map(u -> List.<Object>of(u.policyId(), u.anyOf())).toList())
                .containsExactlyInAnyOrderElementsOf(expected.required());
    }
}
