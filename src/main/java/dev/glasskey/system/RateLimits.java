package dev.glasskey.system;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;

/**
 * The rate limits ({@code glasskey.rate-limit.*}, {@link RateLimitProperties}): Bucket4j token
 * buckets in this node's memory, one per (kind of limit, key) — a client address, or a named
 * credential, enrolment link or drill. Buckets read the one injected {@link Clock} (a
 * {@link TimeMeter} over it), so tests move time instead of sleeping.
 *
 * <p>In memory per node on purpose: a limit that needs a database write per request would hand a
 * flood the database, the very thing a valid emergency sign-in needs. With several nodes an address
 * gets each node's allowance; the aggregated audit entries still count every refusal.
 *
 * <p>At most {@code max-tracked-keys} buckets are kept; the least recently used is forgotten
 * first. A forgotten bucket starts full again, so that is the worst a flood from very many
 * addresses can do; the busiest addresses keep theirs.
 */
@Component
@EnableConfigurationProperties(RateLimitProperties.class)
public class RateLimits {

    /** Which limit: each has its own buckets and its own setting. */
    public enum Kind {
        SIGN_IN, CREDENTIAL_FAILURES, ENROLMENT, ENROLMENT_LINK, DRILL, DRILL_ID, AUTHORIZE, TOKEN,
        /** Failed password + code sign-ins per sign-in name, and per client address (two tiers each). */
        PASSWORD_NAME, PASSWORD_ADDRESS
    }

    private final boolean enabled;
    private final TimeMeter time;
    private final Map<Kind, RateLimitProperties.Limit> limits = new EnumMap<>(Kind.class);
    private final Map<Kind, java.util.List<Bandwidth>> bandwidths = new EnumMap<>(Kind.class);
    private final Map<String, Bucket> buckets;

    public RateLimits(RateLimitProperties properties, Clock clock) {
        this.enabled = properties.enabled();
        this.time = new ClockTime(clock);
        limits.put(Kind.SIGN_IN, properties.signIn());
        limits.put(Kind.CREDENTIAL_FAILURES, properties.credentialFailures());
        limits.put(Kind.ENROLMENT, properties.enrolment());
        limits.put(Kind.ENROLMENT_LINK, properties.enrolmentLink());
        limits.put(Kind.DRILL, properties.drill());
        limits.put(Kind.DRILL_ID, properties.drillId());
        limits.put(Kind.AUTHORIZE, properties.authorize());
        limits.put(Kind.TOKEN, properties.token());
        limits.put(Kind.PASSWORD_NAME, properties.passwordFailures());
        limits.put(Kind.PASSWORD_ADDRESS, properties.passwordAddressFailures());
        limits.forEach((kind, limit) -> bandwidths.put(kind, java.util.List.of(bandwidth(limit))));
        // Two tiers: a bucket with both limits waits for the one that is empty, so delays grow with the failures.
        bandwidths.put(Kind.PASSWORD_NAME, java.util.List.of(bandwidth(properties.passwordFailures()), bandwidth(properties.passwordFailuresLong())));
        bandwidths.put(Kind.PASSWORD_ADDRESS, java.util.List.of(bandwidth(properties.passwordAddressFailures()),
                bandwidth(properties.passwordAddressFailuresLong())));
        int max = properties.maxTrackedKeys();
        this.buckets = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > max;
            }
        });
    }

    public RateLimitProperties.Limit limit(Kind kind) {
        return limits.get(kind);
    }

    /**
     * Takes one request's token from the bucket of ({@code kind}, {@code key}): empty when the
     * request may go on, otherwise the whole seconds until the bucket has a token again.
     */
    public OptionalLong take(Kind kind, String key) {
        if (!enabled) {
            return OptionalLong.empty();
        }
        ConsumptionProbe probe = bucket(kind, key).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? OptionalLong.empty() : OptionalLong.of(seconds(probe.getNanosToWaitForRefill()));
    }

    /**
     * For buckets that count failures only: empty while ({@code kind}, {@code key}) has a token
     * left — nothing is taken — otherwise the whole seconds until it has one again.
     */
    public OptionalLong exhausted(Kind kind, String key) {
        if (!enabled) {
            return OptionalLong.empty();
        }
        Bucket bucket = buckets.get(name(kind, key));
        if (bucket == null) {
            return OptionalLong.empty();
        }
        EstimationProbe probe = bucket.estimateAbilityToConsume(1);
        return probe.canBeConsumed() ? OptionalLong.empty() : OptionalLong.of(seconds(probe.getNanosToWaitForRefill()));
    }

    /** Counts a failure against ({@code kind}, {@code key}): takes a token if one is left. */
    public void spend(Kind kind, String key) {
        if (enabled) {
            bucket(kind, key).tryConsume(1);
        }
    }

    /**
     * The key of a client address: an IPv4 address as it is; an IPv6 address by its /64 prefix,
     * the block one subscriber is routinely given (else each of its 2^64 addresses would be a
     * fresh bucket). Anything that is not an IP literal is its own key.
     */
    public static String addressKey(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return String.valueOf(address);
        }
        try {
            // With a ':' the JDK parses an IPv6 literal and never looks a name up.
            InetAddress parsed = InetAddress.getByName(address);
            if (!(parsed instanceof Inet6Address)) {
                return parsed.getHostAddress();
            }
            byte[] prefix = java.util.Arrays.copyOf(parsed.getAddress(), 16);
            java.util.Arrays.fill(prefix, 8, 16, (byte) 0);
            return InetAddress.getByAddress(prefix).getHostAddress() + "/64";
        } catch (UnknownHostException notAnAddress) {
            return address;
        }
    }

    private Bucket bucket(Kind kind, String key) {
        return buckets.computeIfAbsent(name(kind, key), k -> {
            var builder = Bucket.builder();
            bandwidths.get(kind).forEach(builder::addLimit);
            return builder.withCustomTimePrecision(time).build();
        });
    }

    private static Bandwidth bandwidth(RateLimitProperties.Limit limit) {
        return Bandwidth.builder().capacity(limit.requests()).refillGreedy(limit.requests(), limit.per()).build();
    }

    private static String name(Kind kind, String key) {
        return kind.name() + '|' + key;
    }

    private static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    /** Bucket4j's time source: the application's clock, in nanoseconds since the epoch. */
    private record ClockTime(Clock clock) implements TimeMeter {
        @Override
        public long currentTimeNanos() {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }
}
