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
 */
public record EmergencyState(Instant now, List<Account> accounts, List<SecurityKey> keys, List<Credential> credentials,
                             List<AllowedModel> allowedModels, Map<Pair, Instant> lastDrills, MdsStatus metadata,
                             AccessPolicies.Scenario policies) {

    public record Pair(String accountId, String keyId) {}

    public EmergencyState {
        accounts = List.copyOf(accounts);
        keys = List.copyOf(keys);
        credentials = List.copyOf(credentials);
        allowedModels = List.copyOf(allowedModels);
        lastDrills = Map.copyOf(lastDrills);
        policies = policies == null ? AccessPolicies.Scenario.NONE : policies;
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
