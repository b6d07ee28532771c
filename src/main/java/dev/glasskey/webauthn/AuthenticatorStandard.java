package dev.glasskey.webauthn;

import java.util.Optional;
import java.util.Set;

import dev.glasskey.account.Account;
import dev.glasskey.account.Roles;

/**
 * DOMAIN rule 1, held since issue 13 to administrators too: who must use an emergency-grade
 * authenticator, and whether a credential is one. The one definition that enrolment, sign-in,
 * readiness and the lockout guard ({@code emergency.Usability}) and first start all call, so none
 * of them can let through what another refuses.
 *
 * <p>Emergency-grade: a device-bound key, never a synced passkey (the BE flag, WebAuthn L3 §6.1.3),
 * of a model the loaded FIDO metadata does not report compromised (a latest status in
 * {@code glasskey.mds.deny-statuses}: issue 19), and — while the allow-list holds models — a verified
 * attestation from an allowed model.
 */
public final class AuthenticatorStandard {
    /** Roles whose holders can change emergency settings ({@link Roles#PRIVILEGED}). */
    public static final Set<String> PRIVILEGED_ROLES = Roles.PRIVILEGED;

    private AuthenticatorStandard() {}

    /** Why a credential falls short of the standard. */
    public enum Shortfall {
        /** Backup eligible: a synced passkey, which can leave the organisation's hands. */
        SYNCED_PASSKEY,
        /** The FIDO metadata's latest status report for the model is in the deny set (compromised, revoked …). */
        MODEL_COMPROMISED,
        /** Not a verified attestation of a model on the allow-list (while the list holds models). */
        MODEL_NOT_ALLOWED
    }

    /** Emergency accounts, and every account holding a role that can change emergency settings. */
    public static boolean requiredFor(Account account) {
        return requiredFor(account.emergency(), account.roles());
    }

    /** The same, from the facts alone (an emergency account, and the roles it holds). */
    public static boolean requiredFor(boolean emergency, Set<String> roles) {
        return Roles.keyRequired(emergency, roles);
    }

    /**
     * Why a credential with these facts is not emergency-grade, or empty when it is.
     *
     * @param backupEligible     the BE flag, as registered (and as the assertion at hand reports it)
     * @param allowedAaguids     the allow-list; empty means any model
     * @param compromisedAaguids the models the loaded metadata puts in the deny set ({@code mds.MdsStatus})
     */
    public static Optional<Shortfall> shortfall(boolean backupEligible, boolean attestationTrusted, String aaguid,
                                                Set<String> allowedAaguids, Set<String> compromisedAaguids) {
        if (backupEligible) {
            return Optional.of(Shortfall.SYNCED_PASSKEY);
        }
        if (compromised(aaguid, compromisedAaguids)) {
            return Optional.of(Shortfall.MODEL_COMPROMISED);
        }
        if (!allowedAaguids.isEmpty() && !(attestationTrusted && allowedAaguids.contains(aaguid))) {
            return Optional.of(Shortfall.MODEL_NOT_ALLOWED);
        }
        return Optional.empty();
    }

    /**
     * The model is in the deny set. What the session re-check asks of a live session's credential: the
     * other parts of the standard held at its sign-in and cannot change under it without an audited
     * change that ends the session already (the allow-list aside, which takes effect at the next sign-in).
     */
    public static boolean compromised(String aaguid, Set<String> compromisedAaguids) {
        return aaguid != null && compromisedAaguids.contains(aaguid);
    }

    /** A stored credential that is emergency-grade under the allow-list {@code allowedAaguids} and the metadata's deny set. */
    public static boolean meets(Credential credential, Set<String> allowedAaguids, Set<String> compromisedAaguids) {
        return shortfall(credential.backupEligible(), credential.attestationTrusted(), credential.aaguid(), allowedAaguids,
                compromisedAaguids).isEmpty();
    }
}
