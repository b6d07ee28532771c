package dev.glasskey.oidc;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;

import dev.glasskey.system.Ids;
import dev.glasskey.system.Times;

/**
 * {@code private_key_jwt} client authentication (RFC 7523 §2.2 and §3; OpenID Connect Core 1.0
 * §9): the client signs a short-lived JWT with a private key whose public part it registered,
 * by value ({@code jwks}) or by URL ({@code jwks_uri}). Spring Authorization Server decodes the
 * assertion with the decoder made here, which checks:
 * <ul>
 *   <li>the signature, against the client's registered keys only (ES256, ES384, RS256, PS256);</li>
 *   <li>{@code iss} and {@code sub} are the client id (RFC 7523 §3 items 1–2);</li>
 *   <li>{@code aud} names this server: the issuer or the token endpoint URL (item 3);</li>
 *   <li>{@code exp} is present and not past, on the one clock (item 4), and no more than
 *       {@link #MAX_LIFETIME} ahead, so the replay record below stays small;</li>
 *   <li>{@code jti} is present and was never presented before by this client (item 7): each
 *       one is recorded until its {@code exp} in {@code oidc_client_assertion}, whose primary key
 *       makes a replay lose the race by construction, on every node.</li>
 * </ul>
 * Any failure is {@code invalid_client} (401).
 */
final class ClientAssertions implements JwtDecoderFactory<RegisteredClient> {
    /** Client setting holding a JWK Set registered by value (public keys, JSON). */
    static final String JWKS = "settings.client.glasskey.jwks";
    static final Duration MAX_LIFETIME = Duration.ofMinutes(10);
    static final List<SignatureAlgorithm> ALGORITHMS = List.of(SignatureAlgorithm.ES256, SignatureAlgorithm.ES384,
            SignatureAlgorithm.RS256, SignatureAlgorithm.PS256);

    private final AuthorizationServerSettings settings;
    private final ClientStore store;
    private final Clock clock;
    private final Map<String, Decoder> decoders = new ConcurrentHashMap<>();

    private record Decoder(String keys, JwtDecoder decoder) {}

    ClientAssertions(AuthorizationServerSettings settings, ClientStore store, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.clock = clock;
    }

    @Override
    public JwtDecoder createDecoder(RegisteredClient client) {
        if (!client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.PRIVATE_KEY_JWT)) {
            throw invalid("The client is not registered for private_key_jwt.");
        }
        String byValue = client.getClientSettings().getSetting(JWKS);
        String byUrl = client.getClientSettings().getJwkSetUrl();
        String keys = byValue != null ? byValue : byUrl;
        if (keys == null) {
            throw invalid("The client has no registered keys.");
        }
        // One decoder per client and key registration (a re-registered client gets a new one).
        Decoder cached = decoders.get(client.getId());
        if (cached != null && cached.keys().equals(keys)) {
            return cached.decoder();
        }
        NimbusJwtDecoder decoder;
        if (byValue != null) {
            try {
                decoder = NimbusJwtDecoder.withJwkSource(new ImmutableJWKSet<SecurityContext>(JWKSet.parse(byValue)))
                        .jwsAlgorithms(algs -> algs.addAll(ALGORITHMS)).build();
            } catch (ParseException e) {
                throw invalid("The client's registered JWK Set does not parse.");
            }
        } else {
            decoder = NimbusJwtDecoder.withJwkSetUri(byUrl).jwsAlgorithms(algs -> algs.addAll(ALGORITHMS)).build();
        }
        decoder.setJwtValidator(validator(client));
        decoders.put(client.getId(), new Decoder(keys, decoder));
        return decoder;
    }

    private OAuth2TokenValidator<Jwt> validator(RegisteredClient client) {
        JwtTimestampValidator timestamps = new JwtTimestampValidator(Duration.ofSeconds(30));
        timestamps.setClock(clock);
        String clientId = client.getClientId();
        String issuer = settings.getIssuer();
        String tokenEndpoint = issuer + settings.getTokenEndpoint();
        List<String> audiences = List.of(issuer, tokenEndpoint, issuer + settings.getTokenIntrospectionEndpoint(),
                issuer + settings.getTokenRevocationEndpoint());
        OAuth2TokenValidator<Jwt> claims = jwt -> {
            if (!clientId.equals(jwt.getClaimAsString("iss")) || !clientId.equals(jwt.getSubject())) {
                return failure("iss and sub must both be the client id (RFC 7523 §3).");
            }
            List<String> aud = jwt.getAudience();
            if (aud == null || aud.stream().noneMatch(audiences::contains)) {
                return failure("aud must name this server: " + issuer + " or " + tokenEndpoint + ".");
            }
            Instant exp = jwt.getExpiresAt();
            Instant now = Times.now(clock);
            if (exp == null) {
                return failure("exp is required (RFC 7523 §3).");
            }
            if (exp.isAfter(now.plus(MAX_LIFETIME))) {
                return failure("exp may be at most " + MAX_LIFETIME.toMinutes() + " minutes ahead.");
            }
            if (jwt.getId() == null || jwt.getId().isBlank()) {
                return failure("jti is required: each assertion is used once (RFC 7523 §3).");
            }
            return OAuth2TokenValidatorResult.success();
        };
        OAuth2TokenValidator<Jwt> checks = new DelegatingOAuth2TokenValidator<>(timestamps, claims);
        // Last, and only for an assertion that passed every other check: spend its jti.
        return jwt -> {
            OAuth2TokenValidatorResult result = checks.validate(jwt);
            if (result.hasErrors()) {
                return result;
            }
            return store.firstAssertion(clientId, Ids.sha256Hex(jwt.getId()), jwt.getExpiresAt())
                    ? OAuth2TokenValidatorResult.success() : failure("This assertion (jti) was used before.");
        };
    }

    static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /**
     * An assertion without {@code client_id}: RFC 7521 §4.2 makes the parameter optional (the
     * assertion names the client), and certified libraries such as Nimbus leave it out, where
     * Spring Authorization Server's converter insists on it. The client is taken from the
     * assertion's {@code sub}, unverified here: the decoder above verifies that the assertion is
     * signed by that client's key and that {@code iss} and {@code sub} name it.
     */
    static org.springframework.security.web.authentication.AuthenticationConverter converter() {
        return request -> {
            String type = request.getParameter(org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames.CLIENT_ASSERTION_TYPE);
            String[] assertion = request.getParameterValues(org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames.CLIENT_ASSERTION);
            if (!JWT_BEARER.equals(type) || assertion == null || assertion.length != 1 || assertion[0].length() > 8192
                    || request.getParameter(org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames.CLIENT_ID) != null) {
                return null; // not ours: the stock converter decides (and refuses what is malformed)
            }
            String clientId;
            try {
                clientId = com.nimbusds.jwt.JWTParser.parse(assertion[0]).getJWTClaimsSet().getSubject();
            } catch (ParseException | RuntimeException e) {
                throw invalid("client_assertion is not a JWT.");
            }
            if (!OidcClient.couldBeRegistered(clientId)) {
                throw invalid("client_assertion names no client (sub).");
            }
            Map<String, Object> parameters = new java.util.LinkedHashMap<>();
            if ("authorization_code".equals(request.getParameter("grant_type"))) {
                // For the code exchange's PKCE check, as the stock converter hands them over.
                request.getParameterMap().forEach((name, values) -> {
                    if (values.length == 1 && !name.startsWith("client_assertion")) {
                        parameters.put(name, values[0]);
                    }
                });
            }
            return new org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken(
                    clientId, new ClientAuthenticationMethod(JWT_BEARER), assertion[0], parameters);
        };
    }

    private static OAuth2TokenValidatorResult failure(String description) {
        return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, description, null));
    }

    private static org.springframework.security.oauth2.core.OAuth2AuthenticationException invalid(String description) {
        return new org.springframework.security.oauth2.core.OAuth2AuthenticationException(
                new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, description, null));
    }
}
