package dev.glasskey.access;

import java.util.Set;
import java.util.UUID;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

/**
 * Issue 17 §1, the named authentication strengths a policy can require, each judged on what the
 * sign-in proved as its {@code amr} states it (RFC 8176; issue 15 §4) and the attested model:
 * <ul>
 *   <li>{@code mfa} — any multi-factor method: {@code amr} contains {@code mfa} (password + code,
 *       any passkey with user verification);</li>
 *   <li>{@code phishing-resistant} — any passkey: {@code mfa} and a key-based proof of possession,
 *       {@code hwk} (device-bound) or {@code swk} (synced); a password + code is not;</li>
 *   <li>{@code hardware-key} — a device-bound hardware key: {@code mfa} and {@code hwk};</li>
 *   <li>{@code allowed-models} — a hardware key of an allow-listed model, proven by attestation
 *       (the sign-in's attested AAGUID, present only when the attestation chain verified to a
 *       pinned root): {@code mfa}, {@code hwk} and an attested model in {@code models}.</li>
 * </ul>
 * Each is stronger than the one before: what meets a later one meets every earlier one.
 */
public record AuthenticationStrength(Kind kind, Set<UUID> models) {
    public enum Kind {
        ANY_MFA("mfa"), PHISHING_RESISTANT("phishing-resistant"), HARDWARE_KEY("hardware-key"), ALLOWED_MODELS("allowed-models");

        private final String strengthName;

        Kind(String strengthName) { this.strengthName = strengthName; }

        public String strengthName() { return strengthName; }
    }

    public static final AuthenticationStrength ANY_MFA = new AuthenticationStrength(Kind.ANY_MFA, Set.of());
    public static final AuthenticationStrength PHISHING_RESISTANT = new AuthenticationStrength(Kind.PHISHING_RESISTANT, Set.of());
    public static final AuthenticationStrength HARDWARE_KEY = new AuthenticationStrength(Kind.HARDWARE_KEY, Set.of());

    public AuthenticationStrength {
        models = Set.copyOf(models);
    }

    /**
     * The strength of this name ({@code mfa}, {@code phishing-resistant}, {@code hardware-key},
     * {@code allowed-models}); {@code models} only for {@code allowed-models}, where it must name
     * at least one AAGUID.
     */
    public static AuthenticationStrength named(String name, Set<UUID> models) {
        for (Kind kind : Kind.values()) {
            if (kind.strengthName.equals(name)) {
                if ((kind == Kind.ALLOWED_MODELS) == models.isEmpty()) {
                    throw new GlasskeyException(ErrorCode.ACCESS_STRENGTH_MODELS, kind == Kind.ALLOWED_MODELS
                            ? "The strength 'allowed-models' must name at least one key model (AAGUID)."
                            : "Only the strength 'allowed-models' names key models; '" + name + "' does not.", "strength.models");
                }
                return new AuthenticationStrength(kind, models);
            }
        }
        throw new GlasskeyException(ErrorCode.ACCESS_STRENGTH_UNKNOWN, "Unknown authentication strength '"
                + dev.glasskey.system.Untrusted.shown(String.valueOf(name)) + "'; known: mfa, phishing-resistant, hardware-key, allowed-models.",
                "strength");
    }

    public static AuthenticationStrength allowedModels(Set<UUID> models) {
        return named(Kind.ALLOWED_MODELS.strengthName, models);
    }

    /** Whether the sign-in described by {@code context} meets this strength. */
    public boolean metBy(SignInContext context) {
        Set<String> amr = context.amr();
        if (!amr.contains("mfa")) {
            return false;
        }
        return switch (kind) {
            case ANY_MFA -> true;
            case PHISHING_RESISTANT -> amr.contains("hwk") || amr.contains("swk");
            case HARDWARE_KEY -> amr.contains("hwk");
            case ALLOWED_MODELS -> amr.contains("hwk") && context.attestedModel() != null && models.contains(context.attestedModel());
        };
    }

    @Override
    public String toString() {
        return kind == Kind.ALLOWED_MODELS ? "allowed-models " + models : kind.strengthName;
    }
}
