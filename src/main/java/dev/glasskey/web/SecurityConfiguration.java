package dev.glasskey.web;


import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthenticatedAuthorizationManager;
import org.springframework.security.authorization.AuthorizationManagers;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import dev.glasskey.account.AccountService;
import dev.glasskey.pim.PimService;
import dev.glasskey.session.SessionService;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyProperties;
import dev.glasskey.system.Problems;

/**
 * One filter chain. Pages and JSON share the session; JSON callers get problem documents,
 * browsers get redirected to the sign-in page. CSRF protection uses the single-page-app
 * pattern (cookie {@code XSRF-TOKEN}, header {@code X-XSRF-TOKEN}); the pre-sign-in ceremony
 * endpoints are exempt because each is bound to a single-use challenge tied to the browser's
 * ceremony cookie. The session itself is the database session of {@code session/}, re-checked
 * on every request that needs it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
public class SecurityConfiguration {
    @Bean
    SecurityFilterChain filterChain(HttpSecurity http, GlasskeyProperties properties,
                                    SecurityContextRepository contextRepository,
                                    @Qualifier("requestMappingHandlerMapping") ObjectProvider<RequestMappingHandlerMapping> handlers,
                                    ObjectProvider<AccountService> accounts, ObjectProvider<PimService> pim) throws Exception {
        http.securityContext(c -> c.securityContextRepository(contextRepository));
        CookieCsrfTokenRepository csrfTokens = CookieCsrfTokenRepository.withHttpOnlyFalse();
        csrfTokens.setCookieCustomizer(cookie -> cookie.secure(properties.https()).sameSite("Lax"));
        http.csrf(csrf -> csrf.spa().csrfTokenRepository(csrfTokens).ignoringRequestMatchers("/api/webauthn/**", "/api/enrolments/*/options",
                "/api/enrolments/*/credential", "/api/drills/*/sign-in"));
        // The one permission table (issue 16) becomes the rules, most specific pattern first; a served
        // path it does not name stays closed (UnknownPaths), an unserved one is answered 404.
        http.authorizeHttpRequests(auth -> {
            auth.requestMatchers(PermissionTable.STATIC.toArray(String[]::new)).permitAll();
            List<PermissionTable.Rule> rules = PermissionTable.bySpecificity();
            for (PermissionTable.Rule rule : rules) {
                // The dispatcher serves HEAD with the GET handler: HEAD needs what GET needs.
                List<HttpMethod> methods = rule.method() == null ? java.util.Collections.singletonList(null)
                        : rule.method() == HttpMethod.GET ? List.of(HttpMethod.GET, HttpMethod.HEAD) : List.of(rule.method());
                for (HttpMethod method : methods) {
                    var matcher = method == null ? auth.requestMatchers(rule.pattern()) : auth.requestMatchers(method, rule.pattern());
                    if (rule.need().kind() == PermissionTable.Need.Kind.OPEN) {
                        matcher.permitAll();
                    } else {
                        matcher.access(new PermissionCheck(rule.need(), accounts::getObject, pim::getObject));
                    }
                }
            }
            // A served path with a method it does not serve is answered 405 by the dispatcher: to anyone where
            // every method of the path is open, else to a signed-in caller.
            java.util.Map<Boolean, List<String>> openPatterns = rules.stream().collect(java.util.stream.Collectors.groupingBy(
                    PermissionTable.Rule::pattern, java.util.LinkedHashMap::new, java.util.stream.Collectors.toList())).entrySet().stream()
                    .collect(java.util.stream.Collectors.partitioningBy(e -> e.getValue().stream()
                                    .allMatch(r -> r.need().kind() == PermissionTable.Need.Kind.OPEN),
                            java.util.stream.Collectors.mapping(java.util.Map.Entry::getKey, java.util.stream.Collectors.toList())));
            auth.requestMatchers(openPatterns.get(true).toArray(String[]::new)).permitAll();
            auth.requestMatchers(openPatterns.get(false).toArray(String[]::new)).authenticated();
            // Unknown paths: 404, under /api and /admin only after sign-in (as before the table).
            auth.requestMatchers("/api/**", "/admin/**").access(AuthorizationManagers.allOf(
                    AuthenticatedAuthorizationManager.authenticated(), UnknownPaths.passToNotFound(handlers::getObject)));
            auth.anyRequest().access(UnknownPaths.passToNotFound(handlers::getObject));
        });
        http.exceptionHandling(e -> e
                .authenticationEntryPoint((request, response, ex) -> {
                    Object ended = request.getAttribute(SessionService.ENDED);
                    if (wantsHtml(request)) {
                        response.sendRedirect(request.getContextPath() + "/sign-in");
                    } else if (ended != null) {
                        ProblemWriter.write(request, response, ErrorCode.SESSION_ENDED, "Your session was ended: " + ended + ".");
                    } else {
                        ProblemWriter.write(request, response, ErrorCode.UNAUTHENTICATED, null);
                    }
                })
                .accessDeniedHandler((request, response, ex) -> ProblemWriter.write(request, response,
                        ex instanceof CsrfException ? ErrorCode.CSRF : ErrorCode.FORBIDDEN,
                        ex instanceof CsrfException ? null : (String) request.getAttribute(PermissionCheck.REFUSAL))));
        http.logout(l -> l.logoutUrl("/sign-out").logoutSuccessUrl("/sign-in"));
        http.formLogin(f -> f.disable());
        http.httpBasic(b -> b.disable());
        http.requestCache(c -> c.disable());
        http.headers(h -> h
                .contentSecurityPolicy(csp -> csp.policyDirectives(
                        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"))
                .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER))
                // RFC 6797: with an https base URL every answer says so (a browser ignores it over plain
                // http, and behind a TLS proxy the request the server sees may be plain http).
                .httpStrictTransportSecurity(hsts -> {
                    if (properties.https()) {
                        hsts.requestMatcher(AnyRequestMatcher.INSTANCE).maxAgeInSeconds(31_536_000).includeSubDomains(true);
                    } else {
                        hsts.disable();
                    }
                }));
        return http.build();
    }

    /**
     * A request Spring Security's firewall refuses (a path that is not normalised, control
     * characters in a header or parameter, an unknown method) is answered like any other
     * malformed request — a problem document, audited — in every filter chain.
     */
    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return (request, response, e) -> ProblemWriter.write(request, response, ErrorCode.REQUEST_MALFORMED,
                "The request is not one Glasskey accepts (its path, a header or a parameter).");
    }

    static boolean wantsHtml(HttpServletRequest request) {
        return Problems.wantsHtml(request);
    }
}
