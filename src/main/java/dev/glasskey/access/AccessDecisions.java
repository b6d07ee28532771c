package dev.glasskey.access;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Ids;
import dev.glasskey.system.Times;

/**
 * Decisions taken where access is granted (issue 17 §2-§3): the one evaluator on the set in force,
 * and one {@code access_decision} row per decision, written in the transaction of what it decided
 * (the policies evaluated, the conditions each matched, the result; report-only results as what they
 * <em>would have</em> done). A decision that refuses is also audited ({@code access.block},
 * {@code access.require}; an emergency account's block raises the seeded critical alert).
 *
 * <p>No policy on or report-only: no row and no query. Such a decision has nothing to say (every
 * sign-in is already in the audit log), and it keeps the hot paths at their cost while Conditional
 * Access is not used.
 */
@Service
public class AccessDecisions {
    /** Where a decision was taken: the {@code event} of its row. */
    public enum Event {
        SIGN_IN("sign-in"), CONSOLE("console"), AUTHORIZE("authorize"), REFRESH("refresh"), PIM_ACTIVATION("pim-activation");

        private final String word;

        Event(String word) { this.word = word; }

        public String word() { return word; }
    }

    static final int MAX_PAGE = 500;

    private final AccessService access;
    private final AccessStore store;
    private final Audit audit;
    private final java.time.Clock clock;

    AccessDecisions(AccessService access, AccessStore store, Audit audit, java.time.Clock clock) {
        this.access = access;
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    /** The device CAs in force (PKIX trust anchors), from the same cached compilation as the policies. */
    java.util.Set<java.security.cert.TrustAnchor> deviceCas() {
        return access.inForce().deviceCas();
    }

    /** Whether any policy is on or report-only: when none is, callers need gather no facts at all. */
    boolean anyPolicy() {
        return access.inForce().set().policies().stream().anyMatch(p -> p.state() != PolicyState.OFF);
    }

    /** Decides and records in the caller's transaction (one is opened when there is none). */
    @Transactional
    public Decision decide(Event event, SignInContext context, String sessionId, Actor actor) {
        return decideAndRecord(event, context, sessionId, actor);
    }

    /**
     * Decides and records in a transaction of its own: for a caller whose own transaction rolls back
     * when refused (PIM activation), so the refusal's decision and audit entry stay.
     */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public Decision decideApart(Event event, SignInContext context, String sessionId, Actor actor) {
        return decideAndRecord(event, context, sessionId, actor);
    }

    private Decision decideAndRecord(Event event, SignInContext context, String sessionId, Actor actor) {
        Decision decision = AccessEvaluator.evaluate(access.inForce().set(), context);
        if (decision.policies().isEmpty()) {
            return decision;
        }
        DecisionJson json = DecisionJson.of(decision);
        store.insertDecision(new AccessStore.DecisionRow(Ids.uuid(), context.now(), context.accountId(), sessionId, event.word(),
                context.resource().toString(), context.clientAddress() == null ? null : context.clientAddress().getHostAddress(),
                context.deviceCompliant(), DecisionJson.word(decision.enforced().outcome()),
                DecisionJson.word(decision.reportOnly().outcome()), AccessStore.JSON.writeValueAsString(json)));
        if (decision.enforced().outcome() != Decision.Outcome.ALLOW) {
            boolean block = decision.enforced().outcome() == Decision.Outcome.BLOCK;
            audit.record(AuditEvent.failure(actor, block ? "access.block" : "access.require", context.accountId(),
                    (block ? ErrorCode.ACCESS_BLOCKED : ErrorCode.ACCESS_REQUIREMENT_UNMET).code(), context.emergency(),
                    event.word() + " to the " + context.resource() + " from " + (context.clientAddress() == null ? "no address"
                            : context.clientAddress().getHostAddress()) + ": " + explain(decision)));
        }
        return decision;
    }

    /** The enforced verdict in words, naming the policies it rests on: a refusal's detail and its audit entry. */
    static String explain(Decision decision) {
        Decision.Verdict v = decision.enforced();
        Map<String, String> names = decision.policies().stream()
                .collect(Collectors.toMap(Decision.PolicyResult::policyId, Decision.PolicyResult::policyName, (a, b) -> a));
        String policies = v.deciding().stream().map(id -> "'" + names.getOrDefault(id, id) + "'").collect(Collectors.joining(", "));
        return switch (v.outcome()) {
            case ALLOW -> "allowed";
            case BLOCK -> "blocked by " + policies;
            case REQUIRE -> "requires " + requirements(v) + " (" + policies + ")";
        };
    }

    /** What is still required, each as "a or b", joined by "and". */
    static String requirements(Decision.Verdict v) {
        return v.required().stream().map(u -> u.anyOf().stream().map(Object::toString).collect(Collectors.joining(" or ")))
                .distinct().collect(Collectors.joining(" and "));
    }

    // --- the decision log (issue 17 §3) ---

    /** One page of the log, newest first. */
    public record Page(List<AccessStore.DecisionRow> decisions, int offset, int limit) {}

    @Transactional(readOnly = true)
    public Page decisions(String account, String session, String result, String from, String to, Integer limit, Integer offset) {
        String outcome = null;
        if (result != null) {
            outcome = result.toLowerCase(Locale.ROOT);
            if (!List.of("allow", "block", "require").contains(outcome) || !outcome.equals(result)) {
                throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "result is allow, block or require.", "result");
            }
        }
        checkId(account, "account");
        checkId(session, "session");
        Instant since = instant(from, "from");
        Instant until = instant(to, "to");
        if (since != null && until != null && until.isBefore(since)) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "to is before from.", "to");
        }
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > MAX_PAGE) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "limit is 1 to " + MAX_PAGE + ".", "limit");
        }
        int skip = offset == null ? 0 : offset;
        if (skip < 0 || skip > 1_000_000) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "offset is 0 to 1000000.", "offset");
        }
        return new Page(store.decisions(account, session, outcome, since, until, size, skip), skip, size);
    }

    private static void checkId(String value, String field) {
        if (value != null && (value.isEmpty() || value.length() > 100 || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, field + " is an id of 1-100 printable characters.", field);
        }
    }

    private static Instant instant(String value, String field) {
        if (value == null) {
            return null;
        }
        try {
            if (value.length() > 40) {
                throw new IllegalArgumentException();
            }
            return Instant.parse(value);
        } catch (RuntimeException e) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, field + " is an ISO 8601 instant such as 2026-12-07T09:00:00Z.", field);
        }
    }

    /** The one clock (the decisions' time). */
    Instant now() {
        return Times.now(clock);
    }
}
