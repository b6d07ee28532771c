package dev.glasskey.access;

/**
 * Issue 17 §1: each policy is <em>on</em>, <em>report-only</em> or <em>off</em>. A report-only
 * policy is evaluated like one that is on, but its result is only recorded as "would have blocked
 * / would have required …" (§3), never enforced, and the lockout guard does not count it as
 * blocking (§5). An off policy is not evaluated at all.
 */
public enum PolicyState {
    ON, REPORT_ONLY, OFF
}
