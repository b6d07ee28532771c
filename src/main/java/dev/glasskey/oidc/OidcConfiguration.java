package dev.glasskey.oidc;

import java.time.Clock;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import dev.glasskey.session.SessionCheck;
import dev.glasskey.system.GlasskeyProperties;
import dev.glasskey.system.Times;

import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;

/**
 * Spring Authorization Server's stores and token machinery, on Glasskey's database, keys and
 * clock. Its web side (the filter chain) is {@link OidcSecurityConfiguration}; these beans also
 * serve the offline CLI context.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OidcProperties.class)
class OidcConfiguration {

    @Bean
    RegisteredClientRepository registeredClientRepository(JdbcTemplate jdbc, Clock clock) {
        return new CachingClientRepository(new JdbcRegisteredClientRepository(jdbc), clock);
    }

    /** Authorizations (codes, tokens) and consents in the database: they survive restarts and serve every node. */
    @Bean
    OAuth2AuthorizationService authorizationService(JdbcTemplate jdbc, RegisteredClientRepository clients) {
        return new AuthorizationStore(jdbc, clients);
    }

    @Bean
    OAuth2AuthorizationConsentService authorizationConsentService(JdbcTemplate jdbc, RegisteredClientRepository clients) {
        return new JdbcOAuth2AuthorizationConsentService(jdbc, clients);
    }

    /** The issuer is the external base URL (OpenID Connect Discovery 1.0 §4.3: it must match exactly). */
    @Bean
    AuthorizationServerSettings authorizationServerSettings(GlasskeyProperties properties) {
        return AuthorizationServerSettings.builder().issuer(properties.baseUrl()).build();
    }

    /** What the JWK Set endpoint publishes: every key not yet unpublished. */
    @Bean
    JWKSource<SecurityContext> jwkSource(SigningKeys keys) {
        return keys.publishedSource();
    }

    /**
     * Verifies this server's own access tokens where it accepts them (UserInfo): ES256 and
     * RS256, issuer and lifetime checked on the one clock.
     */
    @Bean
    JwtDecoder jwtDecoder(SigningKeys keys, AuthorizationServerSettings settings, Clock clock) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(keys.publishedSource())
                .jwsAlgorithms(algs -> {
                    algs.add(SignatureAlgorithm.ES256);
                    algs.add(SignatureAlgorithm.RS256);
                }).build();
        JwtTimestampValidator timestamps = new JwtTimestampValidator();
        timestamps.setClock(clock);
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<Jwt>(timestamps, new JwtIssuerValidator(settings.getIssuer())));
        return decoder;
    }

    /**
     * Codes, access and ID tokens (JWT, signed by the key in force for the client's algorithm)
     * and refresh tokens (opaque, naming their family: {@link RefreshTokens}), all dated by the one clock.
     */
    @Bean
    IssuedTokens tokenGenerator(SigningKeys keys, TokenClaims claims, SessionCheck sessionCheck, Clock clock) {
        JwtGenerator jwt = new JwtGenerator(new NimbusJwtEncoder(keys.signingSource()));
        jwt.setJwtCustomizer(claims);
        jwt.setClock(clock);
        return new IssuedTokens(new DelegatingOAuth2TokenGenerator(jwt, new RefreshTokens(clock, sessionCheck)));
    }

    /** Drops authorizations whose every token has expired, hourly (a day after expiry, for the audit trail). */
    @Bean
    AuthorizationJanitor authorizationJanitor(ClientStore store, Clock clock) {
        return new AuthorizationJanitor(store, clock);
    }

    static class AuthorizationJanitor {
        private final ClientStore store;
        private final Clock clock;

        AuthorizationJanitor(ClientStore store, Clock clock) {
            this.store = store;
            this.clock = clock;
        }

        @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
        @SchedulerLock(name = "authorization-janitor", lockAtMostFor = "PT30M")
        void purge() {
            store.purgeExpired(Times.now(clock).minus(java.time.Duration.ofDays(1)));
        }
    }
}
