package dev.glasskey.webauthn;

import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Component;

import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.RegisteredCredential;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import com.yubico.webauthn.data.exception.Base64UrlException;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;

/**
 * Yubico's view of our credential store. The "username" Yubico asks about is the account id;
 * sign-in is always usernameless (discoverable credentials), so the account is found from the
 * user handle the authenticator returns (WebAuthn L3 §7.2 step 6).
 */
@Component
class YubicoCredentials implements CredentialRepository {
    private final CredentialStore credentials;
    private final AccountService accounts;

    YubicoCredentials(CredentialStore credentials, AccountService accounts) {
        this.credentials = credentials;
        this.accounts = accounts;
    }

    /** Exclusion lists are built by the registration service itself, per inventory key. */
    @Override
    public Set<PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String username) {
        return Set.of();
    }

    @Override
    public Optional<ByteArray> getUserHandleForUsername(String username) {
        return Optional.empty();
    }

    @Override
    public Optional<String> getUsernameForUserHandle(ByteArray userHandle) {
        return accounts.findByUserHandle(userHandle.getBase64Url()).map(Account::id);
    }

    @Override
    public Optional<RegisteredCredential> lookup(ByteArray credentialId, ByteArray userHandle) {
        return credentials.findByCredentialId(credentialId.getBase64Url())
                .flatMap(c -> accounts.findByUserHandle(userHandle.getBase64Url())
                        .filter(a -> a.id().equals(c.accountId()))
                        .map(a -> registered(c, userHandle)));
    }

    @Override
    public Set<RegisteredCredential> lookupAll(ByteArray credentialId) {
        // Only used to refuse a registration whose credential ID is already taken.
        return credentials.findByCredentialId(credentialId.getBase64Url())
                .map(c -> registered(c, bytes(accounts.get(c.accountId()).userHandle())))
                .map(Set::of).orElse(Set.of());
    }

    static RegisteredCredential registered(Credential c, ByteArray userHandle) {
        return RegisteredCredential.builder()
                .credentialId(bytes(c.credentialId()))
                .userHandle(userHandle)
                .publicKeyCose(bytes(c.publicKeyCose()))
                .signatureCount(c.signatureCount())
                .backupEligible(c.backupEligible())
                .build();
    }

    static ByteArray bytes(String base64url) {
        try {
            return ByteArray.fromBase64Url(base64url);
        } catch (Base64UrlException e) {
            throw new IllegalStateException("stored value is not base64url", e);
        }
    }
}
