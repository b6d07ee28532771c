package dev.glasskey.session;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Ids;
import dev.glasskey.system.Times;
import dev.glasskey.webauthn.SignedIn;

/**
 * Signed-in sessions: opening one after a verified sign-in, the per-request re-check
 * ({@link SessionCheck}), listing an account's sessions, ending one, and "sign out everywhere".
 * Sessions live in the database (Spring Session JDBC), so every node sees every session and
 * ending one ends it on every node.
 */
@Service
public class SessionService {
    /** Session attribute holding the {@link SignedIn} the session rests on. */
    static final String SIGNED_IN = "glasskey.signedIn";
    /**
     * Session attribute holding the session's id as OpenID Connect tokens carry it ({@code sid},
     * Back-Channel Logout 1.0 §2.1): random, never the cookie's value, and kept across a fresh sign-in
     * of the same account in the same browser (a step-up is not a new session for the relying parties).
     */
    static final String SID = "glasskey.sid";
    /**
     * Session attribute: the client address the session last passed Conditional Access from (its
     * sign-in's, then the last one re-judged), so console requests are re-judged only when the address
     * changes (issue 17 §2). A short string; the session is written only when it changes.
     */
    static final String ADDRESS = "glasskey.address";
    /** Request attribute: why this request's session was ended by the re-check (the 401's detail). */
    public static final String ENDED = SessionService.class.getName() + ".ended";

    private final SessionCheck check;
    private final SessionProperties properties;
    private final AccountService accounts;
    private final Audit audit;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final TransactionTemplate tx;
    private final ConversionService serialization = SessionSerialization.conversionService();
    private final SingletonSupplier<ClockedSessionRepository<?>> repository;
    private final SingletonSupplier<SignInAccess> access;

    SessionService(SessionCheck check, SessionProperties properties, AccountService accounts, Audit audit, JdbcClient jdbc,
                   Clock clock, PlatformTransactionManager transactionManager, ObjectProvider<ClockedSessionRepository<?>> repository,
                   ObjectProvider<SignInAccess> access) {
        this.repository = SingletonSupplier.of(repository::getIfAvailable);
        this.access = SingletonSupplier.of(access::getIfAvailable);
        this.check = check;
        this.properties = properties;
        this.accounts = accounts;
        this.audit = audit;
        this.jdbc = jdbc;
        this.clock = clock;
        this.tx = new TransactionTemplate(transactionManager);
    }

    /**
     * Opens the session of a verified sign-in. A browser that already had a session gets a new
     * session id (session fixation), keeping what the session held for a pending OpenID Connect
     * request; one without gets a new session. Conditional Access judges the sign-in first
     * ({@link SignInAccess#atSignIn}): refused, no session is opened and the refusal is returned for
     * the caller to answer once its transaction committed.
     */
    public Optional<SignInAccess.Refusal> start(HttpServletRequest request, SignedIn signedIn) {
        SignInAccess judge = access.get();
        if (judge != null) {
            Optional<SignInAccess.Refusal> refused = judge.atSignIn(signedIn, request);
            if (refused.isPresent()) {
                return refused;
            }
        }
        if (request.getSession(false) != null) {
            request.changeSessionId();
        }
        HttpSession session = request.getSession(true);
        SignedIn before = signedIn(session);
        boolean sameAccount = before != null && before.accountId().equals(signedIn.accountId());
        if (!sameAccount || !(session.getAttribute(SID) instanceof String)) {
            // Another account in this browser is another session for the relying parties: the previous one ended.
            session.setAttribute(SID, Ids.randomToken(16));
        }
        session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, signedIn.accountId());
        session.setAttribute(SIGNED_IN, signedIn);
        session.setAttribute(ADDRESS, request.getRemoteAddr());
        // Now, in the caller's (the sign-in's) transaction: no session without its sign-in, one commit for both.
        ClockedSessionRepository<?> sessions = repository.get();
        if (sessions != null) {
            sessions.saveCurrent();
        }
        return Optional.empty();
    }

    /**
     * Conditional Access on a console request whose client address is not the one the session last
     * passed from (issue 17 §2): empty to go on (the new address remembered), else why the session ends.
     */
    Optional<SignInAccess.Refusal> recheckAddress(HttpServletRequest request, HttpSession session, SignedIn signedIn) {
        SignInAccess judge = access.get();
        String address = request.getRemoteAddr();
        if (judge == null || address == null || address.equals(session.getAttribute(ADDRESS))) {
            return Optional.empty();
        }
        Optional<SignInAccess.Refusal> refused = judge.onAddressChange(signedIn, request, sid(session));
        if (refused.isEmpty()) {
            session.setAttribute(ADDRESS, address);
        }
        return refused;
    }

    /** The one clock, for the time a sign-in is made at. */
    java.time.Clock clock() {
        return clock;
    }

    /**
     * The session's {@code sid} ({@link #SID}); a session signed in before sids existed gets one now.
     * Null without a signed-in session.
     */
    public static String sid(HttpSession session) {
        if (session == null || signedIn(session) == null) {
            return null;
        }
        if (session.getAttribute(SID) instanceof String sid) {
            return sid;
        }
        String sid = Ids.randomToken(16);
        session.setAttribute(SID, sid);
        return sid;
    }

    /** The sign-in a session rests on, or null (none, or a stored value that no longer reads). */
    static SignedIn signedIn(HttpSession session) {
        try {
            return session.getAttribute(SIGNED_IN) instanceof SignedIn s ? s : null;
        } catch (RuntimeException unreadable) {
            // Written by an older version, or tampered with: no session, never a 500.
            return null;
        }
    }

    /** The re-check of {@link SessionCheck} for a session's sign-in, now. */
    Optional<SessionCheck.Ended> check(SignedIn s) {
        return check.check(basis(s), Times.now(clock));
    }

    /** The re-check of {@link SessionCheck} for a session's sign-in, now, with the roles its account holds now (one read). */
    SessionCheck.Outcome standing(SignedIn s) {
        return check.standing(basis(s), Times.now(clock));
    }

    /**
     * The sign-in as it stands on this request: with the roles its account holds now (read by the
     * re-check, {@link SessionRoles}) rather than those of the sign-in. A password + code sign-in never
     * carries a role that needs a security key ({@code Roles#keyRequired}): an activation does not
     * lift DOMAIN rule 1.
     */
    static SignedIn withCurrentRoles(SignedIn s, java.util.Set<String> current) {
        java.util.Set<String> now = SessionCheck.carried(basis(s), current);
        return now.equals(s.roles()) ? s : s.withRoles(now);
    }

    static SessionCheck.Basis basis(SignedIn s) {
        return new SessionCheck.Basis(s.accountId(), s.securityVersion(), s.credentialId(), s.keyId(), s.emergency(), s.authTime(),
                s.passwordAndCode());
    }

    /** When the session of this sign-in ends at the latest. */
    public Instant expiresAt(SignedIn s) {
        return check.expiresAt(basis(s));
    }

    /** Audits a session the re-check ended. */
    void recordEnded(SignedIn s, String reason, String description) {
        tx.executeWithoutResult(status -> audit.record(AuditEvent.failure(new Actor(s.accountId(), s.displayName()), "session.check",
                s.accountId(), reason, s.emergency(), "session ended: " + description)));
    }

    /**
     * One session of an account, as its owner or an administrator sees it. {@code id} is a handle
     * for ending it, not the session's cookie value (which never leaves the browser it belongs to);
     * {@code sid} names it as ID tokens and the Conditional Access decision log do.
     */
    public record SessionInfo(String id, boolean current, Instant createdAt, Instant lastUsedAt, Instant signedInAt,
                              Instant expiresAt, String keyId, String credentialId, boolean emergency, List<String> amr, String acr,
                              String sid) {}

    /** The account's live sessions, newest first; {@code currentSessionId} marks the caller's own. */
    @Transactional(readOnly = true)
    public List<SessionInfo> forAccount(String accountId, String currentSessionId) {
        accounts.get(accountId);
        List<SessionInfo> sessions = new ArrayList<>();
        for (Row row : rows(accountId)) {
            SignedIn s = row.signedIn();
            // Rows of sessions that are over (idle, or no longer standing) await the janitor: not listed.
            if (s != null && ended(row).isEmpty()) {
                sessions.add(new SessionInfo(row.handle(), row.sessionId().equals(currentSessionId), row.createdAt(),
                        row.lastUsedAt(), s.authTime(), expiresAt(s), s.keyId(), s.credentialId(), s.emergency(), s.amr(), s.acr(), row.sid()));
            }
        }
        sessions.sort(Comparator.comparing(SessionInfo::lastUsedAt).reversed());
        return sessions;
    }

    /**
     * The account's sessions by {@code sid}, each with why it no longer stands (empty while it
     * stands); a sid that is not in the map names no session any more (signed out, ended, purged).
     * What the back-channel logout judges relying parties' sessions by.
     */
    @Transactional(readOnly = true)
    public java.util.Map<String, Optional<SessionCheck.Ended>> sessionsBySid(String accountId) {
        java.util.Map<String, Optional<SessionCheck.Ended>> out = new java.util.HashMap<>();
        for (Row row : rows(accountId)) {
            if (row.sid() != null) {
                out.put(row.sid(), row.signedIn() == null ? Optional.of(SIGNED_OUT) : ended(row));
            }
        }
        return out;
    }

    /** A session whose sign-in was removed (signed out, the session row kept for the browser). */
    public static final SessionCheck.Ended SIGNED_OUT = new SessionCheck.Ended("session.signed_out", "signed out");

    private record Row(String handle, String sessionId, Instant createdAt, Instant lastUsedAt, SignedIn signedIn, String sid) {}

    private List<Row> rows(String accountId) {
        return jdbc.sql("""
                select s.primary_id, s.session_id, s.creation_time, s.last_access_time, a.attribute_bytes, i.attribute_bytes
                from spring_session s
                left join spring_session_attributes a on a.session_primary_id = s.primary_id and a.attribute_name = :attribute
                left join spring_session_attributes i on i.session_primary_id = s.primary_id and i.attribute_name = :sid
                where s.principal_name = :account""")
                .param("attribute", SIGNED_IN).param("sid", SID).param("account", accountId)
                .query((rs, n) -> new Row(rs.getString(1).strip(), rs.getString(2).strip(), Instant.ofEpochMilli(rs.getLong(3)),
                        Instant.ofEpochMilli(rs.getLong(4)), read(rs.getBytes(5)) instanceof SignedIn s ? s : null,
                        read(rs.getBytes(6)) instanceof String sid ? sid : null))
                .list();
    }

    /** Why a stored session with a sign-in no longer stands: idle for the idle timeout, or the re-check. */
    private Optional<SessionCheck.Ended> ended(Row row) {
        if (!Times.now(clock).isBefore(row.lastUsedAt().plus(properties.idleTimeout()))) {
            return Optional.of(new SessionCheck.Ended("session.idle", "unused for " + properties.idleTimeout() + " or more"));
        }
        return check(row.signedIn());
    }

    /** Ends one session of the account (signs that browser out), audited. */
    @Transactional
    public void end(Actor actor, String accountId, String sessionHandle) {
        Account account = accounts.get(accountId);
        int deleted = jdbc.sql("delete from spring_session where primary_id = :id and principal_name = :account")
                .param("id", sessionHandle).param("account", accountId).update();
        if (deleted == 0) {
            throw new GlasskeyException(ErrorCode.SESSION_NOT_FOUND, "No session " + sessionHandle + " of this account.");
        }
        audit.record(AuditEvent.success(actor, "session.end", accountId, account.emergency(),
                "one session of '" + account.displayName() + "' ended by " + actor.label()));
    }

    /**
     * "Sign out everywhere": ends every session of the account on every node and takes the
     * OpenID Connect authorizations made from them with it (refresh tokens refused, UserInfo and
     * introspection answer as for a revoked token), audited. Returns how many sessions ended.
     */
    @Transactional
    public int endAll(Actor actor, String accountId) {
        Account account = accounts.get(accountId);
        accounts.revokeAccess(accountId);
        int ended = jdbc.sql("delete from spring_session where principal_name = :account").param("account", accountId).update();
        audit.record(AuditEvent.success(actor, "session.sign_out_everywhere", accountId, account.emergency(),
                ended + " session(s) of '" + account.displayName() + "' ended and its tokens revoked by " + actor.label()));
        return ended;
    }

    private Object read(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return serialization.convert(bytes, TypeDescriptor.valueOf(byte[].class), TypeDescriptor.valueOf(Object.class));
        } catch (RuntimeException unreadable) {
            return null;
        }
    }
}
