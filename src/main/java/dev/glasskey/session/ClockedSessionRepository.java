package dev.glasskey.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * Spring Session's JDBC repository, with time taken from Glasskey's one clock, and a session's
 * last access written at most once a minute.
 * <ul>
 * <li>Spring Session dates accesses by the wall clock (its filter stamps every request with
 * {@code Instant.now()}), so the idle timeout could not be tested through the injectable clock
 * and would disagree with every other time Glasskey records. Here the sessions handed out are
 * {@link Stamped}: the filter's stamp is ignored, and the repository stamps by the clock when it
 * saves.
 * <li>Writing the access time back on every request was the largest cost of an authenticated
 * request (an UPDATE and a commit each time: docs/PERFORMANCE.md, "Sessions in the database").
 * It is written when it moved by {@link #ACCESS_WRITE_INTERVAL} or more (or with any other
 * change), so the stored access time is at most a minute behind the real one and a session is
 * judged idle at the latest after {@code glasskey.session.idle-timeout}, and at the earliest a
 * minute before.
 * <li>A session found idle for the idle timeout by the clock, or one whose stored attributes no
 * longer read back ({@link SessionSerialization}), is deleted and reported as not there; so is
 * an id that is not a random UUID (our session ids are; anything else a cookie carries names no
 * session, and may not even be a string the database accepts).
 * <li>Changes are written when the request's session is saved (Spring Session's
 * {@code FlushMode.ON_SAVE}: at the latest when the response is committed, one statement per kind
 * of change), or earlier through {@link #saveCurrent()}: a sign-in writes its new session that way,
 * in the sign-in's own transaction, with one insert of the session and one batch of its
 * attributes. (Flushing on every change wrote a new session as an insert, two updates and three
 * single inserts: docs/PERFORMANCE.md, "Sign-in with a database session".)
 * </ul>
 */
final class ClockedSessionRepository<S extends Session> implements FindByIndexNameSessionRepository<ClockedSessionRepository.Stamped<S>> {
    static final Duration ACCESS_WRITE_INTERVAL = Duration.ofMinutes(1);
    /** Request attribute: the session this request created or read, for {@link #saveCurrent()}. */
    private static final String CURRENT = ClockedSessionRepository.class.getName() + ".current";

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
    public Stamped<S> createSession() {
        S session = delegate.createSession();
        session.setLastAccessedTime(clock.instant());
        return current(new Stamped<>(session));
    }

    /**
     * Writes the current request's session now, in the caller's transaction if there is one
     * (a sign-in: its session commits with it, or not at all). Writes nothing when nothing changed,
     * so the save at the end of the request then writes nothing either.
     */
    @SuppressWarnings("unchecked")
    void saveCurrent() {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null && request.getAttribute(CURRENT, RequestAttributes.SCOPE_REQUEST) instanceof Stamped<?> session) {
            save((Stamped<S>) session);
        }
    }

    private Stamped<S> current(Stamped<S> session) {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null) {
            request.setAttribute(CURRENT, session, RequestAttributes.SCOPE_REQUEST);
        }
        return session;
    }

    @Override
    public void save(Stamped<S> session) {
        Instant now = clock.instant();
        S stored = session.delegate();
        if (!now.isBefore(stored.getLastAccessedTime().plus(ACCESS_WRITE_INTERVAL))) {
            stored.setLastAccessedTime(now);
        }
        delegate.save(stored);
    }

    @Override
    public Stamped<S> findById(String id) {
        if (!wellFormed(id)) {
            return null;
        }
        S session = delegate.findById(id);
        if (session == null) {
            return null;
        }
        if (!readable(session)) {
            delegate.deleteById(id);
            return null;
        }
        if (!clock.instant().isBefore(session.getLastAccessedTime().plus(idleTimeout))) {
            delegate.deleteById(id);
            endedIdle.accept(session);
            return null;
        }
        return current(new Stamped<>(session));
    }

    @Override
    public void deleteById(String id) {
        delegate.deleteById(id);
    }

    @Override
    public Map<String, Stamped<S>> findByIndexNameAndIndexValue(String indexName, String indexValue) {
        Map<String, Stamped<S>> found = new LinkedHashMap<>();
        delegate.findByIndexNameAndIndexValue(indexName, indexValue).forEach((id, s) -> found.put(id, new Stamped<>(s)));
        return found;
    }

    /** Deletes the sessions whose (wall-clock) expiry passed: the janitor's job. */
    void cleanUpExpiredSessions() {
        cleanUp.run();
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

    /**
     * A stored session as the servlet layer sees it: everything passes through, except the last
     * access time, which only the repository sets (by the clock, when it saves).
     */
    static final class Stamped<S extends Session> implements Session {
        private final S delegate;

        Stamped(S delegate) {
            this.delegate = delegate;
        }

        S delegate() {
            return delegate;
        }

        @Override
        public String getId() {
            return delegate.getId();
        }

        @Override
        public String changeSessionId() {
            return delegate.changeSessionId();
        }

        @Override
        public <T> T getAttribute(String attributeName) {
            return delegate.getAttribute(attributeName);
        }

        @Override
        public Set<String> getAttributeNames() {
            return delegate.getAttributeNames();
        }

        @Override
        public void setAttribute(String attributeName, Object attributeValue) {
            delegate.setAttribute(attributeName, attributeValue);
        }

        @Override
        public void removeAttribute(String attributeName) {
            delegate.removeAttribute(attributeName);
        }

        @Override
        public Instant getCreationTime() {
            return delegate.getCreationTime();
        }

        /** Ignored: the repository stamps accesses by Glasskey's clock when it saves. */
        @Override
        public void setLastAccessedTime(Instant lastAccessedTime) {
        }

        @Override
        public Instant getLastAccessedTime() {
            return delegate.getLastAccessedTime();
        }

        @Override
        public void setMaxInactiveInterval(Duration interval) {
            delegate.setMaxInactiveInterval(interval);
        }

        @Override
        public Duration getMaxInactiveInterval() {
            return delegate.getMaxInactiveInterval();
        }

        @Override
        public boolean isExpired() {
            return delegate.isExpired();
        }
    }
}
