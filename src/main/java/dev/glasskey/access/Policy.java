package dev.glasskey.access;

import java.time.Duration;

/**
 * A Conditional Access policy (issue 17 §1): <em>who and what</em> ({@link Assignments}), <em>when</em>
 * ({@link Conditions}), <em>then</em> ({@link GrantControls}), and a session control — sign-in
 * frequency, the maximum age of the authentication for the targeted resources ({@code null}: none).
 * Its {@link PolicyState} says whether it is enforced, only reported, or off. Validated by
 * {@link PolicySet#of}.
 */
public record Policy(String id, String name, PolicyState state, Assignments assignments, Conditions conditions,
                     GrantControls grant, Duration signInFrequency) {

    public Policy withState(PolicyState newState) {
        return new Policy(id, name, newState, assignments, conditions, grant, signInFrequency);
    }

    public Policy withAssignments(Assignments newAssignments) {
        return new Policy(id, name, state, newAssignments, conditions, grant, signInFrequency);
    }

    @Override
    public String toString() {
        return "'" + name + "' (" + id + ")";
    }
}
