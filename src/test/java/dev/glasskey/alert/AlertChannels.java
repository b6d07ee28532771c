package dev.glasskey.alert;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import tools.jackson.databind.JsonNode;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Alert channels in tests: made and removed over the API, delivery driven until a condition holds. */
public interface AlertChannels extends Fixtures {

    default AlertDelivery alertDelivery() {
        return bean(AlertDelivery.class);
    }

    default Map<String, Object> webhook(String name, String url, String minSeverity) {
        return Map.of("name", name, "type", "webhook", "minSeverity", minSeverity, "settings", Map.of("url", url));
    }

    default JsonNode createChannel(Client admin, Map<String, Object> body) {
        Client.Response r = admin.post("/api/alerts/channels", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    default void deleteChannel(Client admin, JsonNode channel) {
        Client.Response r = admin.delete("/api/alerts/channels/" + channel.path("id").asString());
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
    }

    default long count(String sql) {
        return jdbc().sql(sql).query(Long.class).single();
    }

    default void awaitDelivered(WebhookReceiver receiver, int n) {
        await(n + " accepted webhook call(s)", () -> receiver.accepted().size() >= n);
    }

    /** Drives delivery until the condition holds; fails after a bounded time (no fixed sleeps). */
    default void await(String what, BooleanSupplier condition) {
        await(what, condition, () -> "");
    }

    default void await(String what, BooleanSupplier condition, java.util.function.Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what + " " + diagnostics.get());
            }
            alertDelivery().deliverDue();
            if (!condition.getAsBoolean()) {
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
        }
    }

    static String hmac(String secret, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }
}
