package dev.glasskey.access;

import java.util.List;

/**
 * One Conditional Access decision (issue 17 §3): the enforced verdict of the policies that are on,
 * the verdict the report-only policies would have given ("would have blocked / would have required
 * …") kept apart, and, per policy evaluated, which conditions matched and why — the Conditional
 * Access tab of a sign-in log entry.
 *
 * @param enforced   what the policies that are on decide
 * @param reportOnly what the report-only policies alone would have decided (never enforced)
 * @param policies   every policy that is on or report-only, in the set's order, with its result
 */
public record Decision(Verdict enforced, Verdict reportOnly, List<PolicyResult> policies) {

    public enum Outcome {
        /** No applicable policy blocks or requires anything more. */
        ALLOW,
        /** An applicable policy blocks. */
        BLOCK,
        /** Applicable policies require more than the sign-in proved: {@link Verdict#required}. */
        REQUIRE
    }

    /**
     * The combined result of a group of policies, as in Entra: any applicable block blocks;
     * otherwise every applicable policy's controls must be met, and those that are not are required.
     *
     * @param blockedBy ids of the applicable policies that block
     * @param required  what is still required, one entry per unmet policy requirement
     */
    public record Verdict(Outcome outcome, List<String> blockedBy, List<Unmet> required) {
        public static final Verdict ALLOWED = new Verdict(Outcome.ALLOW, List.of(), List.of());

        /** The policies this verdict rests on, when it is not an allow. */
        public List<String> deciding() {
            return outcome == Outcome.BLOCK ? blockedBy : required.stream().map(Unmet::policyId).distinct().toList();
        }
    }

    /**
     * A requirement of one policy that the sign-in does not meet: meeting any one of
     * {@code anyOf} satisfies it (a one-of grant gives several; all-of gives one entry per control).
     */
    public record Unmet(String policyId, List<Control> anyOf) {}

    /** Which condition of a policy was judged. */
    public enum Condition { PEOPLE, RESOURCE, NETWORK, DEVICE, METHOD }

    /** One condition judged, with the reason in words (for the sign-in log and what-if). */
    public record ConditionResult(Condition condition, boolean matched, String why) {}

    /**
     * One policy's result. {@code applied} is false when a condition did not match; the conditions
     * are judged in order and listed up to the first that did not match.
     */
    public record PolicyResult(String policyId, String policyName, PolicyState state, boolean applied,
                               List<ConditionResult> conditions, Outcome outcome, List<Unmet> unmet) {}
}
