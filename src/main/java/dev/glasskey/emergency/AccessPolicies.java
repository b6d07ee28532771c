package dev.glasskey.emergency;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.glasskey.account.Account;

/**
 * The hook through which Conditional Access (issue 17 §5) enters the one definition of usable
 * without this package knowing policies: {@code access} implements it, {@link ReadinessService}
 * reads it into every {@link EmergencyState}, and {@link Usability} asks it. The lockout guard then
 * judges policy changes like any other change — by the state after it — and a change to accounts,
 * roles or keys that would let a policy keep emergency accounts out is judged the same way.
 */
public interface AccessPolicies {

    /** The policies in force as the current transaction sees them. */
    Scenario current();

    /**
     * The <em>emergency scenario</em> under a fixed set of policies: an emergency account signing in
     * to the console with its security key, from an address in no named location, without a
     * compliant device (issue 17 §5). Pure, so previews can judge altered states with it.
     */
    interface Scenario {
        /**
         * The names of the policies that keep the account out when it signs in with any of these keys;
         * empty when it gets in with at least one.
         *
         * @param keyModels the attested model (AAGUID) of each working key, {@code null} for a key whose
         *                  attestation did not verify to a pinned root
         */
        List<String> keptOutBy(Account account, List<UUID> keyModels, Instant now);

        /** No policies: nobody is kept out (an installation without the access feature, or none defined). */
        Scenario NONE = (account, keyModels, now) -> List.of();
    }
}
