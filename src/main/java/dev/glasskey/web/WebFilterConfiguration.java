package dev.glasskey.web;

import java.util.Set;

import jakarta.servlet.Filter;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import dev.glasskey.audit.Audit;
import dev.glasskey.mds.MdsProperties;
import dev.glasskey.system.GlasskeyProperties;
import dev.glasskey.system.RateLimits;

/**
 * Servlet filters outside Spring Security's chains, in front of all of them (the OpenID Connect
 * provider's and the console's), in the order of the beans below.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class WebFilterConfiguration {
    /** Room beside a metadata BLOB in an upload: CRLs, JSON or multipart framing. */
    static final long MDS_UPLOAD_MARGIN = 8L * 1024 * 1024;


    /** Before everything, including the database session filter (which reads the session row). */
    @Bean
    FilterRegistrationBean<DatabaseUnavailableFilter> databaseUnavailableFilter() {
        return at(0, new DatabaseUnavailableFilter());
    }

    /** Next, the real client address and scheme behind a trusted reverse proxy, for everything after it. */
    @Bean
    FilterRegistrationBean<ForwardedHeaders> forwardedHeaders(GlasskeyProperties properties,
                                                             dev.glasskey.access.AccessProperties access) {
        return at(1, new ForwardedHeaders(properties.trustedProxies(), access.deviceCertificateHeader()));
    }

    /** Then the audit of refusals nobody else recorded: outside everything that may refuse, it sees every refusal. */
    @Bean
    FilterRegistrationBean<RefusalAuditFilter> refusalAuditFilter(Audit audit, dev.glasskey.system.Metrics metrics) {
        return at(2, new RefusalAuditFilter(audit, metrics));
    }

    /** The rate limits, before the session or a body is read. */
    @Bean
    FilterRegistrationBean<RateLimitFilter> rateLimitFilter(RateLimits limits) {
        return at(3, new RateLimitFilter(limits));
    }

    /** The body-size limit, in front of every security filter chain (the OpenID Connect provider's included). */
    @Bean
    FilterRegistrationBean<BodyLimitFilter> bodyLimitFilter(GlasskeyProperties properties, MdsProperties mds) {
        // A metadata BLOB upload: the BLOB (checked against glasskey.mds.max-blob-bytes by the service) and its CRLs.
        return at(4, new BodyLimitFilter(properties.maxBodyBytes(), mds.maxBlobBytes() + MDS_UPLOAD_MARGIN,
                Set.of("/api/mds", ModelConsolePages.UPLOAD)));
    }

    /** {@code filter} as the {@code position}-th filter of every request (0 first), before Spring's own. */
    private static <F extends Filter> FilterRegistrationBean<F> at(int position, F filter) {
        FilterRegistrationBean<F> registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + position);
        return registration;
    }
}
