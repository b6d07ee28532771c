package dev.glasskey.access;

import java.util.List;
import java.util.Locale;

/**
 * A {@link Decision} as the API shows it (what-if, the decision log): lower-case words, controls
 * spelled as a person reads them, report-only kept apart as what it <em>would have</em> done.
 */
public record DecisionJson(VerdictJson enforced, VerdictJson reportOnly, List<PolicyJson> policies) {

    public record VerdictJson(String outcome, List<String> blockedBy, List<UnmetJson> required, String summary) {}

    public record UnmetJson(String policyId, List<String> anyOf) {}

    public record ConditionJson(String condition, boolean matched, String why) {}

    public record PolicyJson(String id, String name, String state, boolean applied, List<ConditionJson> conditions, String outcome,
                             List<UnmetJson> unmet) {}

    public static DecisionJson of(Decision d) {
        return new DecisionJson(verdict(d.enforced(), false), verdict(d.reportOnly(), true), d.policies().stream()
                .map(p -> new PolicyJson(p.policyId(), p.policyName(), PolicyDocument.stateName(p.state()), p.applied(),
                        p.conditions().stream().map(c -> new ConditionJson(word(c.condition()), c.matched(), c.why())).toList(),
                        word(p.outcome()), p.unmet().stream().map(DecisionJson::unmet).toList()))
                .toList());
    }

    static VerdictJson verdict(Decision.Verdict v, boolean reportOnly) {
        String summary = switch (v.outcome()) {
            case ALLOW -> reportOnly ? "would have allowed" : "allowed";
            case BLOCK -> (reportOnly ? "would have blocked" : "blocked") + " (" + v.blockedBy().size() + " polic"
                    + (v.blockedBy().size() == 1 ? "y" : "ies") + ")";
            case REQUIRE -> (reportOnly ? "would have required " : "requires ") + String.join("; ", v.required().stream()
                    .map(u -> String.join(" or ", u.anyOf().stream().map(Object::toString).toList())).distinct().toList());
        };
        return new VerdictJson(word(v.outcome()), v.blockedBy(), v.required().stream().map(DecisionJson::unmet).toList(), summary);
    }

    static UnmetJson unmet(Decision.Unmet u) {
        return new UnmetJson(u.policyId(), u.anyOf().stream().map(Object::toString).toList());
    }

    static String word(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
