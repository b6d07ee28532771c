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

    /**
     * Application roles (issue 16 §1): roles a relying party defines for itself ({@code vault-admin}),
     * which mean nothing to Glasskey and reach only that client's tokens. PIM assigns and activates them
     * under the name {@code <client id>/<role>}; a client id never has a slash ({@code oidc.OidcClient}).
     */
    public static final char APPLICATION_SEPARATOR = '/';

    public static String application(String clientId, String name) {
        return clientId + APPLICATION_SEPARATOR + name;
    }

    public static boolean isApplication(String role) {
        return role.indexOf(APPLICATION_SEPARATOR) >= 0;
    }

    /** The names of {@code clientId}'s application roles among {@code roles}. */
    public static Set<String> applicationRolesOf(String clientId, Set<String> roles) {
        String prefix = clientId + APPLICATION_SEPARATOR;
        return roles.stream().filter(r -> r.startsWith(prefix)).map(r -> r.substring(prefix.length()))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** The directory roles among {@code roles} (those Glasskey itself knows a meaning for). */
    public static Set<String> directoryRoles(Set<String> roles) {
        return roles.stream().filter(r -> !isApplication(r)).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    private Roles() {}
}
