package dev.glasskey.account;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a role lets its holder do (issue 16, least privilege). Each role grants a set of these
 * ({@link Roles#permissions}); each endpoint and console page needs one of them, or none
 * ({@code web.PermissionTable}). docs/API.md, "Permissions", holds both tables and a test walks
 * every endpoint with every role against it.
 */
public enum Permission {
    /** Read accounts, their credentials, sessions and enrolment links. */
    ACCOUNTS_READ("accounts.read"),
    /**
     * Manage people: invite without roles, setup links, reset methods, e-mail, names, enable and
     * disable, sign out — only of a <em>person</em>: an account that is not an emergency account and
     * holds or may activate no role. Anything else needs {@link #ACCOUNTS_MANAGE}.
     */
    PEOPLE_MANAGE("people.manage"),
    /** Manage every account: emergency accounts, roles, enrolment links, credentials. */
    ACCOUNTS_MANAGE("accounts.manage"),
    /** Read the key inventory. */
    KEYS_READ("keys.read"),
    /** Register, edit, mark lost, retire keys; custodian sheets. */
    KEYS_MANAGE("keys.manage"),
    /** Start and close drills, re-check readiness. */
    DRILLS_RUN("drills.run"),
    /** Readiness, the accounts × keys matrix, drills, the first-run checklist. */
    EMERGENCY_READ("emergency.read"),
    /** The audit log: read, verify, export, checkpoints. */
    AUDIT_READ("audit.read"),
    /** Alert channels, rules and deliveries: read. */
    ALERTS_READ("alerts.read"),
    /** Alert channels and rules: change, test. */
    ALERTS_MANAGE("alerts.manage"),
    /** OpenID Connect clients and signing keys: read. */
    CLIENTS_READ("clients.read"),
    /** OpenID Connect clients: create, delete; signing keys: rotate. */
    CLIENTS_MANAGE("clients.manage"),
    /** The key-model allow-list and the FIDO metadata: read. */
    MODELS_READ("models.read"),
    /** The key-model allow-list and the FIDO metadata: change, load, fetch. */
    MODELS_MANAGE("models.manage"),
    /** Conditional Access: policies, named locations, device CAs, what-if. */
    ACCESS_MANAGE("access.manage"),
    /** PIM: the assignments report, role settings, activation history. */
    PIM_READ("pim.read"),
    /** PIM: assign, remove, change role settings and approvers. */
    PIM_MANAGE("pim.manage"),
    /** The server's settings page. */
    SETTINGS_READ("settings.read");

    private final String code;

    Permission(String code) {
        this.code = code;
    }

    /** The stable name used in docs/API.md. */
    public String code() {
        return code;
    }

    public static Optional<Permission> ofCode(String code) {
        return Arrays.stream(values()).filter(p -> p.code.equals(code)).findFirst();
    }
}
