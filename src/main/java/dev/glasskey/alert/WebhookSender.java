package dev.glasskey.alert;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.stereotype.Component;
import org.springframework.util.function.SingletonSupplier;

/**
 * HTTP webhook: POSTs JSON with a top-level {@code text} (what Slack and Teams incoming webhooks
 * display) and the alert's fields. Signed like Stripe/GitHub webhooks:
 * {@code X-Glasskey-Signature: sha256=hex(HMAC-SHA256(secret, timestamp + "." + body))} (RFC 2104)
 * with {@code X-Glasskey-Timestamp} (Unix seconds) so a receiver can refuse replays older than
 * a few minutes; {@code Idempotency-Key} is the same on every retry.
 */
@Component
class WebhookSender implements ChannelSender {
    /** Built on first send: the client's TLS set-up costs ~150 ms of start-up that a server without webhooks never needs. */
    private final SingletonSupplier<HttpClient> http;
    private final Clock clock;
    private final AlertProperties properties;

    WebhookSender(Clock clock, AlertProperties properties) {
        this.clock = clock;
        this.properties = properties;
        this.http = SingletonSupplier.of(() -> HttpClient.newBuilder().connectTimeout(properties.sendTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build());
    }

    @Override
    public AlertChannel.Type type() {
        return AlertChannel.Type.WEBHOOK;
    }

    @Override
    public void send(AlertChannel channel, String secret, AlertMessage m) throws Exception {
        String body = body(m);
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(URI.create(channel.settings().url()))
                .timeout(properties.sendTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Glasskey-Alerts/1")
                .header("Idempotency-Key", m.idempotencyKey())
                .header("X-Glasskey-Timestamp", timestamp)
                .header("X-Glasskey-Signature", "sha256=" + signature(secret, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<Void> response = http.obtain().send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("HTTP " + response.statusCode() + " from the webhook");
        }
    }

    static String body(AlertMessage m) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (m.checkpoint()) {
            // One line of the external checkpoint copy (docs/OPERATIONS.md): the receiver appends the body as it came.
            json.put("text", m.text());
            json.put("kind", "checkpoint");
            json.put("idempotencyKey", m.idempotencyKey());
            json.put("createdAt", m.createdAt().toString());
            json.put("checkpoint", AlertStore.JSON.readTree(m.eventJson()));
            return AlertStore.JSON.writeValueAsString(json);
        }
        json.put("text", m.text());
        json.put("idempotencyKey", m.idempotencyKey());
        json.put("alertId", m.alertId());
        json.put("severity", m.severity().value());
        json.put("rules", m.rules());
        json.put("summary", m.summary());
        json.put("test", m.test());
        json.put("createdAt", m.createdAt().toString());
        json.put("event", AlertStore.JSON.readTree(m.eventJson()));
        return AlertStore.JSON.writeValueAsString(json);
    }

    /** Hex HMAC-SHA256 under the channel secret (its UTF-8 bytes, as shown at creation) over {@code timestamp.body}. */
    static String signature(String secret, String timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) '.');
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }
}
