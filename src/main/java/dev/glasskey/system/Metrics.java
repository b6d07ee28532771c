package dev.glasskey.system;

import java.time.Duration;
import java.util.function.Supplier;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The metrics Glasskey publishes (Micrometer, scraped as Prometheus text on the management port:
 * docs/OPERATIONS.md, "Health and metrics"): every name and tag is here, so the catalogue in the
 * docs has one source. Tag values come from bounded sets — error codes, grant types, channel
 * types, actions — never from client input, so no flood can grow the number of series.
 * Gauges that read feature state (the alert outbox, the readiness verdict) are registered by
 * their features under the names below.
 */
@Component
public class Metrics {
    /** Sign-in ceremonies (and drill sign-ins) finished: {@code action}, {@code outcome} signed_in|refused, {@code code}, {@code emergency}. */
    public static final String SIGN_INS = "glasskey.sign.ins";
    /** Requests answered with a problem document, by its {@code code} (the error table of docs/API.md). */
    public static final String REFUSALS = "glasskey.refusals";
    /**
     * Token endpoint requests: {@code grant} authorization_code|refresh_token|client_credentials (other|none for what a
     * client sent beyond those), {@code outcome} issued|refused, {@code error} the OAuth error code (a refusal of the
     * client's authentication at the token endpoint included).
     */
    public static final String TOKEN_GRANTS = "glasskey.token.grants";
    /** Alert delivery attempts: {@code channel_type} webhook|email|syslog, {@code outcome} delivered|failed. */
    public static final String ALERT_DELIVERIES = "glasskey.alert.deliveries";
    /** Outbox rows not yet delivered (every channel). */
    public static final String OUTBOX_PENDING = "glasskey.alert.outbox.pending";
    /** Age of the oldest undelivered outbox row, in seconds (0 when the outbox is empty). */
    public static final String OUTBOX_OLDEST_AGE = "glasskey.alert.outbox.oldest.age";
    /** Time to append one audit entry: the chain head's lock, the hash, the insert and the listeners (alerts). */
    public static final String AUDIT_APPEND = "glasskey.audit.append";
    /** The last recorded emergency readiness verdict: 0 pass, 1 warn, 2 fail (as {@code glasskey readiness} exits), -1 none yet. */
    public static final String READINESS = "glasskey.readiness.status";

    /** Tag value where a tag has nothing to say (a success has no error code). */
    public static final String NONE = "none";

    private final MeterRegistry registry;
    private final Timer auditAppend;

    Metrics(MeterRegistry registry) {
        this.registry = registry;
        // Buckets around what an append costs here (about a millisecond; docs/PERFORMANCE.md): a
        // histogram without percentiles computed in the server, so nodes aggregate in Prometheus.
        this.auditAppend = Timer.builder(AUDIT_APPEND).description("Time to append one audit entry")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25), Duration.ofMillis(100),
                        Duration.ofMillis(500), Duration.ofSeconds(2))
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void signIn(String action, boolean signedIn, String code, boolean emergency) {
        Counter.builder(SIGN_INS).description("Finished sign-in ceremonies")
                .tags("action", action, "outcome", signedIn ? "signed_in" : "refused", "code", code == null ? NONE : code,
                        "emergency", String.valueOf(emergency))
                .register(registry).increment();
    }

    public void refusal(ErrorCode code) {
        Counter.builder(REFUSALS).description("Requests refused with a problem document, by error code")
                .tag("code", code.code()).register(registry).increment();
    }

    public void tokenGrant(String grant, boolean issued, String error) {
        Counter.builder(TOKEN_GRANTS).description("Token endpoint grants")
                .tags("grant", grant, "outcome", issued ? "issued" : "refused", "error", error == null ? NONE : error)
                .register(registry).increment();
    }

    public void alertDelivery(String channelType, boolean delivered) {
        Counter.builder(ALERT_DELIVERIES).description("Alert delivery attempts")
                .tags("channel_type", channelType, "outcome", delivered ? "delivered" : "failed")
                .register(registry).increment();
    }

    /** Runs one audit append, timed. */
    public <T> T auditAppend(Supplier<T> append) {
        return auditAppend.record(append);
    }
}
