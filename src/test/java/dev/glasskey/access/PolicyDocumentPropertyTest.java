package dev.glasskey.access;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/** A policy stored (and shown by the API) as its document reads back as the same policy, whatever it holds. */
class PolicyDocumentPropertyTest {

    @Provide
    Arbitrary<Policy> policies() { return RandomAccess.policy("p"); }

    @Property(tries = 500)
    void aPolicyRoundTripsThroughItsStoredDocument(@ForAll("policies") Policy policy) {
        String stored = AccessStore.JSON.writeValueAsString(PolicyDocument.of(policy));
        Policy read = AccessStore.JSON.readValue(stored, PolicyDocument.class).toPolicy(policy.id());
        Policy expected = policy.conditions() == null
                ? new Policy(policy.id(), policy.name(), policy.state(), policy.assignments(), Conditions.NONE, policy.grant(), policy.signInFrequency())
                : policy;
        assertThat(read).as(stored).isEqualTo(expected);
    }
}
