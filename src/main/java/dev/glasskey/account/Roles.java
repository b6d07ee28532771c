package dev.glasskey.account;

import java.util.Set;

/** The roles Glasskey knows. {@code global-admin} may do everything. */
public final class Roles {
    public static final String GLOBAL_ADMIN = "global-admin";
    public static final String KEY_CUSTODIAN = "key-custodian";
    public static final String AUDITOR = "auditor";

    public static final Set<String> ALL = Set.of(GLOBAL_ADMIN, KEY_CUSTODIAN, AUDITOR);

    /**
     * Roles whose holders can change emergency accounts, keys or the allow-list. Every
     * administrative endpoint needs {@code global-admin} (docs/API.md); a new role that can change
     * emergency settings belongs here.
     */
    public static final Set<String> PRIVILEGED = Set.of(GLOBAL_ADMIN);

    /**
     * DOMAIN rule 1, held since issue 13 to administrators too: emergency accounts and holders of a
     * privileged role sign in only with an emergency-grade security key — never with a password and
     * code (issue 15). The one rule {@code webauthn.AuthenticatorStandard} and the password method share.
     */
    public static boolean keyRequired(boolean emergency, Set<String> roles) {
        return emergency || roles.stream().anyMatch(PRIVILEGED::contains);
    }

    private Roles() {}
}
