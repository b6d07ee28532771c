package dev.glasskey.web;

import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.account.Permission;
import dev.glasskey.account.Roles;
import dev.glasskey.pim.PimService;
import dev.glasskey.system.GlasskeyException;

/**
 * Judges one {@link PermissionTable.Need} for a request: the caller's roles (as the session
 * re-check left them on this request) give its permissions ({@link Roles#permissions}). For a
 * {@code PERSON} need the account named in the path must be a person — not an emergency account,
 * holding no role and eligible for none — unless the caller holds {@link Permission#ACCOUNTS_MANAGE}:
 * a people administrator cannot reset, rename, re-address or disable an emergency account or an
 * administrator (and so cannot take one over through a setup link).
 */
final class PermissionCheck implements AuthorizationManager<RequestAuthorizationContext> {
    /** Request attribute: why a signed-in caller was refused, for the problem's detail. */
    static final String REFUSAL = PermissionCheck.class.getName() + ".refusal";

    private static final AuthenticationTrustResolver TRUST = new AuthenticationTrustResolverImpl();

    private final PermissionTable.Need need;
    private final Supplier<AccountService> accounts;
    private final Supplier<PimService> pim;

    PermissionCheck(PermissionTable.Need need, Supplier<AccountService> accounts, Supplier<PimService> pim) {
        this.need = need;
        this.accounts = accounts;
        this.pim = pim;
    }

    @Override
    public AuthorizationDecision authorize(Supplier<? extends Authentication> authentication, RequestAuthorizationContext context) {
        Authentication auth = authentication.get();
        if (auth == null || !auth.isAuthenticated() || TRUST.isAnonymous(auth)) {
            return new AuthorizationDecision(false);
        }
        Set<Permission> held = permissionsOf(auth);
        boolean granted = switch (need.kind()) {
            case OPEN, SIGNED_IN -> true;
            case CONSOLE -> !held.isEmpty();
            case PERMISSION -> held.contains(need.permission());
            case PERSON -> held.contains(Permission.ACCOUNTS_MANAGE)
                    || (held.contains(need.permission()) && aPerson(context.getVariables(), context));
        };
        if (!granted && need.permission() != null && context.getRequest().getAttribute(REFUSAL) == null) {
            context.getRequest().setAttribute(REFUSAL, "This needs the permission " + need.permission().code()
                    + " (docs/API.md, \"Permissions\"); your roles do not grant it.");
        }
        return new AuthorizationDecision(granted);
    }

    static Set<Permission> permissionsOf(Authentication auth) {
        return Roles.permissions(auth.getAuthorities().stream().map(a -> a.getAuthority())
                .filter(a -> a != null && a.startsWith("ROLE_")).map(a -> a.substring(5)).toList());
    }

    /** The path's account is a person; an unknown account passes, so the endpoint answers its own 404. */
    private boolean aPerson(Map<String, String> variables, RequestAuthorizationContext context) {
        String id = variables.getOrDefault("id", variables.get("accountId"));
        Account account;
        try {
            account = accounts.get().get(id);
        } catch (GlasskeyException notFound) {
            return true;
        }
        PimService.MyRoles assignments = pim.get().mine(account.id());
        boolean person = !account.emergency() && account.roles().isEmpty() && assignments.eligible().isEmpty()
                && assignments.active().isEmpty();
        if (!person) {
            context.getRequest().setAttribute(REFUSAL, "'" + account.displayName() + "' is "
                    + (account.emergency() ? "an emergency account" : "an account with roles")
                    + ": changing it needs the permission accounts.manage (global-admin); people.manage covers people without roles.");
        }
        return person;
    }
}
