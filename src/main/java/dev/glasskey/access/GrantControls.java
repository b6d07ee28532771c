package dev.glasskey.access;

import java.util.List;

/**
 * Issue 17 §1, grant controls: either <em>block</em>, or require controls — all of them
 * ({@link Operator#ALL_OF}) or one of them ({@link Operator#ONE_OF}). Use the factories; a block
 * carries no other control.
 */
public record GrantControls(boolean block, Operator operator, List<Control> controls) {
    public enum Operator { ALL_OF, ONE_OF }

    public GrantControls {
        controls = List.copyOf(controls);
    }

    public static GrantControls blockAccess() { return new GrantControls(true, Operator.ALL_OF, List.of()); }
    public static GrantControls allOf(Control... controls) { return new GrantControls(false, Operator.ALL_OF, List.of(controls)); }
    public static GrantControls oneOf(Control... controls) { return new GrantControls(false, Operator.ONE_OF, List.of(controls)); }
    /** Grant with no requirement (for a policy that only sets a session control). */
    public static GrantControls none() { return new GrantControls(false, Operator.ALL_OF, List.of()); }
}
