package dev.glasskey.totp;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.account.Roles;
import dev.glasskey.account.SignInNames;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.GlasskeyProperties;
import dev.glasskey.system.Ids;
import dev.glasskey.system.QrCodes;
import dev.glasskey.system.RateLimitedException;
import dev.glasskey.system.RateLimits;
import dev.glasskey.system.Times;
import dev.glasskey.system.Untrusted;

/**
 * The password + authenticator-app method (issue 15): setting a password, setting up and
 * confirming an authenticator app, and verifying a sign-in with name, password and code. It proves
 * who signed in and opens no session ({@code session} does, as for a security key).
 *
 * <p>Emergency accounts never hold this method ({@code account.key_only}); holders of a role that
 * can change emergency settings cannot sign in with it ({@code account.key_required}):
 * {@link Roles#keyRequired}.
 */
@Service
public class MethodService {
    private final MethodStore store;
    private final Passwords passwords;
    private final AccountService accounts;
    private final RateLimits limits;
    private final Audit audit;
    private final Clock clock;
    private final GlasskeyProperties properties;
    private final TransactionTemplate tx;

    MethodService(MethodStore store, Passwords passwords, AccountService accounts, RateLimits limits, Audit audit, Clock clock,
                  GlasskeyProperties properties, PlatformTransactionManager transactionManager) {
        this.store = store;
        this.passwords = passwords;
        this.accounts = accounts;
        this.limits = limits;
        this.audit = audit;
        this.clock = clock;
        this.properties = properties;
        this.tx = new TransactionTemplate(transactionManager);
    }

    /** What a person sees to set up their authenticator app: scan the QR code, or type the key. */
    public record TotpSetup(String uri, String qrCode, String manualKey) {}

    /** Sets (or replaces) an account's password, in the caller's transaction. */
    public void setPassword(Actor actor, String accountId, String password) {
        Account account = methodHolder(accountId);
        passwords.check(password, account.signInName());
        String hash = passwords.hash(password);
        store.setPassword(account.id(), hash, Times.now(clock));
        audit.record(AuditEvent.success(actor, "password.set", account.id(), false, "password of '" + account.displayName() + "' set"));
    }

    /**
     * Starts (or restarts) the set-up of an account's authenticator app, in the caller's
     * transaction: a new secret, pending until {@link #confirmTotp} sees a first code from it.
     */
    public TotpSetup startTotp(Actor actor, String accountId) {
        Account account = methodHolder(accountId);
        if (store.totp(account.id()).filter(t -> MethodStore.ACTIVE.equals(t.status())).isPresent()) {
            throw new GlasskeyException(ErrorCode.CONFLICT, "An authenticator app is already set up for this account.");
        }
        String secret = Totp.newSecret();
        store.startTotp(account.id(), secret, Times.now(clock));
        audit.record(AuditEvent.success(actor, "totp.start", account.id(), false, "authenticator app set-up started for '"
                + account.displayName() + "'"));
        String uri = Totp.uri(issuer(), account.signInName() == null ? account.displayName() : account.signInName(), secret);
        return new TotpSetup(uri, QrCodes.dataUri(uri), Totp.grouped(secret));
    }

    /**
     * Confirms the pending authenticator app with a first code (within ±1 step), in the caller's
     * transaction; the password must be set first. The step of that code is spent: it cannot sign in.
     * Returns the account's first {@link RecoveryCodes}, shown this once.
     */
    public List<String> confirmTotp(Actor actor, String accountId, String code) {
        Account account = methodHolder(accountId);
        if (store.passwordHash(account.id()).isEmpty()) {
            throw new GlasskeyException(ErrorCode.PASSWORD_MISSING);
        }
        MethodStore.TotpRow totp = store.totp(account.id()).filter(t -> MethodStore.PENDING.equals(t.status()))
                .orElseThrow(() -> new GlasskeyException(ErrorCode.TOTP_NOT_STARTED));
        OptionalLong step = Totp.matchingStep(totp.secret(), code == null ? null : code.strip(), Times.now(clock));
        if (step.isEmpty()) {
            throw new GlasskeyException(ErrorCode.TOTP_CODE_INVALID, null, "code");
        }
        if (!store.confirmTotp(account.id(), step.getAsLong(), Times.now(clock))) {
            throw new GlasskeyException(ErrorCode.TOTP_NOT_STARTED);
        }
        audit.record(AuditEvent.success(actor, "totp.confirm", account.id(), false, "authenticator app of '" + account.displayName()
                + "' confirmed; password + code sign-in enabled"));
        return newRecoveryCodes(actor, account);
    }

    /**
     * A new set of {@link RecoveryCodes#COUNT} recovery codes for a person who signs in with a password
     * and code, in the caller's transaction: the earlier set stops working. The codes are returned this
     * once; only their hashes are kept.
     */
    public List<String> newRecoveryCodes(Actor actor, String accountId) {
        Account account = methodHolder(accountId);
        if (store.totp(account.id()).filter(t -> MethodStore.ACTIVE.equals(t.status())).isEmpty()) {
            throw new GlasskeyException(ErrorCode.TOTP_NOT_STARTED, "Recovery codes stand in for an authenticator app: set one up first.");
        }
        return newRecoveryCodes(actor, account);
    }

    private List<String> newRecoveryCodes(Actor actor, Account account) {
        List<String> codes = RecoveryCodes.generate();
        store.replaceRecoveryCodes(account.id(), codes.stream().map(RecoveryCodes::hash).toList(), Times.now(clock));
        audit.record(AuditEvent.success(actor, "recovery_codes.issue", account.id(), false, RecoveryCodes.COUNT
                + " recovery codes issued to '" + account.displayName() + "'; earlier ones no longer work"));
        return codes;
    }

    /**
     * Removes the account's password, authenticator app and recovery codes, in the caller's
     * transaction (which decides whether that may happen and records why). Sessions made with them
     * end at their next request ({@code totp.removed}). True when there was anything to remove.
     */
    public boolean remove(String accountId) {
        return store.removeAll(accountId);
    }

    /** The password + code method of an account, as its security-info page shows it. */
    public record Methods(boolean password, boolean authenticatorApp, long recoveryCodesLeft) {}

    public Methods methods(String accountId) {
        return tx.execute(status -> new Methods(store.passwordHash(accountId).isPresent(),
                store.totp(accountId).filter(t -> MethodStore.ACTIVE.equals(t.status())).isPresent(), store.unusedRecoveryCodes(accountId)));
    }

    /** Whether the account has a password. */
    public boolean hasPassword(String accountId) {
        return tx.execute(status -> store.passwordHash(accountId).isPresent());
    }

    /** Whether the account can sign in with a password and code (both set, the app confirmed). */
    public boolean ready(String accountId) {
        return tx.execute(status -> store.passwordHash(accountId).isPresent()
                && store.totp(accountId).filter(t -> MethodStore.ACTIVE.equals(t.status())).isPresent());
    }

    /**
     * Verifies a sign-in with name, password and code, and on success runs {@code inTransaction}
     * (the session is opened there) in the transaction that spends the code's step and records the
     * sign-in. Every wrong name, password, code or replayed code is one answer, {@code signin.failed},
     * audited with its precise reason; failures are throttled per sign-in name (whether or not an
     * account has it) and per client address, with growing delays ({@link RateLimits.Kind#PASSWORD_NAME}).
     * The password is hashed outside any transaction, so a flood holds no database connections.
     */
    public <T> T signIn(String signInName, String password, String code, String address, Function<Account, T> inTransaction) {
        String name = signInName == null ? "" : Untrusted.clip(signInName.strip(), SignInNames.MAX_LENGTH + 1);
        String nameBucket = Ids.sha256Hex(name.isEmpty() ? "" : SignInNames.key(name));
        String addressBucket = RateLimits.addressKey(address);
        OptionalLong wait = limits.exhausted(RateLimits.Kind.PASSWORD_NAME, nameBucket);
        if (wait.isEmpty()) {
            wait = limits.exhausted(RateLimits.Kind.PASSWORD_ADDRESS, addressBucket);
        }
        if (wait.isPresent()) {
            throw new RateLimitedException(wait.getAsLong(), "Too many failed sign-ins for this name or from this address; try again in "
                    + wait.getAsLong() + " s.");
        }
        record Stored(Account account, String hash, MethodStore.TotpRow totp) {}
        Stored stored = tx.execute(status -> {
            Optional<Account> account = name.isEmpty() || name.length() > SignInNames.MAX_LENGTH ? Optional.empty()
                    : accounts.findBySignInName(name);
            return account.map(a -> new Stored(a, store.passwordHash(a.id()).orElse(null), store.totp(a.id()).orElse(null)))
                    .orElse(new Stored(null, null, null));
        });
        // Hashed even for an unknown name (against a decoy), so the answer's timing does not tell names apart.
        boolean passwordRight = passwords.matches(password, stored.hash());
        Account account = stored.account();
        if (account == null) {
            throw failed(null, name, "signin.unknown_name", nameBucket, addressBucket);
        }
        if (!passwordRight) {
            throw failed(account, name, stored.hash() == null ? "signin.no_password" : "signin.password_wrong", nameBucket, addressBucket);
        }
        if (stored.totp() == null || !MethodStore.ACTIVE.equals(stored.totp().status())) {
            throw failed(account, name, "signin.no_authenticator", nameBucket, addressBucket);
        }
        String given = code == null ? "" : code.strip();
        // Six digits are an app's code; anything else may be a recovery code typed in its place.
        String recoveryHash = given.length() == Totp.DIGITS ? null : RecoveryCodes.hash(given);
        OptionalLong step = recoveryHash != null ? OptionalLong.empty() : Totp.matchingStep(stored.totp().secret(), given, Times.now(clock));
        if (step.isEmpty() && recoveryHash == null) {
            throw failed(account, name, "signin.code_wrong", nameBucket, addressBucket);
        }
        try {
            return tx.execute(status -> {
                Account now = accounts.get(account.id());
                if (!now.enabled()) {
                    throw new GlasskeyException(ErrorCode.ACCOUNT_DISABLED);
                }
                if (Roles.keyRequired(now.emergency(), now.roles())) {
                    throw new GlasskeyException(ErrorCode.ACCOUNT_KEY_REQUIRED, "'" + now.displayName()
                            + "' holds a role that signs in only with a security key: use the key.");
                }
                Actor actor = new Actor(now.id(), now.displayName());
                if (recoveryHash != null) {
                    if (!store.useRecoveryCode(now.id(), recoveryHash, Times.now(clock))) {
                        throw new ReplayedCode("signin.recovery_code_wrong");
                    }
                    // Flagged: a person's app is gone or out of reach, or someone else holds the codes (the alert rules see it).
                    audit.record(AuditEvent.success(actor, "recovery_code.use", now.id(), false, "a recovery code stood in for the"
                            + " authenticator app; " + store.unusedRecoveryCodes(now.id()) + " left").flag());
                } else if (!store.spendStep(now.id(), step.getAsLong())) {
                    throw new ReplayedCode("signin.code_replayed");
                }
                audit.record(AuditEvent.success(actor, "signin.password", now.id(), false, recoveryHash != null
                        ? "password and recovery code" : "password and authenticator-app code, time step " + step.getAsLong()));
                return inTransaction.apply(now);
            });
        } catch (ReplayedCode replayed) {
            throw failed(account, name, replayed.reason, nameBucket, addressBucket);
        } catch (GlasskeyException refused) {
            // Name, password and code were right: the refusal may say why (and an administrator trying it is flagged).
            AuditEvent event = AuditEvent.failure(new Actor(account.id(), account.displayName()), "signin.password", account.id(),
                    refused.errorCode().code(), false, refused.detail());
            tx.executeWithoutResult(status -> audit.record(refused.errorCode() == ErrorCode.ACCOUNT_KEY_REQUIRED ? event.flag() : event));
            throw refused;
        }
    }

    /**
     * The code's step was spent already (a replay), or the recovery code is unknown or used: found in
     * the transaction that would have spent it.
     */
    private static final class ReplayedCode extends RuntimeException {
        final String reason;

        ReplayedCode(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }
    }

    private GlasskeyException failed(Account account, String name, String reason, String nameBucket, String addressBucket) {
        limits.spend(RateLimits.Kind.PASSWORD_NAME, nameBucket);
        limits.spend(RateLimits.Kind.PASSWORD_ADDRESS, addressBucket);
        tx.executeWithoutResult(status -> audit.record(AuditEvent.failure(
                account == null ? Actor.ANONYMOUS : new Actor(account.id(), account.displayName()), "signin.password",
                account == null ? null : account.id(), reason, false, "sign-in name '" + Untrusted.shown(name) + "'")));
        return new GlasskeyException(ErrorCode.SIGN_IN_FAILED);
    }

    /** The account, when it may hold this method: never an emergency account (DOMAIN rule 1). */
    private Account methodHolder(String accountId) {
        Account account = accounts.get(accountId);
        if (account.emergency()) {
            throw AccountService.keyOnly(account);
        }
        if (Roles.keyRequired(false, account.roles())) {
            throw new GlasskeyException(ErrorCode.ACCOUNT_KEY_REQUIRED, "'" + account.displayName()
                    + "' holds a role that signs in only with a security key; a password and code would never sign it in.");
        }
        return account;
    }

    private String issuer() {
        return "Glasskey (" + java.net.URI.create(properties.baseUrl()).getHost() + ")";
    }
}
