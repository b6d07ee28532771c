package dev.glasskey.emergency;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.glasskey.account.Account;
import dev.glasskey.key.SecurityKey;
import dev.glasskey.mds.MdsStatus;
import dev.glasskey.webauthn.AllowedModel;
import dev.glasskey.webauthn.Credential;

/**
 * Everything readiness, the matrix and the lockout guard judge, read once in one transaction.
 *
 * @param lastDrills when each (account id, key id) pair last passed a drill
 * @param metadata   the loaded FIDO metadata: its freshness and the models in the deny set
 * @param policies   the Conditional Access policies in force, as the emergency scenario sees them (issue 17 §5)
 * @param selfActivatable per account id, the roles it can activate on its own at any time (issue 16,
 *        {@code pim.PimService#selfActivatable}): a permanent eligible assignment needing no approver
 */
public record EmergencyState(Instant now, List<Account> accounts, List<SecurityKey> keys, List<Credential> credentials,
                             List<AllowedModel> allowedModels, Map<Pair, Instant> lastDrills, MdsStatus metadata,
                             AccessPolicies.Scenario policies, Map<String, Set<String>> selfActivatable) {

    /** A state without PIM assignments: every role is held or not. */
    public EmergencyState(Instant now, List<Account> accounts, List<SecurityKey> keys, List<Credential> credentials,
                          List<AllowedModel> allowedModels, Map<Pair, Instant> lastDrills, MdsStatus metadata,
                          AccessPolicies.Scenario policies) {
        this(now, accounts, keys, credentials, allowedModels, lastDrills, metadata, policies, Map.of());
    }

    public record Pair(String accountId, String keyId) {}

    public EmergencyState {
        accounts = List.copyOf(accounts);
        keys = List.copyOf(keys);
        credentials = List.copyOf(credentials);
        allowedModels = List.copyOf(allowedModels);
        lastDrills = Map.copyOf(lastDrills);
        policies = policies == null ? AccessPolicies.Scenario.NONE : policies;
        selfActivatable = Map.copyOf(selfActivatable);
    }

    /**
     * Issue 16 §6: whether the account can be a holder of {@code role} on its own right now — it holds
     * it, or it can activate it alone from a permanent eligible assignment.
     */
    public boolean canBecome(Account account, String role) {
        return account.hasRole(role) || selfActivatable.getOrDefault(account.id(), Set.of()).contains(role);
    }

    public List<Account> emergencyAccounts() {
        return accounts.stream().filter(Account::emergency).toList();
    }

    public SecurityKey key(String id) {
        return keys.stream().filter(k -> k.id().equals(id)).findFirst().orElse(null);
    }

    /** The models the loaded metadata puts in the deny set (empty while none is loaded). */
    public Set<String> compromisedAaguids() {
        return metadata.compromisedAaguids();
    }

    public Set<String> allowedAaguids() {
        return allowedModels.stream().map(AllowedModel::aaguid).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
}
