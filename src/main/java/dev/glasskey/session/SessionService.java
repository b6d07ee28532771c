package dev.glasskey.session;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

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

    SessionService(SessionCheck check, SessionProperties properties, AccountService accounts, Audit audit, JdbcClient jdbc,
                   Clock clock, PlatformTransactionManager transactionManager) {
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
     * request; one without gets a new session.
     */
    public void start(HttpServletRequest request, SignedIn signedIn) {
        if (request.getSession(false) != null) {
            request.changeSessionId();
        }
        HttpSession session = request.getSession(true);
        session.setAttribute(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, signedIn.accountId());
        session.setAttribute(SIGNED_IN, signedIn);
    }

    /** The one clock, for the time a sign-in is made at. */
    java.time.Clock clock() {
        return clock;
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
     * for ending it, not the session's cookie value (which never leaves the browser it belongs to).
     */
    public record SessionInfo(String id, boolean current, Instant createdAt, Instant lastUsedAt, Instant signedInAt,
                              Instant expiresAt, String keyId, String credentialId, boolean emergency, List<String> amr, String acr) {}

    /** The account's live sessions, newest first; {@code currentSessionId} marks the caller's own. */
    @Transactional(readOnly = true)
    public List<SessionInfo> forAccount(String accountId, String currentSessionId) {
        accounts.get(accountId);
        Instant now = Times.now(clock);
        record Row(String handle, String sessionId, Instant createdAt, Instant lastUsedAt, SignedIn signedIn) {}
        List<Row> rows = jdbc.sql("""
                select s.primary_id, s.session_id, s.creation_time, s.last_access_time, a.attribute_bytes
                from spring_session s
                left join spring_session_attributes a on a.session_primary_id = s.primary_id and a.attribute_name = :attribute
                where s.principal_name = :account""")
                .param("attribute", SIGNED_IN).param("account", accountId)
                .query((rs, n) -> new Row(rs.getString(1).strip(), rs.getString(2).strip(), Instant.ofEpochMilli(rs.getLong(3)),
                        Instant.ofEpochMilli(rs.getLong(4)), read(rs.getBytes(5))))
                .list();
        List<SessionInfo> sessions = new ArrayList<>();
        for (Row row : rows) {
            SignedIn s = row.signedIn();
            // Rows of sessions that are over (idle, or no longer standing) await the janitor: not listed.
            if (s != null && now.isBefore(row.lastUsedAt().plus(properties.idleTimeout())) && check(s).isEmpty()) {
                sessions.add(new SessionInfo(row.handle(), row.sessionId().equals(currentSessionId), row.createdAt(),
                        row.lastUsedAt(), s.authTime(), expiresAt(s), s.keyId(), s.credentialId(), s.emergency(), s.amr(), s.acr()));
            }
        }
        sessions.sort(Comparator.comparing(SessionInfo::lastUsedAt).reversed());
        return sessions;
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

    private SignedIn read(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return serialization.convert(bytes, TypeDescriptor.valueOf(byte[].class), TypeDescriptor.valueOf(Object.class))
                    instanceof SignedIn s ? s : null;
        } catch (RuntimeException unreadable) {
            return null;
        }
    }
}
