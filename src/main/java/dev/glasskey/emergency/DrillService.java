package dev.glasskey.emergency;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.key.KeyService;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.GlasskeyProperties;
import dev.glasskey.system.Ids;
import dev.glasskey.system.Times;
import dev.glasskey.system.Untrusted;
import dev.glasskey.webauthn.SignInService;
import dev.glasskey.webauthn.SignedIn;

/**
 * Drills (DOMAIN "Drill"): an administrator, or the readiness monitor, starts one; a custodian
 * opens its page and signs in with the key. The sign-in is verified exactly like a real one
 * (same challenge rules, user verification, counter, allow-list) and the validated (account, key)
 * pair is recorded in the same transaction, but no session is opened: a drill proves the glass
 * would break without breaking it.
 */
@Service
public class DrillService {
    private static final int MAX_REASON = 200;

    private final EmergencyStore store;
    private final SignInService signIn;
    private final AccountService accounts;
    private final KeyService keys;
    private final EmergencyProperties properties;
    private final GlasskeyProperties glasskey;
    private final Audit audit;
    private final Clock clock;
    private final ReadinessService readiness;

    DrillService(EmergencyStore store, SignInService signIn, AccountService accounts, KeyService keys,
                 EmergencyProperties properties, GlasskeyProperties glasskey, Audit audit, Clock clock,
                 ReadinessService readiness) {
        this.readiness = readiness;
        this.store = store;
        this.signIn = signIn;
        this.accounts = accounts;
        this.keys = keys;
        this.properties = properties;
        this.glasskey = glasskey;
        this.audit = audit;
        this.clock = clock;
    }

    /** A drill with where to run it. */
    public record DrillView(Drill drill, String url, boolean open, List<DrillResult> results) {}

    /** Starts a drill, optionally limited to one emergency account and/or one key. */
    @Transactional
    public DrillView start(Actor actor, String accountId, String keyId, String reason) {
        String why = reason == null || reason.isBlank() ? null : reason.strip();
        if (why != null && (why.length() > MAX_REASON || why.chars().anyMatch(Character::isISOControl))) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "reason must be at most " + MAX_REASON + " printable characters.");
        }
        String scope = "all emergency accounts on all keys";
        if (accountId != null) {
            Account account = accounts.get(accountId);
            if (!account.emergency()) {
                throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "Drills validate emergency accounts; '"
                        + account.displayName() + "' is a regular account.");
            }
            scope = "'" + account.displayName() + "'";
        }
        if (keyId != null) {
            var key = keys.get(keyId);
            if (!key.active()) {
                // Issue 18: a drill on a lost or retired key proves nothing and invites using a key that is gone.
                throw new GlasskeyException(ErrorCode.KEY_NOT_ACTIVE, "Key '" + key.label() + "' is " + key.status().value()
                        + ": drills run on active keys only.", "keyId");
            }
            scope = scope + " on key '" + key.label() + "'";
        }
        Instant now = Times.now(clock);
        Drill drill = new Drill(Ids.uuid(), accountId, keyId, actor.label(), why, now, now.plus(properties.drillLinkTtl()), null);
        store.insertDrill(drill);
        audit.record(AuditEvent.success(actor, "drill.start", drill.id(), true,
                "drill of " + scope + (why == null ? "" : ": " + why) + ", open until " + drill.expiresAt()));
        return view(drill);
    }

    @Transactional(readOnly = true)
    public DrillView get(String id) {
        return view(find(id));
    }

    @Transactional(readOnly = true)
    public List<DrillView> recent(int limit) {
        return store.drills(Math.max(1, Math.min(limit, 200))).stream().map(this::view).toList();
    }

    @Transactional
    public DrillView close(Actor actor, String id) {
        Drill drill = find(id);
        if (store.close(id, Times.now(clock))) {
            audit.record(AuditEvent.success(actor, "drill.close", id, true, "drill closed"));
        }
        return view(find(id));
    }

    /**
     * A drill sign-in: verified like any sign-in (one transaction with the challenge, counter
     * and audit entry), recorded as a validation of the pair used, and no session opened.
     */
    public DrillResult signIn(String drillId, String sessionId, String responseJson) {
        Drill drill = openDrill(drillId);
        return signIn.verifyOnly(sessionId, responseJson, "drill.signin", signedIn -> record(drill, signedIn));
    }

    private DrillResult record(Drill drill, SignedIn signedIn) {
        if (!signedIn.emergency() || !drill.covers(signedIn.accountId(), signedIn.keyId())) {
            throw new GlasskeyException(ErrorCode.DRILL_OUT_OF_SCOPE, "This drill covers "
                    + describeScope(drill) + "; the key signed in as '" + signedIn.displayName() + "' on key '"
                    + keys.get(signedIn.keyId()).label() + "'.");
        }
        DrillResult result = new DrillResult(Ids.uuid(), drill.id(), signedIn.accountId(), signedIn.keyId(),
                signedIn.credentialId(), signedIn.authTime());
        store.insertResult(result);
        closeWhenComplete(drill);
        return result;
    }

    /**
     * Issue 18: a drill closes by itself once every pair it covers has passed in it — the working
     * (enabled emergency account, key) pairs of {@link Readiness#drillPairs} within its scope — so
     * its link stops working as soon as it has done its job. In the sign-in's transaction.
     */
    private void closeWhenComplete(Drill drill) {
        EmergencyState state = readiness.state();
        var passed = store.results(drill.id()).stream().map(r -> new EmergencyState.Pair(r.accountId(), r.keyId()))
                .collect(java.util.stream.Collectors.toSet());
        List<EmergencyState.Pair> scope = Readiness.drillPairs(state, Usability.judge(state), properties.drillInterval(),
                        properties.drillWarning()).stream()
                .filter(p -> drill.covers(p.verdict().account().id(), p.keyId()))
                .map(p -> new EmergencyState.Pair(p.verdict().account().id(), p.keyId())).toList();
        if (!scope.isEmpty() && passed.containsAll(scope) && store.close(drill.id(), Times.now(clock))) {
            audit.record(AuditEvent.success(Actor.SYSTEM, "drill.close", drill.id(), true,
                    "drill closed: every one of its " + scope.size() + " pair(s) passed"));
        }
    }

    /**
     * Opens a drill of every pair by itself when some pair is never drilled, overdue or coming
     * due, unless such a drill is already open. The audit entry (and so the alert) tells the
     * administrators; the console lists the open drill with its link.
     */
    @Transactional
    public Optional<DrillView> startScheduledIfDue() {
        Instant now = Times.now(clock);
        boolean openAll = store.drills(200).stream().anyMatch(d -> d.open(now) && d.accountId() == null && d.keyId() == null);
        if (openAll) {
            return Optional.empty();
        }
        EmergencyState state = readiness.state();
        long due = Readiness.drillPairs(state, Usability.judge(state), properties.drillInterval(), properties.drillWarning())
                .stream().filter(p -> p.due() != Readiness.DrillDue.CURRENT).count();
        if (due == 0) {
            return Optional.empty();
        }
        return Optional.of(start(Actor.SYSTEM, null, null, "scheduled: " + due + " pair(s) due within "
                + properties.drillWarning().toDays() + " days"));
    }

    private Drill openDrill(String id) {
        Drill drill = store.drill(id).orElse(null);
        if (drill == null) {
            recordProbe(id, ErrorCode.DRILL_NOT_FOUND);
            throw new GlasskeyException(ErrorCode.DRILL_NOT_FOUND);
        }
        if (!drill.open(Times.now(clock))) {
            recordProbe(id, ErrorCode.DRILL_CLOSED);
            throw new GlasskeyException(ErrorCode.DRILL_CLOSED);
        }
        return drill;
    }

    /**
     * A sign-in attempt on an unknown or closed drill is recorded, like a probe for an enrolment
     * link, but not as an emergency event: no emergency account took part (nothing was verified,
     * anyone can send it), and an emergency mark would page the on-call at an anonymous caller's
     * will (rule {@code drill-signin-failure}). A failed sign-in on an open drill is marked by
     * the account its credential names, as any sign-in is.
     */
    void recordProbe(String id, ErrorCode code) {
        // An unknown drill id names nothing real: no target, so the probes are counted into one
        // aggregated entry per window and address (AuditEvent.aggregated) rather than one each.
        boolean known = code != ErrorCode.DRILL_NOT_FOUND && id != null && id.length() <= 64;
        audit.record(AuditEvent.failure(Actor.ANONYMOUS, "drill.signin", known ? id : null, code.code(), false,
                known ? code.title() : code.title() + " (drill id '" + Untrusted.shown(id) + "')"));
    }

    private String describeScope(Drill drill) {
        String scope = drill.accountId() == null ? "every emergency account" : "'" + accounts.get(drill.accountId()).displayName() + "'";
        return scope + (drill.keyId() == null ? " on any key" : " on key '" + keys.get(drill.keyId()).label() + "'");
    }

    private Drill find(String id) {
        return store.drill(id).orElseThrow(() -> new GlasskeyException(ErrorCode.DRILL_NOT_FOUND));
    }

    private DrillView view(Drill drill) {
        return new DrillView(drill, glasskey.baseUrl() + "/drill/" + drill.id(), drill.open(Times.now(clock)), store.results(drill.id()));
    }
}
