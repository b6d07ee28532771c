package dev.glasskey.oidc;

import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenIntrospectionClaimNames;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenIntrospection;
import org.springframework.security.oauth2.server.authorization.authentication.ClientSecretAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceCodeAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2PushedAuthorizationRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenExchangeAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.http.converter.OAuth2TokenIntrospectionHttpMessageConverter;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcUserInfoAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2DeviceCodeAuthenticationConverter;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2TokenExchangeAuthenticationConverter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.json.JsonMapper;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;
import dev.glasskey.session.SessionCheck;
import dev.glasskey.system.Actor;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Untrusted;

/**
 * The OpenID Connect provider's own filter chain, ordered before the console's and limited to
 * the protocol endpoints (discovery, JWK Set, authorize, pushed authorization requests, token, revoke, introspect,
 * UserInfo, logout). It shares the browser session with the rest of Glasskey: an unauthenticated
 * authorization request goes to the security-key sign-in page and comes back afterwards.
 * Every grant runs in one transaction with its audit entry ({@link AuditedGrant}); every
 * refusal is audited by the endpoint's error handler below.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class OidcSecurityConfiguration {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain oidcFilterChain(HttpSecurity http, SecurityContextRepository contextRepository,
                                        RegisteredClientRepository clients, OAuth2AuthorizationService authorizations,
                                        AuthorizationServerSettings settings, IssuedTokens tokenGenerator,
                                        AccountService accounts, SessionCheck sessionCheck, OidcAudit audit, Clock clock,
                                        PlatformTransactionManager transactionManager, SigningKeys keys, ClientStore clientStore,
                                        dev.glasskey.system.Metrics metrics,
                                        org.springframework.beans.factory.ObjectProvider<AuthorizationAccess> access) throws Exception {
        TransactionTemplate tx = new TransactionTemplate(transactionManager);
        RequestMatcher authorizeEndpoint = new OrRequestMatcher(
                PathPatternRequestMatcher.withDefaults().matcher(org.springframework.http.HttpMethod.GET, settings.getAuthorizationEndpoint()),
                PathPatternRequestMatcher.withDefaults().matcher(org.springframework.http.HttpMethod.POST, settings.getAuthorizationEndpoint()));
        ClientSecrets secrets = new ClientSecrets();
        PushedRequests pushed = new PushedRequests(authorizations, clients, clock);
        AuthorizationCodes codes = new AuthorizationCodes(clock);
        AuthenticationFailureHandler oauthErrors = OidcSecurityConfiguration::writeError;
        OAuth2AuthorizationServerConfigurer server = new OAuth2AuthorizationServerConfigurer();
        String issuer = settings.getIssuer();
        // RFC 9728 protected resource metadata (Spring Security's resource server publishes it for
        // UserInfo and names it in its WWW-Authenticate challenges): served here, not refused by the console's chain.
        RequestMatcher resourceMetadata = PathPatternRequestMatcher.withDefaults().matcher(org.springframework.http.HttpMethod.GET,
                "/.well-known/oauth-protected-resource/**");
        RequestMatcher clientEndpoints = new OrRequestMatcher(
                PathPatternRequestMatcher.withDefaults().matcher(settings.getTokenEndpoint()),
                PathPatternRequestMatcher.withDefaults().matcher(settings.getPushedAuthorizationRequestEndpoint()),
                PathPatternRequestMatcher.withDefaults().matcher(settings.getTokenRevocationEndpoint()),
                PathPatternRequestMatcher.withDefaults().matcher(settings.getTokenIntrospectionEndpoint()));
        http.securityMatcher(new OrRequestMatcher(server.getEndpointsMatcher(), resourceMetadata));
        http.with(server, as -> as
                .registeredClientRepository(clients)
                .authorizationService(authorizations)
                .authorizationServerSettings(settings)
                .tokenGenerator(tokenGenerator)
                .clientAuthentication(c -> c
                        .authenticationConverters(converters -> {
                            converters.add(0, PublicClients.converter(settings.getTokenEndpoint()));
                            converters.add(1, ClientAssertions.converter());
                        })
                        .authenticationProviders(providers -> {
                            providers.forEach(p -> {
                                if (p instanceof ClientSecretAuthenticationProvider secret) {
                                    secret.setPasswordEncoder(secrets);
                                }
                                if (p instanceof JwtClientAssertionAuthenticationProvider assertion) {
                                    assertion.setJwtDecoderFactory(new ClientAssertions(settings, clientStore, clock));
                                }
                            });
                            providers.add(0, PublicClients.refreshProvider(clients));
                        })
                        .errorResponseHandler(countingGrants(metrics, settings,
                                audited(tx, audit, clients, "client authentication", oauthErrors))))
                // RFC 9126: pushed requests pass the same checks as plain ones; their refusals are JSON (§2.3) and audited.
                .pushedAuthorizationRequestEndpoint(par -> par
                        .pushedAuthorizationRequestConverters(converters -> converters.replaceAll(c -> AuthorizationRequestChecks.converter(c, clients, null)))
                        .authenticationProviders(providers -> providers.forEach(p -> {
                            if (p instanceof OAuth2PushedAuthorizationRequestAuthenticationProvider pushedRequests) {
                                pushedRequests.setAuthenticationValidator(AuthorizationRequestChecks::validate);
                            }
                        }))
                        .errorResponseHandler(audited(tx, audit, clients, "pushed authorization request", oauthErrors)))
                .authorizationEndpoint(a -> a
                        .authorizationRequestConverters(converters -> converters.replaceAll(c -> AuthorizationRequestChecks.converter(c, clients, pushed)))
                        .authenticationProviders(providers -> providers.forEach(p -> {
                            if (p instanceof OAuth2AuthorizationCodeRequestAuthenticationProvider codeRequests) {
                                codeRequests.setAuthenticationValidator(AuthorizationRequestChecks::validate);
                                codeRequests.setAuthorizationCodeGenerator(codes);
                            }
                        }))
                        .authorizationResponseHandler((request, response, authentication) ->
                                codeIssued(request, response, (OAuth2AuthorizationCodeRequestAuthenticationToken) authentication, tx, audit, issuer, pushed))
                        .errorResponseHandler((request, response, e) -> authorizationRefused(request, response, e, tx, audit, clients, issuer)))
                .tokenEndpoint(t -> t
                        // Only the grants Glasskey offers (Discovery.GRANT_TYPES): a device code or token
                        // exchange request is unsupported_grant_type (RFC 6749 §5.2), not a lookup that fails.
                        .accessTokenRequestConverters(converters -> converters.removeIf(c ->
                                c instanceof OAuth2DeviceCodeAuthenticationConverter || c instanceof OAuth2TokenExchangeAuthenticationConverter))
                        .authenticationProviders(providers -> {
                            providers.removeIf(p -> p instanceof OAuth2DeviceCodeAuthenticationProvider
                                    || p instanceof OAuth2TokenExchangeAuthenticationProvider);
                            providers.replaceAll(p -> audited(p, tx, audit, authorizations, tokenGenerator, metrics, access));
                        })
                        .errorResponseHandler(countingGrants(metrics, settings, audited(tx, audit, clients, "token request", oauthErrors))))
                .tokenRevocationEndpoint(r -> r
                        .authenticationProviders(providers -> providers.replaceAll(p -> audited(p, tx, audit, authorizations, tokenGenerator, metrics, access)))
                        .errorResponseHandler(audited(tx, audit, clients, "revocation", oauthErrors)))
                .tokenIntrospectionEndpoint(i -> i
                        .authenticationProviders(providers -> providers.replaceAll(p ->
                                p instanceof OAuth2TokenIntrospectionAuthenticationProvider
                                        ? new IntrospectionPolicy(authorizations, clients, sessionCheck, clock) : p))
                        .introspectionResponseHandler(OidcSecurityConfiguration::writeIntrospection)
                        .errorResponseHandler(audited(tx, audit, clients, "introspection", oauthErrors)))
                .authorizationServerMetadataEndpoint(m -> m.authorizationServerMetadataCustomizer(metadata ->
                        metadata.claims(Discovery::oauthMetadata)))
                .oidc(oidc -> oidc
                        .providerConfigurationEndpoint(p -> p.providerConfigurationCustomizer(metadata -> metadata
                                // Discovery 1.0 §3: RS256 must be listed; ES256 is the default per client.
                                .idTokenSigningAlgorithms(algs -> {
                                    algs.clear();
                                    algs.addAll(SigningKeys.ALGORITHMS);
                                })
                                .claims(Discovery::providerConfiguration)))
                        .userInfoEndpoint(u -> u
                                .userInfoMapper(context -> userInfo(context, accounts, sessionCheck, clients, clock))
                                .errorResponseHandler(audited(tx, audit, clients, "userinfo", OidcSecurityConfiguration::writeBearerError)))
                        .logoutEndpoint(l -> l
                                .authenticationProviders(providers -> providers.replaceAll(p ->
                                        p instanceof OidcLogoutAuthenticationProvider ? new RpInitiatedLogout(p) : p))
                                .errorResponseHandler(audited(tx, audit, clients, "logout", oauthErrors)))));
        http.authorizeHttpRequests(auth -> auth.requestMatchers(resourceMetadata).permitAll().anyRequest().authenticated());
        http.securityContext(c -> c.securityContextRepository(contextRepository));
        http.requestCache(c -> c.disable());
        http.oauth2ResourceServer(rs -> rs.jwt(Customizer.withDefaults()));
        http.exceptionHandling(e -> e
                .defaultAuthenticationEntryPointFor(signInFirst(authorizeEndpoint, tx, audit, issuer), authorizeEndpoint)
                .defaultAuthenticationEntryPointFor(clientAuthenticationRequired(tx, audit), clientEndpoints));
        http.addFilterAfter(new AuthorizationPolicyFilter(authorizeEndpoint, accounts, audit, clock, tx, issuer, access), AuthorizationFilter.class);
        // Before anything else: no protocol answer without signing keys, and the JWK Set as RFC 7517 §8.5 types it.
        http.addFilterBefore(new SigningKeysGate(keys, settings.getJwkSetEndpoint()), org.springframework.security.web.context.SecurityContextHolderFilter.class);
        return http.build();
    }

    private static AuthenticationProvider audited(AuthenticationProvider provider, TransactionTemplate tx, OidcAudit audit,
                                                  OAuth2AuthorizationService authorizations, IssuedTokens issued,
                                                  dev.glasskey.system.Metrics metrics,
                                                  org.springframework.beans.factory.ObjectProvider<AuthorizationAccess> access) {
        return new AuditedGrant(provider, tx, audit, authorizations, issued, metrics, access);
    }

    /**
     * Counts a refused token request as a refused grant ({@link dev.glasskey.system.Metrics#TOKEN_GRANTS}) — whether the
     * grant itself was refused or the client's authentication (which, for a code with PKCE, already looks the code up) —
     * then lets {@code next} audit and answer it. Issued grants are counted by {@link AuditedGrant}.
     */
    private static AuthenticationFailureHandler countingGrants(dev.glasskey.system.Metrics metrics, AuthorizationServerSettings settings,
                                                               AuthenticationFailureHandler next) {
        return (request, response, e) -> {
            if (request.getRequestURI().equals(settings.getTokenEndpoint())) {
                metrics.tokenGrant(AuditedGrant.grantParameter(request.getParameter(OAuth2ParameterNames.GRANT_TYPE)), false,
                        e instanceof OAuth2AuthenticationException o ? o.getError().getErrorCode() : OAuth2ErrorCodes.INVALID_REQUEST);
            }
            next.onAuthenticationFailure(request, response, e);
        };
    }

    /** Audits a refusal (with its OAuth error code), then answers as Spring Authorization Server does (RFC 6749 §5.2 JSON). */
    private static AuthenticationFailureHandler audited(TransactionTemplate tx, OidcAudit audit, RegisteredClientRepository clients,
                                                        String what, AuthenticationFailureHandler respond) {
        return (request, response, e) -> {
            String error = e instanceof OAuth2AuthenticationException o ? o.getError().getErrorCode() : OAuth2ErrorCodes.INVALID_REQUEST;
            String description = e instanceof OAuth2AuthenticationException o && o.getError().getDescription() != null
                    ? Untrusted.shown(o.getError().getDescription()) : Untrusted.reason(e);
            Object codeReusedBy = request.getAttribute(AuditedGrant.CODE_REUSED);
            Object refreshReusedBy = request.getAttribute(AuditedGrant.REFRESH_REUSED);
            Object reusedBy = codeReusedBy != null ? codeReusedBy : refreshReusedBy;
            String clientId = clientOf(request);
            Actor actor = refusedClient(clients, clientId);
            String grant = request.getParameter(OAuth2ParameterNames.GRANT_TYPE);
            String detail = what + " refused" + (actor == Actor.ANONYMOUS ? " for " + unregistered(clientId) : "")
                    + (grant != null ? " (grant " + Untrusted.shown(grant) + ")" : "") + ": " + description
                    + (codeReusedBy != null ? "; the code was used before: the tokens issued for it are revoked" : "")
                    + (refreshReusedBy != null ? "; the refresh token was rotated away before and is presented again"
                            + " (RFC 9700 §4.14.2): its whole family is revoked" : "");
            tx.executeWithoutResult(s -> audit.refused(actor, reusedBy == null ? null : reusedBy.toString(),
                    error, false, detail, reusedBy != null));
            respond.onAuthenticationFailure(request, response, e);
        };
    }

    /** The introspection response writer: Spring Authorization Server's, with {@link #introspectionMembers}. */
    private static final OAuth2TokenIntrospectionHttpMessageConverter INTROSPECTION = new OAuth2TokenIntrospectionHttpMessageConverter();

    static {
        INTROSPECTION.setTokenIntrospectionParametersConverter(OidcSecurityConfiguration::introspectionMembers);
    }

    /**
     * The members of an introspection response (RFC 7662 §2.2) as Spring Authorization Server
     * writes them — the token's claims, {@code scope} space-separated, {@code exp}, {@code iat}
     * and {@code nbf} in seconds since the epoch — and {@code auth_time} in seconds too: it is a
     * NumericDate in the token (OpenID Connect Core 1.0 §2, RFC 7519 §2), where the stock writer
     * would render the stored date as an ISO string.
     */
    static Map<String, Object> introspectionMembers(OAuth2TokenIntrospection source) {
        Map<String, Object> members = new java.util.LinkedHashMap<>(source.getClaims());
        if (source.getScopes() != null && !source.getScopes().isEmpty()) {
            members.put(OAuth2TokenIntrospectionClaimNames.SCOPE, String.join(" ", source.getScopes()));
        }
        if (source.getExpiresAt() != null) {
            members.put(OAuth2TokenIntrospectionClaimNames.EXP, source.getExpiresAt().getEpochSecond());
        }
        if (source.getIssuedAt() != null) {
            members.put(OAuth2TokenIntrospectionClaimNames.IAT, source.getIssuedAt().getEpochSecond());
        }
        if (source.getNotBefore() != null) {
            members.put(OAuth2TokenIntrospectionClaimNames.NBF, source.getNotBefore().getEpochSecond());
        }
        Object authTime = members.get(IdTokenClaimNames.AUTH_TIME);
        if (authTime instanceof java.util.Date date) {
            members.put(IdTokenClaimNames.AUTH_TIME, date.toInstant().getEpochSecond());
        } else if (authTime instanceof java.time.Instant instant) {
            members.put(IdTokenClaimNames.AUTH_TIME, instant.getEpochSecond());
        }
        return members;
    }

    private static void writeIntrospection(HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException {
        OAuth2TokenIntrospection claims = ((OAuth2TokenIntrospectionAuthenticationToken) authentication).getTokenClaims();
        INTROSPECTION.write(claims, null, new org.springframework.http.server.ServletServerHttpResponse(response));
    }

    /**
     * Who a refusal of the protocol endpoints is recorded against: a registered client as itself; a
     * client id nobody registered (or none) is only text the caller sent, so the refusal is an
     * anonymous one — aggregated per window and address, and never an overflowing audit column.
     */
    private static Actor refusedClient(RegisteredClientRepository clients, String clientId) {
        if (!OidcClient.couldBeRegistered(clientId) || clients.findByClientId(clientId) == null) {
            return Actor.ANONYMOUS;
        }
        return OidcAudit.client(clientId);
    }

    private static String unregistered(String clientId) {
        return clientId == null || clientId.isEmpty() ? "no client id" : "unregistered client id '" + Untrusted.shown(clientId) + "'";
    }

    /**
     * RFC 6749 §5.2: 401 for invalid_client (client authentication failed), 400 otherwise; JSON
     * body. A client that tried HTTP Basic gets the {@code WWW-Authenticate} challenge of that
     * scheme with its 401 (§5.2: "MUST include").
     */
    private static void writeError(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) throws IOException {
        OAuth2Error error = e instanceof OAuth2AuthenticationException o ? o.getError()
                : new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, Untrusted.reason(e), null);
        org.springframework.http.server.ServletServerHttpResponse http = new org.springframework.http.server.ServletServerHttpResponse(response);
        String authorization = request.getHeader("Authorization");
        if (OAuth2ErrorCodes.INVALID_CLIENT.equals(error.getErrorCode()) && authorization != null
                && authorization.regionMatches(true, 0, "Basic", 0, 5)) {
            http.getHeaders().set("WWW-Authenticate", BASIC_CHALLENGE);
        }
        http.setStatusCode(OAuth2ErrorCodes.INVALID_CLIENT.equals(error.getErrorCode()) ? org.springframework.http.HttpStatus.UNAUTHORIZED
                : OAuth2ErrorCodes.INVALID_TOKEN.equals(error.getErrorCode()) ? org.springframework.http.HttpStatus.UNAUTHORIZED
                : org.springframework.http.HttpStatus.BAD_REQUEST);
        new org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter().write(error, null, http);
    }

    static final String BASIC_CHALLENGE = "Basic realm=\"glasskey\", charset=\"UTF-8\"";

    /**
     * A UserInfo refusal as RFC 6750 §3 has a protected resource answer: {@code invalid_token}
     * 401, {@code insufficient_scope} 403 (naming the scope needed, {@code openid}), anything
     * else 400; each with its {@code WWW-Authenticate: Bearer} challenge, and the JSON body as
     * the other endpoints write it.
     */
    static void writeBearerError(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) throws IOException {
        OAuth2Error error = e instanceof OAuth2AuthenticationException o ? o.getError()
                : new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, Untrusted.reason(e), null);
        String code = error.getErrorCode();
        org.springframework.http.HttpStatus status = OAuth2ErrorCodes.INVALID_TOKEN.equals(code) ? org.springframework.http.HttpStatus.UNAUTHORIZED
                : OAuth2ErrorCodes.INSUFFICIENT_SCOPE.equals(code) ? org.springframework.http.HttpStatus.FORBIDDEN
                : org.springframework.http.HttpStatus.BAD_REQUEST;
        StringBuilder challenge = new StringBuilder("Bearer error=\"").append(quotable(code)).append('"');
        if (error.getDescription() != null) {
            challenge.append(", error_description=\"").append(quotable(error.getDescription())).append('"');
        }
        if (OAuth2ErrorCodes.INSUFFICIENT_SCOPE.equals(code)) {
            challenge.append(", scope=\"openid\"");
        }
        org.springframework.http.server.ServletServerHttpResponse http = new org.springframework.http.server.ServletServerHttpResponse(response);
        http.setStatusCode(status);
        http.getHeaders().set("WWW-Authenticate", challenge.toString());
        new org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter().write(error, null, http);
    }

    /** RFC 6750 §3: the attribute values are quoted-strings of %x20-21 / %x23-5B / %x5D-7E. */
    private static String quotable(String value) {
        return Untrusted.shown(value).replaceAll("[^\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]", "?");
    }

    /**
     * A token, revocation or introspection request that names no client credential at all:
     * {@code invalid_client} (RFC 6749 §5.2) as JSON with the Basic challenge, instead of an
     * empty 401; audited like every refusal of these endpoints.
     */
    private static AuthenticationEntryPoint clientAuthenticationRequired(TransactionTemplate tx, OidcAudit audit) {
        return (request, response, e) -> {
            tx.executeWithoutResult(s -> audit.refused(Actor.ANONYMOUS, null, OAuth2ErrorCodes.INVALID_CLIENT, false,
                    Untrusted.shown(request.getRequestURI()) + " refused: no client authentication", false));
            org.springframework.http.server.ServletServerHttpResponse http = new org.springframework.http.server.ServletServerHttpResponse(response);
            http.setStatusCode(org.springframework.http.HttpStatus.UNAUTHORIZED);
            http.getHeaders().set("WWW-Authenticate", BASIC_CHALLENGE);
            new org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter().write(
                    new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, "Client authentication is required.", null), null, http);
        };
    }

    private static String clientOf(HttpServletRequest request) {
        if (SecurityContextHolder.getContext().getAuthentication() instanceof OAuth2ClientAuthenticationToken client
                && client.getRegisteredClient() != null) {
            return client.getRegisteredClient().getClientId();
        }
        String param = request.getParameter(OAuth2ParameterNames.CLIENT_ID);
        if (param != null) {
            return param;
        }
        String assertion = request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION);
        if (assertion != null && assertion.length() <= 8192) {
            // private_key_jwt: the client the (refused, so unverified) assertion names; refusedClient checks it is registered.
            try {
                return com.nimbusds.jwt.JWTParser.parse(assertion).getJWTClaimsSet().getSubject();
            } catch (java.text.ParseException | RuntimeException malformed) {
                return null;
            }
        }
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(java.util.Base64.getDecoder().decode(header.substring(6).strip()), java.nio.charset.StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return java.net.URLDecoder.decode(colon < 0 ? decoded : decoded.substring(0, colon), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                return null;
            }
        }
        return null;
    }

    /** A code was issued: audited before the browser is sent back with it. */
    private static void codeIssued(HttpServletRequest request, HttpServletResponse response,
                                   OAuth2AuthorizationCodeRequestAuthenticationToken issued, TransactionTemplate tx, OidcAudit audit,
                                   String issuer, PushedRequests pushed) throws IOException {
        pushed.used(request);
        SignInFacts facts = SignInFacts.from((Authentication) issued.getPrincipal());
        tx.executeWithoutResult(s -> audit.success(OidcAudit.client(issued.getClientId()), OidcAudit.AUTHORIZE,
                facts == null ? null : facts.accountId(), facts != null && facts.emergency(),
                "code issued, scopes " + issued.getScopes() + (facts == null ? "" : ", acr " + facts.acr() + ", signed in "
                        + facts.authTime() + (facts.keyId() == null ? " with " + facts.amr() : " with key " + facts.keyId()))));
        response.sendRedirect(AuthorizationResponses.code(issued.getRedirectUri(), issued.getAuthorizationCode().getTokenValue(),
                issued.getState(), issuer));
    }

    /**
     * A refused authorization request: back to the relying party with the error when its
     * redirect URI is known to be registered (RFC 6749 §4.1.2.1), otherwise a 400 answer here.
     */
    private static void authorizationRefused(HttpServletRequest request, HttpServletResponse response, AuthenticationException e,
                                             TransactionTemplate tx, OidcAudit audit, RegisteredClientRepository clients, String issuer)
            throws IOException {
        OAuth2Error error = e instanceof OAuth2AuthenticationException o ? o.getError()
                : new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, Untrusted.reason(e), null);
        OAuth2AuthorizationCodeRequestAuthenticationToken request0 = e instanceof OAuth2AuthorizationCodeRequestAuthenticationException r
                ? r.getAuthorizationCodeRequestAuthentication() : null;
        String clientId = request0 != null ? request0.getClientId() : request.getParameter(OAuth2ParameterNames.CLIENT_ID);
        String description = error.getDescription() != null ? error.getDescription() : "invalid parameter";
        Actor actor = refusedClient(clients, clientId);
        tx.executeWithoutResult(s -> audit.refused(actor, null, error.getErrorCode(), false, "authorization request refused"
                + (actor == Actor.ANONYMOUS ? " for " + unregistered(clientId) : "") + ": " + Untrusted.shown(description), false));
        if (request0 != null && request0.getRedirectUri() != null && !request0.getRedirectUri().isEmpty()) {
            response.sendRedirect(AuthorizationResponses.error(request0.getRedirectUri(), error.getErrorCode(), description,
                    request0.getState(), issuer, request.getParameter(OAuth2ParameterNames.RESPONSE_TYPE)));
            return;
        }
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(JSON.writeValueAsString(Map.of(OAuth2ParameterNames.ERROR, error.getErrorCode(),
                OAuth2ParameterNames.ERROR_DESCRIPTION, description)));
    }

    /**
     * Not signed in at the authorization endpoint: to the sign-in page and back — or, with
     * {@code prompt=none}, {@code login_required} to the relying party (OpenID Connect Core 1.0
     * §3.1.2.6). The request was validated before this point, so its redirect URI is registered.
     */
    private static AuthenticationEntryPoint signInFirst(RequestMatcher authorizeEndpoint, TransactionTemplate tx, OidcAudit audit,
                                                        String issuer) {
        return (request, response, e) -> {
            Object validated = request.getAttribute(OAuth2AuthorizationCodeRequestAuthenticationToken.class.getName());
            String prompt = request.getParameter("prompt");
            if (validated instanceof OAuth2AuthorizationCodeRequestAuthenticationToken v && prompt != null
                    && Arrays.asList(prompt.strip().split("\\s+")).contains("none")) {
                tx.executeWithoutResult(s -> audit.refused(OidcAudit.client(v.getClientId()), null, "login_required", false,
                        "authorization request refused: not signed in and prompt=none", false));
                response.sendRedirect(AuthorizationResponses.error(v.getRedirectUri(), "login_required",
                        "Not signed in, and prompt=none forbids showing the sign-in page.", v.getState(), issuer, null));
                return;
            }
            response.sendRedirect(AuthorizationPolicyFilter.signInUrl(request));
        };
    }

    /**
     * UserInfo (OpenID Connect Core 1.0 §5.3): the account as it is now, for an access token
     * whose sign-in still stands ({@link SessionCheck}); otherwise {@code invalid_token}.
     */
    private static OidcUserInfo userInfo(OidcUserInfoAuthenticationContext context, AccountService accounts, SessionCheck sessionCheck,
                                         RegisteredClientRepository clients, Clock clock) {
        OAuth2Authorization authorization = context.getAuthorization();
        Authentication principal = authorization.getAttribute(java.security.Principal.class.getName());
        SignInFacts facts = SignInFacts.from(principal);
        if (facts == null) {
            throw new OAuth2AuthenticationException(new OAuth2Error("invalid_token", "The token was not issued to a person.", null));
        }
        var ended = sessionCheck.check(facts.basis(), dev.glasskey.system.Times.now(clock));
        if (ended.isPresent()) {
            throw new OAuth2AuthenticationException(new OAuth2Error("invalid_token",
                    "The sign-in behind this token no longer stands: " + ended.get().description() + ".", null));
        }
        Account account;
        try {
            account = accounts.get(facts.accountId());
        } catch (GlasskeyException e) {
            throw new OAuth2AuthenticationException(new OAuth2Error("invalid_token", "The account no longer exists.", null));
        }
        List<String> roles = List.copyOf(new java.util.TreeSet<>(account.roles()));
        RegisteredClient client = clients.findById(authorization.getRegisteredClientId());
        OidcUserInfo.Builder info = OidcUserInfo.builder().subject(account.id())
                .claim("emergency", account.emergency())
                .claim("roles", roles);
        if (client != null) {
            info.claim(OidcClient.groupsClaim(client), roles);
        }
        ScopeClaims.of(account, authorization.getAuthorizedScopes()).forEach(info::claim);
        return info.build();
    }
}
