package dev.glasskey.oidc;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.stereotype.Component;
import org.springframework.util.function.SingletonSupplier;

import dev.glasskey.alert.AlertProperties;
import dev.glasskey.alert.DirectMessage;
import dev.glasskey.alert.DirectRecipient;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;

/**
 * Sends a queued logout token (OpenID Connect Back-Channel Logout 1.0 §2.5): a JWT signed now with
 * the key in force for the client's ID-token algorithm (Nimbus, through Spring Security's encoder),
 * typed {@code logout+jwt} (§2.4), with {@code iss}, {@code aud} (the client), {@code iat},
 * {@code exp} two minutes later, {@code jti} (the outbox row's id: the same on every attempt, so a
 * receiver can tell a retry from a replay), {@code events} with the back-channel logout event,
 * {@code sub} and {@code sid}, and never a {@code nonce} (§2.4). POSTed as the form parameter
 * {@code logout_token} to the client's {@code backchannel_logout_uri} as registered now, without
 * following redirects (§2.5); any 2xx answer counts as delivered (§2.8 allows 200 and 204), anything
 * else is retried by the outbox with back-off. A client removed meanwhile abandons the message.
 */
@Component
class BackchannelLogoutSender implements DirectRecipient {
    static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";
    /** §2.4: a short lifetime ("two minutes or less" is recommended). */
    static final Duration LIFETIME = Duration.ofMinutes(2);

    private final RegisteredClientRepository clients;
    private final JwtEncoder encoder;
    private final String issuer;
    private final Clock clock;
    private final Audit audit;
    /** Built on first send, as the webhook sender's: its TLS set-up is start-up time a server without such clients never needs. */
    private final SingletonSupplier<HttpClient> http;
    private final Duration timeout;

    BackchannelLogoutSender(RegisteredClientRepository clients, SigningKeys keys, AuthorizationServerSettings settings, Clock clock,
                            Audit audit, AlertProperties alerts) {
        this.clients = clients;
        this.encoder = new NimbusJwtEncoder(keys.signingSource());
        this.issuer = settings.getIssuer();
        this.clock = clock;
        this.audit = audit;
        this.timeout = alerts.sendTimeout();
        this.http = SingletonSupplier.of(() -> HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build());
    }

    @Override
    public String kind() {
        return BackchannelLogouts.KIND;
    }

    @Override
    public void send(DirectMessage message) throws Exception {
        BackchannelLogouts.Payload payload = payload(message);
        RegisteredClient client = clients.findByClientId(payload.clientId());
        String uri = client == null ? null : OidcClient.backchannelLogoutUri(client);
        if (uri == null) {
            throw new Abandon("client '" + payload.clientId() + "' was removed");
        }
        String token = token(client, payload, message.idempotencyKey());
        HttpRequest request = HttpRequest.newBuilder(URI.create(uri))
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("User-Agent", "Glasskey-Logout/1")
                .POST(HttpRequest.BodyPublishers.ofString("logout_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
                .build();
        HttpResponse<Void> response = http.obtain().send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("HTTP " + response.statusCode() + " from the back-channel logout URI");
        }
    }

    /** The logout token for {@code client}, signed now. */
    String token(RegisteredClient client, BackchannelLogouts.Payload payload, String jti) {
        SignatureAlgorithm alg = client.getTokenSettings().getIdTokenSignatureAlgorithm();
        Instant now = clock.instant();
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer(issuer)
                .audience(List.of(client.getClientId()))
                .issuedAt(now)
                .expiresAt(now.plus(LIFETIME))
                .id(jti)
                .subject(payload.sub())
                .claim("sid", payload.sid())
                .claim("events", Map.of(EVENT, Map.of()))
                .build();
        JwsHeader header = JwsHeader.with(alg == null ? SignatureAlgorithm.ES256 : alg).type("logout+jwt").build();
        return encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
    }

    @Override
    public void delivered(DirectMessage message) {
        BackchannelLogouts.Payload p = payload(message);
        audit.record(AuditEvent.success(Actor.SYSTEM, OidcAudit.BACKCHANNEL_LOGOUT_DELIVERED, p.sub(), p.emergency(),
                "logout token " + message.idempotencyKey() + " for session " + p.sid() + " delivered to client '" + p.clientId()
                        + "' (attempt " + message.attempt() + ")"));
    }

    @Override
    public void abandoned(DirectMessage message, String reason) {
        BackchannelLogouts.Payload p = payload(message);
        audit.record(AuditEvent.failure(Actor.SYSTEM, OidcAudit.BACKCHANNEL_LOGOUT_ABANDONED, p.sub(), "client.not_found", p.emergency(),
                "logout token " + message.idempotencyKey() + " for session " + p.sid() + " not sent: " + reason));
    }

    private static BackchannelLogouts.Payload payload(DirectMessage message) {
        return BackchannelLogouts.JSON.readValue(message.payloadJson(), BackchannelLogouts.Payload.class);
    }
}
