package dev.glasskey.web;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import dev.glasskey.audit.Audit;
import dev.glasskey.system.GlasskeyProperties;
import dev.glasskey.system.RateLimits;

/** Servlet filters outside Spring Security's chains. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class WebFilterConfiguration {

    /** Before everything, including the database session filter (which reads the session row). */
    @Bean
    FilterRegistrationBean<DatabaseUnavailableFilter> databaseUnavailableFilter() {
        FilterRegistrationBean<DatabaseUnavailableFilter> registration = new FilterRegistrationBean<>(new DatabaseUnavailableFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** Next, the real client address and scheme behind a trusted reverse proxy, for everything after it. */
    @Bean
    FilterRegistrationBean<ForwardedHeaders> forwardedHeaders(GlasskeyProperties properties) {
        FilterRegistrationBean<ForwardedHeaders> registration = new FilterRegistrationBean<>(new ForwardedHeaders(properties.trustedProxies()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    /** Then the audit of refusals nobody else recorded: outside everything that may refuse, it sees every refusal. */
    @Bean
    FilterRegistrationBean<RefusalAuditFilter> refusalAuditFilter(Audit audit) {
        FilterRegistrationBean<RefusalAuditFilter> registration = new FilterRegistrationBean<>(new RefusalAuditFilter(audit));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }

    /** The rate limits, before the session or a body is read. */
    @Bean
    FilterRegistrationBean<RateLimitFilter> rateLimitFilter(RateLimits limits) {
        FilterRegistrationBean<RateLimitFilter> registration = new FilterRegistrationBean<>(new RateLimitFilter(limits));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 3);
        return registration;
    }

    /** The body-size limit, in front of every security filter chain (the OpenID Connect provider's included). */
    @Bean
    FilterRegistrationBean<BodyLimitFilter> bodyLimitFilter(GlasskeyProperties properties) {
        FilterRegistrationBean<BodyLimitFilter> registration = new FilterRegistrationBean<>(new BodyLimitFilter(properties.maxBodyBytes()));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 4);
        return registration;
    }
}
