package dev.glasskey.emergency;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.account.AccountService;
import dev.glasskey.pim.PimService;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.key.KeyService;
import dev.glasskey.mds.MdsService;
import dev.glasskey.system.Actor;
import dev.glasskey.system.Times;
import dev.glasskey.webauthn.AllowedModelService;
import dev.glasskey.webauthn.CredentialService;

/**
 * Reads the emergency state once and judges it: the readiness report, the matrix, and the
 * record of readiness turning worse (or better), which is audited and so alerted.
 */
@Service
public class ReadinessService {
    private final AccountService accounts;
    private final KeyService keys;
    private final CredentialService credentials;
    private final AllowedModelService allowList;
    private final MdsService mds;
    private final EmergencyStore store;
    private final EmergencyProperties properties;
    private final List<ReadinessContributor> contributors;
    private final Audit audit;
    private final Clock clock;
    /** Resolved on use: Conditional Access reads accounts through services that reach this one. */
    private final ObjectProvider<AccessPolicies> policies;

    private final PimService pim;

    ReadinessService(AccountService accounts, KeyService keys, CredentialService credentials, AllowedModelService allowList,
                     MdsService mds, EmergencyStore store, EmergencyProperties properties, List<ReadinessContributor> contributors,
                     Audit audit, Clock clock, ObjectProvider<AccessPolicies> policies, PimService pim) {
        this.pim = pim;
        this.accounts = accounts;
        this.keys = keys;
        this.credentials = credentials;
        this.allowList = allowList;
        this.mds = mds;
        this.store = store;
        this.properties = properties;
        this.contributors = List.copyOf(contributors);
        this.audit = audit;
        this.clock = clock;
        this.policies = policies;
    }

    /** The state as this transaction sees it. */
    @Transactional(readOnly = true)
    public EmergencyState state() {
        return new EmergencyState(Times.now(clock), accounts.list(), keys.list(),
                credentials.all().stream().map(CredentialService.CredentialView::credential).toList(),
                allowList.list(), store.lastDrills(), mds.status(),
                policies.getIfAvailable(() -> () -> AccessPolicies.Scenario.NONE).current(), pim.selfActivatable());
    }

    @Transactional(readOnly = true)
    public ReadinessReport report() {
        return report(state());
    }

    ReadinessReport report(EmergencyState state) {
        List<ReadinessCheck> extra = new ArrayList<>();
        for (ReadinessContributor c : contributors) {
            extra.addAll(c.checks(state.now()));
        }
        return Readiness.report(state, properties, extra);
    }

    @Transactional(readOnly = true)
    public Matrix matrix() {
        return Matrix.of(state(), properties);
    }

    public EmergencyProperties properties() {
        return properties;
    }

    /**
     * Recomputes readiness and records a change of verdict. Takes the lockout guard's lock first,
     * like every guarded change (which records its verdict too), so the two never race on the
     * stored verdict.
     */
    @Transactional
    public ReadinessReport recheck() {
        store.lockGuard();
        ReadinessReport report = report(state());
        recordTransition(report);
        return report;
    }

    /**
     * In the caller's transaction: when the verdict differs from the last one recorded, audit it
     * ({@code readiness.degraded} is flagged, so it alerts). The first verdict is stored silently.
     */
    void recordTransition(ReadinessReport report) {
        var last = store.lastReadinessStatus().map(s -> ReadinessCheck.Status.valueOf(s.toUpperCase()));
        String summary = report.summary();
        if (last.isPresent() && last.get() != report.status()) {
            boolean worse = report.status().compareTo(last.get()) > 0;
            AuditEvent event = AuditEvent.success(Actor.SYSTEM, worse ? "readiness.degraded" : "readiness.improved", null, true,
                    last.get().value() + " -> " + summary);
            audit.record(worse ? event.flag() : event);
        }
        store.saveReadiness(report.status().name().toLowerCase(), report.computedAt(), summary);
    }
}
