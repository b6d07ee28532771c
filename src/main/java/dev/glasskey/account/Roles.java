package dev.glasskey.account;

import java.util.Set;

/** The roles Glasskey knows. {@code global-admin} may do everything. */
public final class Roles {
    public static final String GLOBAL_ADMIN = "global-admin";
    public static final String KEY_CUSTODIAN = "key-custodian";
    public static final String AUDITOR = "auditor";

    public static final Set<String> ALL = Set.of(GLOBAL_ADMIN, KEY_CUSTODIAN, AUDITOR);

    private Roles() {}
}
