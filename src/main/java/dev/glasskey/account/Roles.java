package dev.glasskey.account;

import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static dev.glasskey.account.Permission.*;

/**
 * The roles Glasskey knows and the permissions each grants (issue 16: least privilege). The one
 * role × permission table; docs/API.md, "Permissions", shows it and {@code PermissionContract}
 * checks that the two agree.
 */
public final class Roles {
    /** Everything. */
    public static final String GLOBAL_ADMIN = "global-admin";
    /** People accounts: invite, reset methods, e-mail, enable and disable — never emergency accounts or role holders. */
    public static final String PEOPLE_ADMIN = "people-admin";
    /** The key inventory and drills. */
    public static final String KEY_CUSTODIAN = "key-custodian";
    /** Alert channels and rules. */
    public static final String ALERT_ADMIN = "alert-admin";
    /** OpenID Connect clients and signing keys. */
    public static final String CLIENT_ADMIN = "client-admin";
    /** Read-only: the audit log, readiness, the matrix, inventories, PIM's report. */
    public static final String AUDITOR = "auditor";

    /** Role → permissions, in the order the docs list the roles. */
    private static final Map<String, Set<Permission>> PERMISSIONS = permissions();

    private static Map<String, Set<Permission>> permissions() {
        Map<String, Set<Permission>> m = new LinkedHashMap<>();
        m.put(GLOBAL_ADMIN, EnumSet.allOf(Permission.class));
        m.put(PEOPLE_ADMIN, EnumSet.of(ACCOUNTS_READ, PEOPLE_MANAGE));
        m.put(KEY_CUSTODIAN, EnumSet.of(KEYS_READ, KEYS_MANAGE, DRILLS_RUN, EMERGENCY_READ, MODELS_READ));
        m.put(ALERT_ADMIN, EnumSet.of(ALERTS_READ, ALERTS_MANAGE));
        m.put(CLIENT_ADMIN, EnumSet.of(CLIENTS_READ, CLIENTS_MANAGE));
        m.put(AUDITOR, EnumSet.of(ACCOUNTS_READ, KEYS_READ, EMERGENCY_READ, AUDIT_READ, PIM_READ));
        m.replaceAll((role, set) -> java.util.Collections.unmodifiableSet(set));
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Every role, in the docs' order. */
    public static final Set<String> ALL = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(PERMISSIONS.keySet()));

    /**
     * Roles whose holders can change emergency accounts, keys, alerting of emergency use or the
     * allow-list: global administrators, key custodians (the keys emergency accounts sign in with)
     * and alert administrators (the alarms that tell the organisation an emergency account was used).
     * A new role that can change emergency settings belongs here.
     */
    public static final Set<String> PRIVILEGED = Set.of(GLOBAL_ADMIN, KEY_CUSTODIAN, ALERT_ADMIN);

    /** The permissions one role grants (none for an unknown role). */
    public static Set<Permission> permissions(String role) {
        return PERMISSIONS.getOrDefault(role, Set.of());
    }

    /** The permissions a set of roles grants together. */
    public static Set<Permission> permissions(Collection<String> roles) {
        EnumSet<Permission> all = EnumSet.noneOf(Permission.class);
        for (String role : roles) {
            all.addAll(permissions(role));
        }
        return all;
    }

    /**
     * The permissions of whoever makes the current request: its session's roles, which the session
     * re-check has brought up to date (authorities {@code ROLE_<role>}). For the few rules that depend
     * on a request's body rather than its path (an invitation that grants roles); the path is judged
     * by {@code web.PermissionTable}.
     */
    public static Set<Permission> callerPermissions() {
        org.springframework.security.core.Authentication auth =
                org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
        if (auth == null) {
            return Set.of();
        }
        return permissions(auth.getAuthorities().stream().map(a -> a.getAuthority())
                .filter(a -> a != null && a.startsWith("ROLE_")).map(a -> a.substring(5)).toList());
    }

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
