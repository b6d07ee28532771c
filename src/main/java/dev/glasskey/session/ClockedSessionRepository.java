package dev.glasskey.session;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;

/**
 * Spring Session's JDBC repository, with time taken from Glasskey's one clock: Spring Session
 * dates accesses by the wall clock, so the idle timeout could not be tested through the
 * injectable clock, and a session's last access would disagree with every other time Glasskey
 * records. Each save stamps the access by the clock; a session found idle for
 * {@code glasskey.session.idle-timeout} by the clock, or one whose stored attributes no longer
 * read back ({@link SessionSerialization}), is deleted and reported as not there.
 */
final class ClockedSessionRepository<S extends Session> implements FindByIndexNameSessionRepository<S> {
    private final FindByIndexNameSessionRepository<S> delegate;
    private final Runnable cleanUp;
    private final Clock clock;
    private final Duration idleTimeout;
    private final Consumer<Session> endedIdle;

    ClockedSessionRepository(FindByIndexNameSessionRepository<S> delegate, Runnable cleanUp, Clock clock, Duration idleTimeout,
                             Consumer<Session> endedIdle) {
        this.delegate = delegate;
        this.cleanUp = cleanUp;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.endedIdle = endedIdle;
    }

    @Override
    public S createSession() {
        S session = delegate.createSession();
        session.setLastAccessedTime(clock.instant());
        return session;
    }

    @Override
    public void save(S session) {
        session.setLastAccessedTime(clock.instant());
        delegate.save(session);
    }

    @Override
    public S findById(String id) {
        if (!wellFormed(id)) {
            // Session ids are random UUIDs; anything else a cookie carries names no session (and may not
            // even be a string the database accepts, such as one with a NUL character).
            return null;
        }
        S session = delegate.findById(id);
        if (session == null) {
            return null;
        }
        if (!readable(session)) {
            // Written by an older version or tampered with: no session (never a 500 later, wherever it is read).
            delegate.deleteById(id);
            return null;
        }
        if (!clock.instant().isBefore(session.getLastAccessedTime().plus(idleTimeout))) {
            delegate.deleteById(id);
            endedIdle.accept(session);
            return null;
        }
        return session;
    }

    static boolean wellFormed(String id) {
        if (id == null || id.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = id.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** Every attribute reads back (Spring Session deserialises lazily, at first use). */
    private static boolean readable(Session session) {
        try {
            for (String name : session.getAttributeNames()) {
                session.getAttribute(name);
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void deleteById(String id) {
        delegate.deleteById(id);
    }

    @Override
    public Map<String, S> findByIndexNameAndIndexValue(String indexName, String indexValue) {
        return delegate.findByIndexNameAndIndexValue(indexName, indexValue);
    }

    /** Deletes the sessions whose (wall-clock) expiry passed: the janitor's job. */
    void cleanUpExpiredSessions() {
        cleanUp.run();
    }
}
