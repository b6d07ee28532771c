package dev.glasskey.account;

import java.time.Instant;
import java.util.Set;

/**
 * A sign-in identity. Emergency accounts belong to the organisation, not to a person,
 * and authenticate only with a security key.
 *
 * @param userHandle the WebAuthn user handle (L3 §14.6.1), base64url; unique, never reused
 * @param securityVersion bumped by every change that takes access away (disable, a role removed,
 *        "sign out everywhere"); sessions and OpenID Connect authorizations made under an older
 *        value are over
 * @param signInName the name a person signs in with, as given (unique without case; issue 15); null for
 *        emergency accounts, which never have one, and for accounts that sign in with a key only
 * @param email an address an administrator gave the account (V24_1, issue 20), for relying parties' {@code email} claim; null if none
 * @param emailVerified the administrator who set {@code email} asserted it was checked (Glasskey verifies nothing itself);
 *        always false without an address
 */
public record Account(String id, String displayName, boolean emergency, boolean enabled, String userHandle,
                      Set<String> roles, Instant createdAt, Instant updatedAt, long securityVersion, String signInName,
                      String email, boolean emailVerified) {

    public Account {
        roles = Set.copyOf(roles);
    }

    /**
     * The OpenID Connect {@code preferred_username} (Core 1.0 §5.1): the sign-in name a person types, or the
     * account's name where there is none (emergency accounts, key-only accounts). Not unique, as §5.1 warns:
     * relying parties key accounts on {@code sub}.
     */
    public String preferredUsername() {
        return signInName != null ? signInName : displayName;
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
