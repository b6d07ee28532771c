package dev.glasskey.web;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.test.context.DynamicPropertyRegistry;

import dev.glasskey.system.RateLimitProperties;
import dev.glasskey.testing.Client;
import dev.glasskey.testing.Fixtures;
import dev.glasskey.testing.SoftwareAuthenticator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Anonymous abuse (issue 13), against the real default limits, through the injected clock (no
 * sleeps; the clock stands still unless a test moves it, so every bucket is exact): 429
 * {@code request.rate_limited} with {@code Retry-After} on every endpoint an anonymous client can
 * reach, buckets refilling as the clock moves, per-link and per-drill limits that one address alone
 * cannot use up, failures limited per (credential, address) so a flood never stops a valid
 * emergency sign-in from elsewhere, and refusals written as one aggregated audit entry per window,
 * address and action, with the chain intact. Client addresses are varied through the trusted proxy
 * (127.0.0.1, {@code X-Forwarded-For}). Each database runs it in a context of its own.
 */
interface RateLimitContract extends Fixtures {
    RateLimitProperties DEFAULTS = RateLimitProperties.defaults();
    Duration WINDOW = Duration.ofMinutes(5);
    AtomicInteger ADDRESSES = new AtomicInteger();

    /** The context's settings: the real default limits (over the shared test set's high ones), the test JVM as trusted proxy. */
    static void realLimits(DynamicPropertyRegistry registry) {
        registry.add("glasskey.trusted-proxies", () -> "127.0.0.1/32");
        Map<String, RateLimitProperties.Limit> limits = Map.of("sign-in", DEFAULTS.signIn(),
                "credential-failures", DEFAULTS.credentialFailures(), "enrolment", DEFAULTS.enrolment(),
                "enrolment-link", DEFAULTS.enrolmentLink(), "drill", DEFAULTS.drill(), "drill-id", DEFAULTS.drillId(),
                "authorize", DEFAULTS.authorize(), "token", DEFAULTS.token());
        Map<String, RateLimitProperties.Limit> passwordLimits = Map.of("password-failures", DEFAULTS.passwordFailures(),
                "password-failures-long", DEFAULTS.passwordFailuresLong(), "password-address-failures", DEFAULTS.passwordAddressFailures(),
                "password-address-failures-long", DEFAULTS.passwordAddressFailuresLong());
        java.util.stream.Stream.of(limits, passwordLimits).flatMap(m -> m.entrySet().stream()).forEach(e -> {
            registry.add("glasskey.rate-limit." + e.getKey() + ".requests", e.getValue()::requests);
            registry.add("glasskey.rate-limit." + e.getKey() + ".per", () -> e.getValue().per().toString());
        });
    }

    /** Every test starts with full buckets: an hour is longer than any limit's refill. */
    @BeforeEach
    default void everyBucketFull() {
        clock().advance(Duration.ofHours(1));
    }

    /** The endpoints an anonymous client can reach, each with its limit per address, and one request to it. */
    enum Endpoint {
        SIGN_IN_OPTIONS(DEFAULTS.signIn(), c -> c.post("/api/webauthn/sign-in/options", "{}")),
        SIGN_IN(DEFAULTS.signIn(), c -> c.post("/api/webauthn/sign-in", "{}")),
        ENROLMENT_OPTIONS(DEFAULTS.enrolment(), c -> c.post("/api/enrolments/" + UUID.randomUUID() + "/options", "{}")),
        ENROLMENT_CREDENTIAL(DEFAULTS.enrolment(), c -> c.post("/api/enrolments/" + UUID.randomUUID() + "/credential", "{}")),
        ENROLMENT_PAGE(DEFAULTS.enrolment(), c -> c.getHtml("/enrol/" + UUID.randomUUID())),
        DRILL_SIGN_IN(DEFAULTS.drill(), c -> c.post("/api/drills/" + UUID.randomUUID() + "/sign-in", "{}")),
        DRILL_PAGE(DEFAULTS.drill(), c -> c.getHtml("/drill/" + UUID.randomUUID())),
        AUTHORIZE(DEFAULTS.authorize(), c -> c.get("/oauth2/authorize?response_type=code&scope=openid&client_id=nobody"
                + "&redirect_uri=https://evil.example/cb")),
        TOKEN(DEFAULTS.token(), c -> form(c, "/oauth2/token", "grant_type=client_credentials&client_id=nobody&client_secret=guess")),
        REVOKE(DEFAULTS.token(), c -> form(c, "/oauth2/revoke", "token=abc&client_id=nobody&client_secret=guess")),
        INTROSPECT(DEFAULTS.token(), c -> form(c, "/oauth2/introspect", "token=abc&client_id=nobody&client_secret=guess"));

        final RateLimitProperties.Limit limit;
        final Function<Client, Client.Response> send;

        Endpoint(RateLimitProperties.Limit limit, Function<Client, Client.Response> send) {
            this.limit = limit;
            this.send = send;
        }

        /** Seconds until an emptied bucket has a token again: one token's share of the refill period. */
        long retryAfter() {
            return Math.max(1, (limit.per().toNanos() / limit.requests() + 999_999_999L) / 1_000_000_000L);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Endpoint.class)
    default void everyAnonymousEndpointIsLimitedPerAddressUntilTheClockRefillsIt(Endpoint endpoint) {
        String attacker = newAddress();
        String state = storedState();
        long audit = flushRefusals();
        Client flood = from(attacker);
        for (int i = 0; i < endpoint.limit.requests(); i++) {
            Client.Response r = endpoint.send.apply(flood);
            assertThat(r.status()).as("request %d of %d: %s", i + 1, endpoint.limit.requests(), r).isNotEqualTo(429);
        }
        Client.Response refused = endpoint.send.apply(flood);
        assertRateLimited(endpoint, refused);
        assertThat(refused.retryAfter()).isEqualTo(Long.toString(endpoint.retryAfter()));
        // Another address is not affected.
        assertThat(endpoint.send.apply(from(newAddress())).status()).isNotEqualTo(429);
        assertThat(storedState()).isEqualTo(state);

        // Time refills the bucket evenly: after Retry-After, the tokens of that many seconds, and no more.
        clock().advance(Duration.ofSeconds(endpoint.retryAfter()));
        long refilled = endpoint.retryAfter() * endpoint.limit.requests() / endpoint.limit.per().toSeconds();
        assertThat(refilled).isPositive();
        for (int i = 0; i < refilled; i++) {
            assertThat(endpoint.send.apply(flood).status()).isNotEqualTo(429);
        }
        assertRateLimited(endpoint, endpoint.send.apply(flood));

        // Both 429s are refusals like any other: counted into the address's aggregated entry.
        assertThat(aggregatedSince(audit)).filteredOn(e -> e.client().equals(attacker) && e.action().equals("request.refused"))
                .singleElement().satisfies(e -> assertThat(e.codes()).containsEntry("request.rate_limited", 2L));
    }

    /** The 429: a problem document, or for a page a browser asked for (issue 18) the same problem as an HTML page. */
    default void assertRateLimited(Endpoint endpoint, Client.Response refused) {
        if (endpoint == Endpoint.ENROLMENT_PAGE || endpoint == Endpoint.DRILL_PAGE) {
            assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
            assertThat(refused.contentType()).startsWith("text/html");
            assertThat(refused.body()).contains("request.rate_limited").contains("this address");
        } else {
            assertProblem(refused, 429, "request.rate_limited");
            assertThat(refused.json().path("detail").asString()).contains("this address");
        }
    }

    @Test
    default void oneAddressAloneCannotUseUpAnEnrolmentLinkOrADrill() {
        perNameLimit(name -> "/api/enrolments/" + name + "/options", DEFAULTS.enrolment(), DEFAULTS.enrolmentLink(), "this enrolment link");
        perNameLimit(name -> "/api/drills/" + name + "/sign-in", DEFAULTS.drill(), DEFAULTS.drillId(), "this drill");
    }

    /**
     * A link or drill takes several times an address's allowance: {@code perName / perAddress}
     * addresses each at their own limit use it up exactly; the next address is refused for the
     * name, and still served for any other name.
     */
    private void perNameLimit(Function<String, String> path, RateLimitProperties.Limit perAddress, RateLimitProperties.Limit perName,
                              String refusedFor) {
        String name = UUID.randomUUID().toString();
        assertThat(perName.requests() % perAddress.requests()).as("the defaults divide evenly").isZero();
        for (int a = 0; a < perName.requests() / perAddress.requests(); a++) {
            Client from = from(newAddress());
            for (int i = 0; i < perAddress.requests(); i++) {
                assertThat(from.post(path.apply(name), "{}").status()).isNotEqualTo(429);
            }
            assertProblem(from.post(path.apply(UUID.randomUUID().toString()), "{}"), 429, "request.rate_limited");
        }
        Client another = from(newAddress());
        Client.Response refused = another.post(path.apply(name), "{}");
        assertProblem(refused, 429, "request.rate_limited");
        assertThat(refused.json().path("detail").asString()).contains(refusedFor);
        assertThat(another.post(path.apply(UUID.randomUUID().toString()), "{}").status()).isNotEqualTo(429);
    }

    @Test
    default void aFloodFromOneAddressNeverStopsAValidEmergencySignInFromAnother() {
        Client admin = newAdmin().http();
        String accountId = createAccount(admin, "Break glass " + System.nanoTime(), true, "global-admin").path("id").asString();
        String keyId = registerKey(admin, "Break-glass key " + System.nanoTime(), "Safe, HQ").path("id").asString();
        SoftwareAuthenticator key = newKey();
        assertThat(enrol(client(), issueLink(admin, accountId, keyId), key).status()).isEqualTo(201);
        String handle = accounts().get(accountId).userHandle();
        String attacker = newAddress();
        long audit = flushRefusals();

        // Failed sign-ins with the real credential: each an entry of its own (it names the account), and
        // limited per (credential, address).
        int failures = DEFAULTS.credentialFailures().requests();
        for (int i = 0; i < failures; i++) {
            assertProblem(signIn(from(attacker), key, handle, SoftwareAuthenticator.Tweaks.defaults(baseUrl()).withSignWithForeignKey(true)),
                    401, "assertion.signature_invalid");
        }
        // From that address even a genuine assertion now waits, before its challenge or signature is looked at.
        Client.Response slowed = signIn(from(attacker), key, handle);
        assertProblem(slowed, 429, "request.rate_limited");
        long perFailure = DEFAULTS.credentialFailures().per().toSeconds() / failures;
        assertThat(slowed.retryAfter()).isEqualTo(Long.toString(perFailure));
        // The address floods on until its own sign-in allowance is gone too.
        int used = 2 * (failures + 1);
        for (int i = used; i < DEFAULTS.signIn().requests(); i++) {
            assertThat(from(attacker).post("/api/webauthn/sign-in/options", "{}").status()).isEqualTo(200);
        }
        assertProblem(from(attacker).post("/api/webauthn/sign-in/options", "{}"), 429, "request.rate_limited");

        // Meanwhile the custodian, from anywhere else, signs in with the same key.
        Client.Response custodian = signIn(from(newAddress()), key, handle);
        assertThat(custodian.status()).as(custodian.toString()).isEqualTo(200);
        assertThat(custodian.json().path("accountId").asString()).isEqualTo(accountId);
        // Nothing was locked: the account is enabled, the credential active.
        assertThat(accounts().get(accountId).enabled()).isTrue();
        assertThat(jdbc().sql("select status from credential where account_id = :a").param("a", accountId).query(String.class).single())
                .isEqualTo("active");

        // The failures that name the account stay individual (they alert); the 429s are aggregated.
        assertThat(auditSince(audit)).filteredOn(e -> e.action().equals("signin") && accountId.equals(e.target()) && e.outcome().equals("failure"))
                .extracting(AuditRow::outcome, AuditRow::reason).containsExactlyElementsOf(
                        java.util.Collections.nCopies(failures, tuple("failure", "assertion.signature_invalid")));
        assertThat(aggregatedSince(audit)).filteredOn(e -> e.client().equals(attacker))
                .extracting(Aggregated::action, Aggregated::codes).containsExactlyInAnyOrder(
                        tuple("signin", Map.of("request.rate_limited", 1L)),
                        tuple("request.refused", Map.of("request.rate_limited", 1L)));

        // Once the failures have drained away, the address may sign in again.
        clock().advance(DEFAULTS.credentialFailures().per());
        assertThat(signIn(from(attacker), key, handle).status()).isEqualTo(200);
    }

    @Test
    default void refusalsAreOneEntryPerWindowAddressAndActionWithCountsCodesAndTimes() {
        Client admin = newAdmin().http();
        String a = newAddress();
        String b = newAddress();
        long audit = flushRefusals();
        startOfAWindow();
        Instant first = now();
        Client attacker = from(a);
        for (int i = 0; i < 5; i++) {
            assertProblem(attacker.post("/api/enrolments/" + UUID.randomUUID() + "/options", "{}"), 404, "enrolment.unknown");
        }
        clock().advance(Duration.ofSeconds(10));
        Instant firstShape = now();
        for (int i = 0; i < 3; i++) {
            assertProblem(attacker.get("/api/webauthn/sign-in"), 405, "request.method_not_allowed");
        }
        for (int i = 0; i < 2; i++) {
            assertProblem(attacker.send(HttpRequest.newBuilder(attacker.uri("/api/webauthn/sign-in")).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))), 415, "request.unsupported_media_type");
        }
        // A flood does not make more entries, only a larger count.
        for (int i = 0; i < 100; i++) {
            assertProblem(attacker.get("/api/accounts"), 401, "auth.required");
        }
        clock().advance(Duration.ofSeconds(20));
        Instant last = now();
        assertProblem(attacker.post("/api/enrolments/" + UUID.randomUUID() + "/options", "{}"), 404, "enrolment.unknown");
        assertProblem(attacker.get("/api/accounts"), 401, "auth.required");
        for (int i = 0; i < 4; i++) {
            assertProblem(from(b).get("/api/webauthn/sign-in"), 405, "request.method_not_allowed");
        }

        List<Aggregated> entries = aggregatedSince(audit);
        assertThat(auditSince(audit)).as("only the aggregated entries").hasSameSizeAs(entries);
        assertThat(entries).extracting(Aggregated::client, Aggregated::actor, Aggregated::action, Aggregated::refusals, Aggregated::reason,
                Aggregated::codes, Aggregated::first, Aggregated::last).containsExactlyInAnyOrder(
                tuple(a, "anonymous (not signed in)", "enrolment.options", 6L, "enrolment.unknown", Map.of("enrolment.unknown", 6L), first, last),
                tuple(a, "anonymous (not signed in)", "request.refused", 106L, "auth.required",
                        Map.of("request.method_not_allowed", 3L, "request.unsupported_media_type", 2L, "auth.required", 101L), firstShape, last),
                tuple(b, "anonymous (not signed in)", "request.refused", 4L, "request.method_not_allowed",
                        Map.of("request.method_not_allowed", 4L), last, last));
        assertChainIntact(admin);
    }

    @Test
    default void aWindowIsWrittenOnceItHasEndedAndItsCountsAreDurableMeanwhile() {
        Client admin = newAdmin().http();
        String a = newAddress();
        long audit = flushRefusals();
        startOfAWindow();
        for (int i = 0; i < 3; i++) {
            assertProblem(from(a).get("/api/accounts"), 401, "auth.required");
        }
        // What the scheduled job does now: the window is still open, so nothing is written to the chain …
        bean(dev.glasskey.audit.RefusalFlush.class).flush(clock().instant());
        assertThat(auditSince(audit)).isEmpty();
        // … but the counts are in the database already (a crash would not lose them).
        assertThat(tallied(a)).isEqualTo(3);

        clock().advance(WINDOW);
        assertProblem(from(a).get("/api/accounts"), 401, "auth.required");
        bean(dev.glasskey.audit.RefusalFlush.class).flush(clock().instant());
        assertThat(auditSince(audit)).singleElement().satisfies(e -> assertThat(e.action()).isEqualTo("request.refused"));
        assertThat(aggregatedSince(audit)).extracting(Aggregated::client, Aggregated::refusals)
                .containsExactly(tuple(a, 3L), tuple(a, 1L));
        assertThat(tallied(a)).isZero();
        assertChainIntact(admin);
    }

    @Test
    default void anOversizedOrOverlongFormAtTheTokenEndpointIsRefusedAndAudited() {
        String a = newAddress();
        String state = storedState();
        long audit = flushRefusals();
        String huge = "grant_type=client_credentials&client_id=" + "a".repeat(1_500_000);
        Client c = from(a);
        // Content-Length says so: refused before the body is read. The client waits for "100 Continue"
        // (RFC 9110 §10.1.1) and so never sends the body it was refused for; without it the server's
        // close after the 413 could break the client's pipe before it read the answer.
        assertProblem(c.send(HttpRequest.newBuilder(c.uri("/oauth2/token")).expectContinue(true)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(huge))),
                413, "request.too_large");
        // Chunked: the container stops reading at its form size limit.
        byte[] bytes = huge.getBytes(StandardCharsets.US_ASCII);
        assertProblem(c.send(HttpRequest.newBuilder(c.uri("/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))), 413, "request.too_large");
        // A small form of more parameters than the container parses.
        String many = IntStream.range(0, 5000).mapToObj(i -> "p" + i + "=1").collect(Collectors.joining("&"));
        assertProblem(form(c, "/oauth2/token", many), 400, "request.malformed");
        assertThat(storedState()).isEqualTo(state);
        assertThat(aggregatedSince(audit)).filteredOn(e -> e.client().equals(a)).singleElement().satisfies(e -> {
            assertThat(e.action()).isEqualTo("request.refused");
            assertThat(e.codes()).isEqualTo(Map.of("request.too_large", 2L, "request.malformed", 1L));
        });
    }

    /**
     * Issue 15: failed password + code sign-ins are throttled per sign-in name (known or not, so the
     * answer tells nothing) and per address, a few at once, then one per interval of the fast tier, then
     * of the slow one — growing delays that always end: never a lock an attacker can set.
     */
    @Test
    default void failedPasswordSignInsAreThrottledPerNameAndAddressWithGrowingDelaysThatAlwaysEnd() {
        String name = "throttled." + System.nanoTime() + "@example.org";
        Client first = from(newAddress());
        RateLimitProperties.Limit fast = DEFAULTS.passwordFailures();
        for (int i = 0; i < fast.requests(); i++) {
            assertProblem(passwordSignIn(first, name, "a wrong long password", "000000"), 401, "signin.failed");
        }
        Client.Response throttled = passwordSignIn(first, name, "a wrong long password", "000000");
        assertProblem(throttled, 429, "request.rate_limited");
        long interval = fast.per().toSeconds() / fast.requests();
        assertThat(throttled.retryAfter()).isEqualTo(Long.toString(interval));
        // Per name: from another address too. Per address: another name from the first address still goes.
        assertProblem(passwordSignIn(from(newAddress()), name, "a wrong long password", "000000"), 429, "request.rate_limited");
        assertProblem(passwordSignIn(first, "other." + System.nanoTime() + "@example.org", "a wrong long password", "000000"), 401, "signin.failed");

        // Waiting as told lets one more try through each time; once the slow tier runs dry the wait grows, and still ends.
        long longest = 0;
        int failures = fast.requests();
        for (int i = 0; i < 80 && failures < DEFAULTS.passwordFailuresLong().requests() + 3; i++) {
            Client.Response r = passwordSignIn(first, name, "a wrong long password", "000000");
            if (r.status() == 429) {
                long wait = Long.parseLong(r.retryAfter());
                longest = Math.max(longest, wait);
                clock().advance(Duration.ofSeconds(wait));
            } else {
                assertProblem(r, 401, "signin.failed");
                failures++;
            }
        }
        assertThat(failures).isEqualTo(DEFAULTS.passwordFailuresLong().requests() + 3);
        RateLimitProperties.Limit slow = DEFAULTS.passwordFailuresLong();
        assertThat(longest).isGreaterThan(interval).isLessThanOrEqualTo(slow.per().toSeconds() / slow.requests());

        // Per address: the fast tier of an address allows more than one name's, then throttles every name from it.
        Client busy = from(newAddress());
        for (int i = 0; i < DEFAULTS.passwordAddressFailures().requests(); i++) {
            assertProblem(passwordSignIn(busy, "n" + i + "." + System.nanoTime() + "@example.org", "a wrong long password", "000000"),
                    401, "signin.failed");
        }
        assertProblem(passwordSignIn(busy, "fresh." + System.nanoTime() + "@example.org", "a wrong long password", "000000"), 429,
                "request.rate_limited");
        clock().advance(slow.per());
        assertProblem(passwordSignIn(busy, "fresh." + System.nanoTime() + "@example.org", "a wrong long password", "000000"), 401,
                "signin.failed");
    }

    // ------------------------------------------------------------------------------------------

    /** A client address nobody else in this context uses (198.18.0.0/15, set aside for tests). */
    private String newAddress() {
        int n = ADDRESSES.incrementAndGet();
        return "198.18." + (n / 250) + "." + (n % 250 + 1);
    }

    /** A browser behind the trusted proxy, at {@code address}. */
    private Client from(String address) {
        return client().forwardedFor(address);
    }

    private static Client.Response form(Client c, String path, String body) {
        return c.send(HttpRequest.newBuilder(c.uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** The clock one second into the next window, so that what follows falls in one window. */
    private void startOfAWindow() {
        Instant now = clock().instant();
        long seconds = WINDOW.toSeconds();
        Instant next = Instant.ofEpochSecond((Math.floorDiv(now.getEpochSecond(), seconds) + 1) * seconds);
        clock().advance(Duration.between(now, next).plusSeconds(1));
    }

    /** The time the server stamps now (the database keeps microseconds). */
    private Instant now() {
        return clock().instant().truncatedTo(ChronoUnit.MICROS);
    }

    private long tallied(String address) {
        return jdbc().sql("select coalesce(sum(refusals), 0) from audit_tally where client = :c").param("c", address).query(Long.class).single();
    }

    private static void assertChainIntact(Client admin) {
        Client.Response verify = admin.get("/api/audit/verify");
        assertThat(verify.json().path("intact").asBoolean()).as(verify.toString()).isTrue();
    }
}
