package dev.glasskey.session;

import java.time.Clock;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.session.FlushMode;
import org.springframework.session.config.annotation.web.http.EnableSpringHttpSession;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.session.security.SpringSessionBackedSessionRegistry;
import org.springframework.session.web.http.CookieSerializer;
import org.springframework.session.web.http.DefaultCookieSerializer;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;

import dev.glasskey.system.GlasskeyProperties;

/**
 * Sessions in the database: Spring Session JDBC behind the servlet session, so any node serves
 * any request and no node holds sessions in its heap. Its tables come from our Flyway migration
 * (V10); its own schema initialisation and clean-up scheduler are not used (the janitor below
 * runs on one node at a time).
 *
 * <p>The cookie ({@code JSESSIONID}, the name every servlet tool expects) is opaque (the
 * base64 of a random UUID naming a database row), {@code HttpOnly}, {@code SameSite=Lax} (an
 * OpenID Connect relying party's redirect back to the authorization endpoint is a cross-site
 * top-level navigation that must carry it), and {@code Secure} whenever the base URL is https.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
@EnableSpringHttpSession
class SessionConfiguration {

    @Bean
    ClockedSessionRepository<?> sessionRepository(JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
                                               SessionProperties properties, Clock clock,
                                               org.springframework.beans.factory.ObjectProvider<SessionService> sessions) {
        JdbcIndexedSessionRepository repository = new JdbcIndexedSessionRepository(jdbc, new TransactionTemplate(transactionManager));
        repository.setDefaultMaxInactiveInterval(properties.idleTimeout());
        repository.setConversionService(SessionSerialization.conversionService());
        repository.setCleanupCron(Scheduled.CRON_DISABLED);
        // Written when the request's session is saved (and a sign-in's new session earlier, in the sign-in's
        // transaction: ClockedSessionRepository.saveCurrent); a request that changes nothing writes nothing.
        repository.setFlushMode(FlushMode.ON_SAVE);
        return new ClockedSessionRepository<>(repository, repository::cleanUpExpiredSessions, clock, properties.idleTimeout(), session -> {
            var signedIn = session.getAttribute(SessionService.SIGNED_IN) instanceof dev.glasskey.webauthn.SignedIn s ? s : null;
            if (signedIn != null) {
                sessions.getObject().recordEnded(signedIn, "session.idle", "unused for " + properties.idleTimeout() + " or more");
            }
        });
    }

    @Bean
    CookieSerializer cookieSerializer(GlasskeyProperties properties) {
        DefaultCookieSerializer cookie = new DefaultCookieSerializer();
        cookie.setCookieName("JSESSIONID");
        cookie.setCookiePath("/");
        cookie.setUseHttpOnlyCookie(true);
        cookie.setSameSite("Lax");
        cookie.setUseSecureCookie(properties.https());
        return cookie;
    }

    /**
     * The session registry Spring Authorization Server uses for {@code sid} and logout, backed by
     * the database sessions (its default keeps every session in the heap and, with Spring
     * Session, would never hear that one ended).
     */
    @Bean
    SpringSessionBackedSessionRegistry<?> sessionRegistry(ClockedSessionRepository<?> sessions) {
        return new SpringSessionBackedSessionRegistry<>(sessions);
    }

    @Bean
    SecurityContextRepository securityContextRepository(SessionService sessions) {
        return new SessionContextRepository(sessions);
    }

    @Bean
    SessionJanitor sessionJanitor(ClockedSessionRepository<?> sessions) {
        return new SessionJanitor(sessions);
    }

    /** Deletes expired session rows every minute, on one node at a time. */
    static class SessionJanitor {
        private final ClockedSessionRepository<?> sessions;

        SessionJanitor(ClockedSessionRepository<?> sessions) {
            this.sessions = sessions;
        }

        @Scheduled(fixedDelayString = "PT1M", initialDelayString = "PT1M")
        @SchedulerLock(name = "session-janitor", lockAtMostFor = "PT5M")
        void purge() {
            sessions.cleanUpExpiredSessions();
        }
    }
}
