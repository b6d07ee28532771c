package dev.glasskey.web;

import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The management endpoints (health, metrics, status, the API description: docs/OPERATIONS.md,
 * "Health and metrics") on their own port — by default 8081 bound to 127.0.0.1 — are open to
 * whoever can reach that port, without a session: a load balancer's probe and a Prometheus scrape
 * carry no cookie, and the port is reachable from the host only unless the operator binds it
 * elsewhere. They are read-only: no session, no cookie, nothing for CSRF to protect.
 *
 * <p>{@link EndpointRequest} matches only on the management port, so on the public port the same
 * paths fall to the main chain, which denies them. Without a port of their own
 * ({@code management.server.port} equal to {@code server.port}) this chain does not exist and the
 * main chain denies every management path: they are never served to the public.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
@ConditionalOnManagementPort(ManagementPortType.DIFFERENT)
class ManagementSecurityConfiguration {

    @Bean
    @Order(1)
    SecurityFilterChain managementFilterChain(HttpSecurity http) throws Exception {
        http.securityMatcher(EndpointRequest.toAnyEndpoint());
        http.authorizeHttpRequests(auth -> auth.anyRequest().permitAll());
        http.csrf(c -> c.disable());
        http.sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
        http.requestCache(c -> c.disable());
        http.formLogin(f -> f.disable());
        http.httpBasic(b -> b.disable());
        http.logout(l -> l.disable());
        return http.build();
    }
}
