package dev.glasskey.web;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import dev.glasskey.system.GlasskeyProperties;

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
}
