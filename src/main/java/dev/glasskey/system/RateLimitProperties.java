package dev.glasskey.system;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code glasskey.rate-limit.*}: how many requests the endpoints an anonymous client can reach
 * take, per node, before answering 429 {@code request.rate_limited}. Each limit is a token bucket
 * of {@code requests} tokens refilled evenly over {@code per} (so a burst of {@code requests} is
 * allowed, then one every {@code per / requests}). The README's configuration table documents the
 * defaults; docs/OPERATIONS.md says how to choose them.
 *
 * @param enabled            off only for a test bench that must not be limited at all
 * @param signIn             per client address: sign-in options and responses
 * @param credentialFailures per (credential, client address): failed sign-ins with a registered credential
 *                           (never per credential alone, so a flood from elsewhere cannot lock its holder out)
 * @param enrolment          per client address: enrolment pages, options and credentials
 * @param enrolmentLink      per enrolment link, all addresses together (several times {@code enrolment}, so
 *                           one address alone cannot use it up)
 * @param drill              per client address: drill pages and drill sign-ins
 * @param drillId            per drill, all addresses together (several times {@code drill})
 * @param authorize          per client address: the OpenID Connect authorization endpoint
 * @param token              per client address: the token, revocation and introspection endpoints (relying
 *                           parties' servers, several users behind one address)
 * @param passwordFailures   per sign-in name (whether or not an account has it, so the answer tells nothing):
 *                           failed password + code sign-ins, the first, fast tier (issue 15)
 * @param passwordFailuresLong per sign-in name, the second, slow tier: together the delays grow — a few
 *                           tries at once, then one every {@code per / requests} of the first tier, then of
 *                           the second — and never become a lock: a bucket always refills
 * @param passwordAddressFailures per client address: failed password + code sign-ins, fast tier
 * @param passwordAddressFailuresLong per client address, slow tier
 * @param maxTrackedKeys     buckets kept per node; beyond it the least recently used is forgotten
 */
@ConfigurationProperties(prefix = "glasskey.rate-limit")
public record RateLimitProperties(
        Boolean enabled,
        Limit signIn,
        Limit credentialFailures,
        Limit enrolment,
        Limit enrolmentLink,
        Limit drill,
        Limit drillId,
        Limit authorize,
        Limit token,
        Limit passwordFailures,
        Limit passwordFailuresLong,
        Limit passwordAddressFailures,
        Limit passwordAddressFailuresLong,
        Integer maxTrackedKeys) {

    /** {@code requests} per {@code per}. */
    public record Limit(Integer requests, Duration per) {
        Limit orDefault(int defaultRequests, Duration defaultPer) {
            return new Limit(requests == null || requests <= 0 ? defaultRequests : requests,
                    per == null || per.isZero() || per.isNegative() ? defaultPer : per);
        }

        @Override
        public String toString() {
            return requests + " per " + per;
        }
    }

    private static final Limit UNSET = new Limit(null, null);
    private static final Duration MINUTE = Duration.ofMinutes(1);

    public RateLimitProperties {
        enabled = enabled == null || enabled;
        signIn = orUnset(signIn).orDefault(60, MINUTE);
        credentialFailures = orUnset(credentialFailures).orDefault(10, Duration.ofMinutes(5));
        enrolment = orUnset(enrolment).orDefault(30, MINUTE);
        enrolmentLink = orUnset(enrolmentLink).orDefault(120, MINUTE);
        drill = orUnset(drill).orDefault(30, MINUTE);
        drillId = orUnset(drillId).orDefault(120, MINUTE);
        authorize = orUnset(authorize).orDefault(60, MINUTE);
        token = orUnset(token).orDefault(600, MINUTE);
        passwordFailures = orUnset(passwordFailures).orDefault(5, MINUTE);
        passwordFailuresLong = orUnset(passwordFailuresLong).orDefault(20, Duration.ofHours(1));
        passwordAddressFailures = orUnset(passwordAddressFailures).orDefault(20, MINUTE);
        passwordAddressFailuresLong = orUnset(passwordAddressFailuresLong).orDefault(100, Duration.ofHours(1));
        maxTrackedKeys = maxTrackedKeys == null || maxTrackedKeys <= 0 ? 100_000 : maxTrackedKeys;
    }

    /** Every limit at its default. */
    public static RateLimitProperties defaults() {
        return new RateLimitProperties(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    private static Limit orUnset(Limit limit) {
        return limit == null ? UNSET : limit;
    }
}
