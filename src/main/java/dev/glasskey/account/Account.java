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
 */
public record Account(String id, String displayName, boolean emergency, boolean enabled, String userHandle,
                      Set<String> roles, Instant createdAt, Instant updatedAt, long securityVersion, String signInName) {

    public Account {
        roles = Set.copyOf(roles);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
