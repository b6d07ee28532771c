package dev.glasskey.webauthn;

import java.time.Clock;
import java.util.List;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.account.AccountService;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.key.KeyService;
import dev.glasskey.key.SecurityKey;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ChangeGuards;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Times;

/** Listing and revoking credentials; the effective state folds in the key's status. */
@Service
public class CredentialService {
    private final CredentialStore store;
    private final AccountService accounts;
    private final KeyService keys;
    private final Audit audit;
    private final ChangeGuards guards;
    private final Clock clock;

    CredentialService(CredentialStore store, AccountService accounts, KeyService keys, Audit audit, ChangeGuards guards, Clock clock) {
        this.store = store;
        this.accounts = accounts;
        this.keys = keys;
        this.audit = audit;
        this.guards = guards;
        this.clock = clock;
    }

    /**
     * A credential as an administrator sees it.
     *
     * @param usable works for sign-in now: active credential on an active key
     */
    public record CredentialView(Credential credential, String keyLabel, String keyStatus, boolean usable) {}

    @Transactional(readOnly = true)
    public List<CredentialView> forAccount(String accountId) {
        accounts.get(accountId);
        return store.forAccount(accountId).stream().map(this::view).toList();
    }

    @Transactional(readOnly = true)
    public List<CredentialView> forKey(String keyId) {
        keys.get(keyId);
        return store.forKey(keyId).stream().map(this::view).toList();
    }

    /** Every credential, each key read once. */
    @Transactional(readOnly = true)
    public List<CredentialView> all() {
        java.util.Map<String, SecurityKey> byId = keys.list().stream()
                .collect(java.util.stream.Collectors.toMap(SecurityKey::id, k -> k));
        return store.all().stream().map(c -> view(c, byId.get(c.keyId()))).toList();
    }

    @Transactional(readOnly = true)
    public CredentialView get(String id) {
        return view(store.find(id).orElseThrow(() -> new GlasskeyException(ErrorCode.CREDENTIAL_NOT_FOUND)));
    }

    @Transactional
    public CredentialView revoke(Actor actor, String id, String reason) {
        return guards.guard("credential.revoke", () -> {
            Credential c = store.findForUpdate(id).orElseThrow(() -> new GlasskeyException(ErrorCode.CREDENTIAL_NOT_FOUND));
            if (c.status() == Credential.Status.REVOKED) {
                return view(c);
            }
            String why = reason == null || reason.isBlank() ? "revoked by " + actor.label() : reason.strip();
            if (why.length() > 200) {
                throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "reason must be at most 200 characters.");
            }
            store.setStatus(id, Credential.Status.REVOKED, why, Times.now(clock));
            audit.record(AuditEvent.success(actor, "credential.revoke", c.accountId(), accounts.get(c.accountId()).emergency(),
                    "credential " + id + ": " + why));
            return get(id);
        });
    }

    private CredentialView view(Credential c) {
        return view(c, keys.get(c.keyId()));
    }

    private static CredentialView view(Credential c, SecurityKey key) {
        return new CredentialView(c, key.label(), key.status().value(), c.status() == Credential.Status.ACTIVE && key.active());
    }
}
