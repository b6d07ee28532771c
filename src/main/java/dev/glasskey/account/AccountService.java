package dev.glasskey.account;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ChangeGuards;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Ids;
import dev.glasskey.system.Notes;
import dev.glasskey.system.Times;

/** Accounts and their roles: rules, transaction boundary, audit. */
@Service
public class AccountService {
    /** WebAuthn L3 §5.4.3: the user handle is at most 64 bytes; 32 random bytes never collide in practice. */
    private static final int USER_HANDLE_BYTES = 32;

    private final AccountStore store;
    private final Audit audit;
    private final ChangeGuards guards;
    private final Clock clock;

    AccountService(AccountStore store, Audit audit, ChangeGuards guards, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.guards = guards;
        this.clock = clock;
    }

    @Transactional
    public Account create(Actor actor, String displayName, boolean emergency, Set<String> roles) {
        return create(actor, displayName, emergency, roles, null);
    }

    /**
     * Creates a person's account with a sign-in name (issue 15), for an invitation: the caller
     * issues its setup link in the same transaction. An emergency account never has a sign-in name
     * ({@code account.key_only}).
     */
    @Transactional
    public Account createPerson(Actor actor, String displayName, String signInName, Set<String> roles) {
        return create(actor, displayName, false, roles, SignInNames.valid(signInName));
    }

    private Account create(Actor actor, String displayName, boolean emergency, Set<String> roles, String signInName) {
        String name = validName(displayName);
        Set<String> validRoles = validRoles(roles);
        if (signInName != null && store.signInNameTaken(signInName, null)) {
            throw new GlasskeyException(ErrorCode.SIGN_IN_NAME_TAKEN, "Another account already signs in as '" + signInName + "'.", "signInName");
        }
        return guards.guard("account.create", () -> {
            Instant now = Times.now(clock);
            String handle;
            do {
                handle = Ids.randomToken(USER_HANDLE_BYTES);
            } while (store.userHandleIssued(handle));
            Account account = new Account(Ids.uuid(), name, emergency, true, handle, validRoles, now, now, 0, signInName, null, false);
            insertUnique(account);
            audit.record(AuditEvent.success(actor, "account.create", account.id(), emergency,
                    (emergency ? "emergency" : "regular") + " account '" + name + "' roles " + new TreeSet<>(validRoles)
                            + (signInName == null ? "" : " sign-in name '" + signInName + "'")));
            return account;
        });
    }

    @Transactional
    public Account setEnabled(Actor actor, String id, boolean enabled) {
        return setEnabled(actor, id, enabled, null);
    }

    /** Enables or disables an account; {@code note} (optional, {@link Notes}) goes into the audit entry. */
    @Transactional
    public Account setEnabled(Actor actor, String id, boolean enabled, String note) {
        String why = Notes.optional(note);
        return guards.guard(enabled ? "account.enable" : "account.disable", () -> {
            Account before = lock(id);
            if (before.enabled() == enabled) {
                return before;
            }
            store.setEnabled(id, enabled, Times.now(clock));
            if (!enabled) {
                store.bumpSecurityVersion(id);
            }
            audit.record(AuditEvent.success(actor, enabled ? "account.enable" : "account.disable", id, before.emergency(),
                    before.displayName() + Notes.suffix(why)));
            return get(id);
        });
    }

    @Transactional
    public Account rename(Actor actor, String id, String displayName) {
        return guards.guard("account.rename", () -> {
            Account before = lock(id);
            String name = validName(displayName);
            store.rename(id, name, Times.now(clock));
            audit.record(AuditEvent.success(actor, "account.rename", id, before.emergency(),
                    "'" + before.displayName() + "' -> '" + name + "'"));
            return get(id);
        });
    }

    /**
     * Gives a person's account a (new) sign-in name. Emergency accounts never get one
     * ({@code account.key_only}, DOMAIN rule 1).
     */
    @Transactional
    public Account setSignInName(Actor actor, String id, String signInName) {
        Account before = lock(id);
        if (before.emergency()) {
            throw keyOnly(before);
        }
        String name = SignInNames.valid(signInName);
        if (store.signInNameTaken(name, id)) {
            throw new GlasskeyException(ErrorCode.SIGN_IN_NAME_TAKEN, "Another account already signs in as '" + name + "'.", "signInName");
        }
        try {
            store.setSignInName(id, name, Times.now(clock));
        } catch (org.springframework.dao.DuplicateKeyException raced) {
            throw new GlasskeyException(ErrorCode.SIGN_IN_NAME_TAKEN, "Another account already signs in as '" + name + "'.", "signInName");
        }
        audit.record(AuditEvent.success(actor, "account.sign_in_name", id, false,
                "'" + before.displayName() + "' signs in as '" + name + "'"
                        + (before.signInName() == null ? "" : " (was '" + before.signInName() + "')")));
        return get(id);
    }

    /**
     * Gives an account an e-mail address for relying parties (the OpenID Connect {@code email} scope), or
     * removes it ({@code email} null or blank). {@code verified} is the administrator's assertion that the
     * address was checked; Glasskey sends no mail to accounts and checks nothing itself, so without that
     * assertion {@code email_verified} is false — and a new address never inherits the old one's assertion.
     * An address is not a sign-in method: emergency accounts may have one (a team's shared mailbox).
     */
    @Transactional
    public Account setEmail(Actor actor, String id, String email, Boolean verified) {
        Account before = lock(id);
        String address = email == null || email.isBlank() ? null : Emails.valid(email);
        boolean asserted = address != null && Boolean.TRUE.equals(verified);
        if (address == null && Boolean.TRUE.equals(verified)) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "verified needs an e-mail address to be about.", "verified");
        }
        store.setEmail(id, address, asserted, Times.now(clock));
        audit.record(AuditEvent.success(actor, "account.email", id, before.emergency(), "'" + before.displayName() + "' "
                + (address == null ? "has no e-mail address" : "e-mail '" + address + "'" + (asserted ? " (verified, as the administrator asserts)" : " (not verified)"))
                + (before.email() == null ? "" : " (was '" + before.email() + "'" + (before.emailVerified() ? ", verified" : "") + ")")));
        return get(id);
    }

    /** DOMAIN rule 1: what every attempt to give an emergency account a non-key method is refused with. */
    public static GlasskeyException keyOnly(Account account) {
        return new GlasskeyException(ErrorCode.ACCOUNT_KEY_ONLY, "'" + account.displayName()
                + "' is an emergency account: it signs in only with a security key, and takes no sign-in name, password or other method.");
    }

    /** The account with this sign-in name (compared without case), if any. */
    @Transactional(readOnly = true)
    public java.util.Optional<Account> findBySignInName(String signInName) {
        return store.findBySignInName(signInName);
    }

    @Transactional
    public Account setRoles(Actor actor, String id, Set<String> roles) {
        return guards.guard("account.roles", () -> {
            Account before = lock(id);
            Set<String> validRoles = validRoles(roles);
            store.replaceRoles(id, validRoles);
            boolean removed = !validRoles.containsAll(before.roles());
            if (removed) {
                // A session holds the roles of its sign-in: one that lost a role is over.
                store.bumpSecurityVersion(id);
            }
            audit.record(AuditEvent.success(actor, "account.roles", id, before.emergency(),
                    new TreeSet<>(before.roles()) + " -> " + new TreeSet<>(validRoles)
                            + (removed ? "; its sessions and tokens are ended" : "")));
            return get(id);
        });
    }

    /**
     * Ends every session and OpenID Connect authorization of the account at their next use
     * ("sign out everywhere", a credential revoked, a key lost): called inside the change's own
     * transaction, which records its audit entry.
     */
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public void revokeAccess(String id) {
        store.bumpSecurityVersion(id);
    }

    @Transactional(readOnly = true)
    public Account get(String id) {
        return store.find(id).orElseThrow(() -> new GlasskeyException(ErrorCode.ACCOUNT_NOT_FOUND, "No account with id " + id + "."));
    }

    @Transactional(readOnly = true)
    public java.util.Optional<Account> findByUserHandle(String userHandle) {
        return store.findByUserHandle(userHandle);
    }

    @Transactional(readOnly = true)
    public List<Account> list() {
        return store.all();
    }

    /**
     * Other accounts with the same display name (compared without case and spacing): the console
     * and the API warn about them, since two accounts one cannot tell apart invite a wrong click.
     */
    @Transactional(readOnly = true)
    public List<Account> namesakes(String id, String displayName) {
        String name = sameName(displayName);
        return store.all().stream().filter(a -> !a.id().equals(id) && sameName(a.displayName()).equals(name)).toList();
    }

    private static String sameName(String name) {
        return name == null ? "" : name.strip().replaceAll("\\s+", " ").toLowerCase(java.util.Locale.ROOT);
    }

    @Transactional(readOnly = true)
    public long countWithRole(String role) {
        return store.countWithRole(role);
    }

    private void insertUnique(Account account) {
        try {
            store.insert(account);
        } catch (org.springframework.dao.DuplicateKeyException raced) {
            // Two invitations of one name at once: the unique index decides, the loser is told so.
            throw new GlasskeyException(ErrorCode.SIGN_IN_NAME_TAKEN, "Another account already signs in as '" + account.signInName() + "'.",
                    "signInName");
        }
    }

    private Account lock(String id) {
        return store.findForUpdate(id).orElseThrow(() -> new GlasskeyException(ErrorCode.ACCOUNT_NOT_FOUND, "No account with id " + id + "."));
    }

    private static String validName(String displayName) {
        if (displayName == null || displayName.isBlank()) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "displayName is required.", "displayName");
        }
        String name = displayName.strip();
        if (name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "displayName must be at most 200 printable characters.", "displayName");
        }
        return name;
    }

    private static Set<String> validRoles(Set<String> roles) {
        if (roles == null) {
            return Set.of();
        }
        for (String role : roles) {
            if (!Roles.ALL.contains(role)) {
                throw new GlasskeyException(ErrorCode.ROLE_UNKNOWN, "Unknown role '" + role + "'; known roles: " + new TreeSet<>(Roles.ALL) + ".", "roles");
            }
        }
        return Set.copyOf(roles);
    }
}
