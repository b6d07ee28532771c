package dev.glasskey.pim;

import dev.glasskey.account.Account;
import dev.glasskey.webauthn.SignedIn;

/**
 * Hook of Conditional Access into PIM activation (issue 17 §2; docs/ARCHITECTURE.md, "How the new
 * rooms fit"): {@code pim} defines it, {@code access} implements it, so the dependency points one way.
 * Absent (no bean), activations are judged by PIM's own rules only.
 */
public interface ActivationCheck {
    /**
     * Judges an activation of {@code role} by the signed-in {@code caller}, after PIM's input checks and
     * before anything is stored. Refused, it throws {@code pim.activation_blocked} (its decision and audit
     * entry recorded apart, as the activation's transaction rolls back).
     */
    void check(SignedIn caller, Account account, String role);
}
