package dev.glasskey.emergency;

import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.account.Account;
import dev.glasskey.alert.AlertReadiness;
import dev.glasskey.alert.ChannelStatus;
import dev.glasskey.key.SecurityKey;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.webauthn.AuthenticatorStandard;
import dev.glasskey.webauthn.Credential;

/**
 * What a destructive change would do, said before it is made (issue 18: "12 credentials on this
 * key stop working; readiness drops to warn"). The change is applied to a copy of the
 * {@link EmergencyState} — nothing is written — and judged by the same pure functions as the real
 * change: {@link Usability} for who can sign in, {@link Readiness} for the verdict, and the lockout
 * guard's {@link LockoutGuard#judge} for whether it would be refused.
 */
@Service
public class ChangePreview {
    private final ReadinessService readiness;
    private final AlertReadiness alerts;

    ChangePreview(ReadinessService readiness, AlertReadiness alerts) {
        this.readiness = readiness;
        this.alerts = alerts;
    }

    /**
     * The consequence of one change.
     *
     * @param credentialsStopping credentials that work now and would not afterwards
     * @param accountsLosingAccess accounts that could sign in now and could not afterwards (display names)
     * @param refusalCode   the code the lockout guard would refuse the change with, or null
     */
    public record Consequence(String change, long credentialsStopping, List<String> accountsLosingAccess,
                              ReadinessCheck.Status readinessBefore, ReadinessCheck.Status readinessAfter,
                              int usableBefore, int usableAfter, int minimum, String refusalCode, String refusalDetail) {
        public boolean refused() {
            return refusalCode != null;
        }

        public boolean readinessChanges() {
            return readinessBefore != readinessAfter;
        }
    }

    @Transactional(readOnly = true)
    public Consequence disableAccount(String accountId) {
        EmergencyState before = readiness.state();
        require(before.accounts().stream().anyMatch(a -> a.id().equals(accountId)), ErrorCode.ACCOUNT_NOT_FOUND);
        return judge("account.disable", before, withAccounts(before, a -> a.id().equals(accountId)
                ? new Account(a.id(), a.displayName(), a.emergency(), false, a.userHandle(), a.roles(), a.createdAt(),
                a.updatedAt(), a.securityVersion(), a.signInName(), a.email(), a.emailVerified()) : a));
    }

    @Transactional(readOnly = true)
    public Consequence revokeCredential(String credentialId) {
        EmergencyState before = readiness.state();
        require(before.credentials().stream().anyMatch(c -> c.id().equals(credentialId)), ErrorCode.CREDENTIAL_NOT_FOUND);
        return judge("credential.revoke", before, withCredentials(before, c -> c.id().equals(credentialId)
                ? new Credential(c.id(), c.credentialId(), c.accountId(), c.keyId(), c.publicKeyCose(), c.signatureCount(),
                c.aaguid(), c.attestationFormat(), c.attestationTrusted(), c.backupEligible(), c.transports(),
                Credential.Status.REVOKED, c.statusReason(), c.createdAt(), c.lastUsedAt(), c.statusChangedAt()) : c));
    }

    /** Marking a key lost or retiring it. */
    @Transactional(readOnly = true)
    public Consequence keyStatus(String keyId, SecurityKey.Status status) {
        EmergencyState before = readiness.state();
        require(before.key(keyId) != null, ErrorCode.KEY_NOT_FOUND);
        String change = status == SecurityKey.Status.LOST ? "key.lost" : "key.retire";
        return judge(change, before, withKeys(before, k -> k.id().equals(keyId)
                ? new SecurityKey(k.id(), k.label(), k.aaguid(), k.model(), k.serial(), k.custodian(), k.location(), k.capacity(),
                status, k.createdAt(), before.now()) : k));
    }

    /**
     * Deleting an alert channel: no credential is touched; readiness is judged again with the alerting
     * check ({@link AlertingCheck#judge}) over the channels that would remain.
     */
    @Transactional(readOnly = true)
    public Consequence deleteChannel(String channelId) {
        List<ChannelStatus> channels = alerts.channels();
        require(channels.stream().anyMatch(c -> c.id().equals(channelId)), ErrorCode.ALERT_CHANNEL_NOT_FOUND);
        ReadinessReport was = readiness.report();
        ReadinessCheck alerting = AlertingCheck.judge(channels.stream().filter(c -> !c.id().equals(channelId)).toList());
        ReadinessCheck.Status after = alerting.status();
        for (ReadinessCheck c : was.checks()) {
            if (!c.id().equals(AlertingCheck.ID)) {
                after = after.worst(c.status());
            }
        }
        return new Consequence("alert.channel.delete", 0, List.of(), was.status(), after, was.usableAccounts(), was.usableAccounts(),
                was.minimum(), null, null);
    }

    private Consequence judge(String change, EmergencyState before, EmergencyState after) {
        int minimum = readiness.properties().minimumUsableAccounts();
        ReadinessReport was = readiness.report(before);
        ReadinessReport will = readiness.report(after);
        long stopping = before.credentials().stream().filter(c -> live(before, c))
                .filter(c -> after.credentials().stream().noneMatch(a -> a.id().equals(c.id()) && live(after, a))).count();
        List<String> losing = before.accounts().stream().filter(a -> canSignIn(before, a.id()) && !canSignIn(after, a.id()))
                .map(Account::displayName).toList();
        var refusal = LockoutGuard.judge(change, before, after, minimum);
        return new Consequence(change, stopping, losing, was.status(), will.status(), was.usableAccounts(), will.usableAccounts(),
                minimum, refusal.map(r -> r.code().code()).orElse(null), refusal.map(LockoutGuard.Refusal::detail).orElse(null));
    }

    /** A credential that works today for its account: active, on an active key, of an enabled account. */
    private static boolean live(EmergencyState state, Credential c) {
        SecurityKey key = state.key(c.keyId());
        Account account = account(state, c.accountId());
        return c.status() == Credential.Status.ACTIVE && key != null && key.active() && account != null && account.enabled();
    }

    /** Whether the account could sign in: a live credential, meeting the standard its kind and roles demand. */
    private static boolean canSignIn(EmergencyState state, String accountId) {
        Account account = account(state, accountId);
        Set<String> allowed = state.allowedAaguids();
        return account != null && state.credentials().stream().filter(c -> c.accountId().equals(accountId))
                .anyMatch(c -> live(state, c) && (!AuthenticatorStandard.requiredFor(account) || Usability.works(state, c, allowed)));
    }

    private static Account account(EmergencyState state, String id) {
        return state.accounts().stream().filter(a -> a.id().equals(id)).findFirst().orElse(null);
    }

    private static void require(boolean found, ErrorCode code) {
        if (!found) {
            throw new GlasskeyException(code);
        }
    }

    private static EmergencyState withAccounts(EmergencyState s, UnaryOperator<Account> f) {
        return new EmergencyState(s.now(), s.accounts().stream().map(f).toList(), s.keys(), s.credentials(), s.allowedModels(),
                s.lastDrills(), s.metadata(), s.policies(), s.selfActivatable());
    }

    private static EmergencyState withCredentials(EmergencyState s, UnaryOperator<Credential> f) {
        return new EmergencyState(s.now(), s.accounts(), s.keys(), s.credentials().stream().map(f).toList(), s.allowedModels(),
                s.lastDrills(), s.metadata(), s.policies(), s.selfActivatable());
    }

    private static EmergencyState withKeys(EmergencyState s, UnaryOperator<SecurityKey> f) {
        return new EmergencyState(s.now(), s.accounts(), s.keys().stream().map(f).toList(), s.credentials(), s.allowedModels(),
                s.lastDrills(), s.metadata(), s.policies(), s.selfActivatable());
    }
}
