package dev.glasskey.people;

import java.time.Instant;
import java.util.Set;

import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.account.Roles;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.totp.MethodService;
import dev.glasskey.system.Notes;
import dev.glasskey.webauthn.CredentialService;
import dev.glasskey.webauthn.Enrolment;
import dev.glasskey.webauthn.EnrolmentLink;
import dev.glasskey.webauthn.EnrolmentService;

/**
 * People (issue 15): an administrator invites a person — an account with a sign-in name and a
 * single-use, expiring setup link, the enrolment links' machinery with purpose {@code setup} — and
 * the person sets their methods up through the link: a password, then an authenticator app
 * confirmed by a first code, which spends the link. Every step a link refuses is audited, so
 * probing for links leaves a trace. Emergency accounts never get a setup link, a sign-in name or a
 * method of these ({@code account.key_only}); holders of a privileged role use a security key only
 * ({@code account.key_required}).
 */
@Service
public class PeopleService {
    private final AccountService accounts;
    private final EnrolmentService links;
    private final MethodService methods;
    private final CredentialService credentials;
    private final Audit audit;
    private final TransactionTemplate tx;

    PeopleService(AccountService accounts, EnrolmentService links, MethodService methods, CredentialService credentials, Audit audit,
                  PlatformTransactionManager transactionManager) {
        this.accounts = accounts;
        this.links = links;
        this.methods = methods;
        this.credentials = credentials;
        this.audit = audit;
        this.tx = new TransactionTemplate(transactionManager);
    }

    /** An invited person: the account and the link to hand them (the token appears only here). */
    public record Invitation(Account account, EnrolmentLink link) {}

    /** Creates a person's account and its setup link, in one transaction. */
    public Invitation invite(Actor actor, String displayName, String signInName, Set<String> roles) {
        return invite(actor, displayName, signInName, roles, null);
    }

    /**
     * The same, with the account's e-mail address (optional): the one address of {@code
     * AccountService#setEmail}, not verified, where the person's notices go ({@link PersonNotices}).
     * A bad address refuses the whole invitation.
     */
    public Invitation invite(Actor actor, String displayName, String signInName, Set<String> roles, String email) {
        if (roles != null && Roles.keyRequired(false, roles)) {
            throw keyRequired("An account holding " + roles.stream().filter(Roles.PRIVILEGED::contains).sorted().toList());
        }
        return tx.execute(status -> {
            Account account = accounts.createPerson(actor, displayName, signInName, roles);
            if (email != null) {
                account = accounts.setEmail(actor, account.id(), email, false);
            }
            return new Invitation(account, links.issueSetupLink(actor, account));
        });
    }

    /** A new setup link for an existing person (the account must have a sign-in name); supersedes an unused one. */
    public EnrolmentLink setupLink(Actor actor, String accountId) {
        return tx.execute(status -> {
            Account account = person(accountId);
            if (!account.enabled()) {
                throw new GlasskeyException(ErrorCode.ACCOUNT_DISABLED, "'" + account.displayName() + "' is disabled.");
            }
            return links.issueSetupLink(actor, account);
        });
    }

    /**
     * An administrator's reset of a person's methods (a lost phone, a password someone else knows):
     * the password, authenticator app and recovery codes are removed, every session and token of the
     * account ends, and a new setup link is issued — one transaction, audited and flagged.
     */
    public EnrolmentLink resetMethods(Actor actor, String accountId, String note) {
        String why = Notes.optional(note);
        return tx.execute(status -> {
            Account account = person(accountId);
            methods.remove(account.id());
            accounts.revokeAccess(account.id());
            audit.record(AuditEvent.success(actor, "account.reset_methods", account.id(), false, "password, authenticator app and"
                    + " recovery codes of '" + account.displayName() + "' removed, its sessions and tokens ended; a new setup link issued"
                    + Notes.suffix(why)).flag());
            return links.issueSetupLink(actor, account);
        });
    }

    /**
     * A person removes their own password and authenticator app (and recovery codes). Refused while
     * it is their last way to sign in with two factors: no usable passkey or security key besides
     * ({@code account.last_method}).
     */
    public void removeOwnPasswordAndApp(Actor actor, String accountId) {
        tx.executeWithoutResult(status -> {
            Account account = accounts.get(accountId);
            if (credentials.forAccount(account.id()).stream().noneMatch(CredentialService.CredentialView::usable)) {
                throw new GlasskeyException(ErrorCode.ACCOUNT_LAST_METHOD, "The password and authenticator app are the only way '"
                        + account.displayName() + "' signs in: add a passkey or security key before removing them.");
            }
            if (!methods.remove(account.id())) {
                throw new GlasskeyException(ErrorCode.NOT_FOUND, "This account has no password or authenticator app.");
            }
            audit.record(AuditEvent.success(actor, "methods.remove", account.id(), false, "'" + account.displayName()
                    + "' removed their password, authenticator app and recovery codes"));
        });
    }

    /** A passkey or security key as its holder sees it on their Security info page. */
    public record Passkey(String id, String label, boolean synced, boolean usable, Instant createdAt, Instant lastUsedAt) {}

    /** The caller's own credentials that are not revoked, oldest first. */
    public java.util.List<Passkey> ownPasskeys(String accountId) {
        return credentials.forAccount(accountId).stream()
                .filter(v -> v.credential().status() != dev.glasskey.webauthn.Credential.Status.REVOKED)
                .map(v -> new Passkey(v.credential().id(), v.keyLabel(), v.credential().backupEligible(), v.usable(),
                        v.credential().createdAt(), v.credential().lastUsedAt()))
                .toList();
    }

    /**
     * A person removes one of their own passkeys or security keys (revoked: sessions signed in with it
     * end at their next request). Refused while it is their last way to sign in with two factors —
     * no other usable credential and no password and app they may sign in with
     * ({@code account.last_method}); another account's credential is answered as unknown. For an
     * emergency account the lockout guard judges the revocation as any other.
     */
    public void removeOwnPasskey(Actor actor, String accountId, String credentialId) {
        tx.executeWithoutResult(status -> {
            Account account = accounts.get(accountId);
            CredentialService.CredentialView target;
            try {
                target = credentials.get(credentialId);
            } catch (GlasskeyException e) {
                throw new GlasskeyException(ErrorCode.CREDENTIAL_NOT_FOUND);
            }
            if (!target.credential().accountId().equals(account.id())
                    || target.credential().status() == dev.glasskey.webauthn.Credential.Status.REVOKED) {
                // Not theirs (or gone already): nothing they may see or change.
                throw new GlasskeyException(ErrorCode.CREDENTIAL_NOT_FOUND);
            }
            boolean anotherCredential = credentials.forAccount(account.id()).stream()
                    .anyMatch(v -> v.usable() && !v.credential().id().equals(credentialId));
            boolean passwordAndCode = !Roles.keyRequired(account.emergency(), account.roles()) && methods.ready(account.id());
            if (!anotherCredential && !passwordAndCode) {
                throw new GlasskeyException(ErrorCode.ACCOUNT_LAST_METHOD, "'" + target.keyLabel() + "' is the only way '"
                        + account.displayName() + "' signs in: add another passkey"
                        + (Roles.keyRequired(account.emergency(), account.roles()) ? " or security key" : ", or a password and app,")
                        + " before removing it.");
            }
            credentials.revoke(actor, credentialId, "removed by its holder on the Security info page");
        });
    }

    /** What the setup page shows. */
    public record SetupView(String displayName, String signInName, Instant expiresAt, boolean passwordSet) {}

    public SetupView view(String token) {
        return step("setup.view", token, (link, account) ->
                new SetupView(account.displayName(), account.signInName(), link.expiresAt(), methods.hasPassword(account.id())));
    }

    public void setPassword(String token, String password) {
        step("password.set", token, (link, account) -> {
            methods.setPassword(actor(account), account.id(), password);
            return null;
        });
    }

    public MethodService.TotpSetup startTotp(String token) {
        return step("totp.start", token, (link, account) -> methods.startTotp(actor(account), account.id()));
    }

    /**
     * Confirms the authenticator app with its first code; the link is spent in the same transaction.
     * Returns the person's recovery codes, shown this once.
     */
    public java.util.List<String> confirmTotp(String token, String code) {
        return step("totp.confirm", token, (link, account) -> {
            java.util.List<String> codes = methods.confirmTotp(actor(account), account.id(), code);
            links.useSetupLink(link);
            return codes;
        });
    }

    /** A signed-in person's new recovery codes (the earlier set stops working), in one transaction. */
    public java.util.List<String> newRecoveryCodes(Actor actor, String accountId) {
        return tx.execute(status -> methods.newRecoveryCodes(actor, accountId));
    }

    /** One step through a setup link, in one transaction; a refusal is audited (after the rollback) and rethrown. */
    private <T> T step(String action, String token, java.util.function.BiFunction<Enrolment, Account, T> work) {
        try {
            return tx.execute(status -> {
                Enrolment link = links.setupLink(token);
                Account account = accounts.get(link.accountId());
                if (!account.enabled()) {
                    throw new GlasskeyException(ErrorCode.ACCOUNT_DISABLED);
                }
                return work.apply(link, account);
            });
        } catch (GlasskeyException e) {
            String accountId = links.accountOfLink(token);
            tx.executeWithoutResult(status -> audit.record(AuditEvent.failure(Actor.ANONYMOUS, action, accountId,
                    e.errorCode().code(), false, e.detail() == null ? "through a setup link" : e.detail())));
            throw e;
        }
    }

    /** An account that may hold a password and code: a person's, with a sign-in name, neither emergency nor administrator. */
    private Account person(String accountId) {
        Account account = accounts.get(accountId);
        if (account.emergency()) {
            throw AccountService.keyOnly(account);
        }
        if (Roles.keyRequired(false, account.roles())) {
            throw keyRequired("'" + account.displayName() + "'");
        }
        if (account.signInName() == null) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "'" + account.displayName()
                    + "' has no sign-in name: give it one first (PUT /api/accounts/{id}/sign-in-name).", "signInName");
        }
        return account;
    }

    private static Actor actor(Account account) {
        return new Actor(account.id(), account.displayName());
    }

    private static GlasskeyException keyRequired(String who) {
        return new GlasskeyException(ErrorCode.ACCOUNT_KEY_REQUIRED, who + " signs in only with a security key: create it as an"
                + " administrator and issue an enrolment link for a key (POST /api/enrolments) instead of an invitation.");
    }
}
