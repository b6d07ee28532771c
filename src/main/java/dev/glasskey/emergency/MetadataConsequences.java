package dev.glasskey.emergency;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import dev.glasskey.account.Account;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.key.SecurityKey;
import dev.glasskey.mds.MdsListener;
import dev.glasskey.mds.MdsService;
import dev.glasskey.mds.MdsSnapshot;
import dev.glasskey.system.Actor;
import dev.glasskey.webauthn.AuthenticatorStandard;
import dev.glasskey.webauthn.Credential;

/**
 * What a newly loaded BLOB means for emergency access (issue 19), in the load's transaction. A
 * model entering the deny set makes its credentials unusable for emergency accounts and
 * administrators at once (Usability reads the metadata): this is not a guarded change — a
 * compromised model must stop working whatever the minimum — so instead of refusing it, we say it:
 * a flagged {@code mds.model_compromised} audit entry (so the seeded alert rule raises a critical
 * alert) naming the models, keys and accounts, how many emergency accounts remain usable, and what
 * to do; and readiness records its new verdict ({@code readiness.degraded}).
 */
@Component
@Order(2)
class MetadataConsequences implements MdsListener {
    static final String ACTION = "mds.model_compromised";

    private final ReadinessService readiness;
    private final EmergencyStore store;
    private final MdsService mds;
    private final Audit audit;

    MetadataConsequences(ReadinessService readiness, EmergencyStore store, MdsService mds, Audit audit) {
        this.readiness = readiness;
        this.store = store;
        this.mds = mds;
        this.audit = audit;
    }

    /** The lockout guard's lock, before the load writes its audit entry: the order every guarded change takes them in. */
    @Override
    public void beforeLoad() {
        store.lockGuard();
    }

    @Override
    public void loaded(Actor actor, MdsSnapshot before, MdsSnapshot after) {
        EmergencyState state = readiness.state();
        Map<String, MdsSnapshot.Compromise> newly = new LinkedHashMap<>(state.metadata().compromised());
        newly.keySet().removeAll(before.compromised(mds.properties().denyStatuses(), state.metadata().day()).keySet());
        ReadinessReport report = readiness.report(state);
        if (!newly.isEmpty()) {
            recordCompromise(actor, state, newly, report);
        }
        readiness.recordTransition(report);
    }

    private void recordCompromise(Actor actor, EmergencyState state, Map<String, MdsSnapshot.Compromise> newly, ReadinessReport report) {
        Map<String, Set<String>> accountsByKey = new LinkedHashMap<>();
        boolean emergency = false;
        for (Credential c : state.credentials()) {
            if (c.status() == Credential.Status.REVOKED || !newly.containsKey(c.aaguid())) continue;
            Account a = state.accounts().stream().filter(x -> x.id().equals(c.accountId())).findFirst().orElse(null);
            if (a == null || !AuthenticatorStandard.requiredFor(a)) continue;
            emergency |= a.emergency();
            SecurityKey key = state.key(c.keyId());
            accountsByKey.computeIfAbsent("'" + (key == null ? c.keyId() : key.label()) + "'", k -> new TreeSet<>())
                    .add("'" + a.displayName() + "'");
        }
        List<String> allowed = state.allowedModels().stream().filter(m -> newly.containsKey(m.aaguid())).map(m -> "'" + m.name() + "'").toList();
        if (accountsByKey.isEmpty() && allowed.isEmpty()) {
            return; // a model nobody here uses: the load's own entry names it
        }
        List<String> keys = new ArrayList<>();
        accountsByKey.forEach((key, accounts) -> keys.add(key + " (" + String.join(", ", accounts) + ")"));
        StringBuilder detail = new StringBuilder("FIDO metadata BLOB no. ").append(state.metadata().snapshot().serial()).append(" reports ")
                .append(String.join("; ", newly.values().stream().map(MdsSnapshot.Compromise::describe).toList())).append(". ");
        if (!keys.isEmpty()) {
            detail.append("Credentials of emergency accounts and administrators on these keys no longer work: ").append(String.join(", ", keys)).append(". ");
        }
        if (!allowed.isEmpty()) {
            detail.append("On the allow-list: ").append(String.join(", ", allowed)).append(" (enrolment of it is refused). ");
        }
        int total = state.emergencyAccounts().size();
        detail.append(report.usableAccounts()).append(" of ").append(total).append(" emergency accounts remain usable (minimum ")
                .append(report.minimum()).append(report.usableAccounts() < report.minimum() ? ", BELOW IT" : "").append("). ")
                .append("Enrol spare keys of another model on the emergency accounts and administrators now, then revoke these credentials "
                        + "and retire the keys.");
        String target = newly.size() == 1 ? newly.keySet().iterator().next() : "mds";
        audit.record(AuditEvent.success(actor, ACTION, target, emergency, detail.toString()).flag());
    }
}
