package dev.glasskey.system;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Errors about the shape of a request — size, media type, syntax, method, path — come back as
 * problem documents with their stable code, before anything is stored; each is audited, counted
 * into the aggregated {@code request.refused} entry of its window, address and actor.
 */
interface ErrorModelContract extends Fixtures {
    int LIMIT = 64 * 1024;
    String SIGN_IN = "/api/webauthn/sign-in";

    @Test
    default void oversizedBodyWithContentLengthIsTooLarge() {
        Client admin = newAdmin().http();
        String state = storedState();
        long audit = flushRefusals();
        Client browser = client();
        assertProblem(browser.send(HttpRequest.newBuilder(browser.uri(SIGN_IN)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(oversizedJson()))), 413, "request.too_large");
        assertProblem(admin.send(HttpRequest.newBuilder(admin.uri("/api/accounts")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(oversizedJson()))), 413, "request.too_large");
        assertThat(storedState()).isEqualTo(state);
        assertRefusalsAudited(audit, "request.too_large", 2);
    }

    @Test
    default void oversizedChunkedBodyIsTooLarge() {
        Client admin = newAdmin().http();
        String state = storedState();
        long audit = flushRefusals();
        Client browser = client();
        assertProblem(browser.send(HttpRequest.newBuilder(browser.uri(SIGN_IN)).header("Content-Type", "application/json")
                .POST(chunked(oversizedJson()))), 413, "request.too_large");
        assertProblem(admin.send(HttpRequest.newBuilder(admin.uri("/api/accounts")).header("Content-Type", "application/json")
                .POST(chunked(oversizedJson()))), 413, "request.too_large");
        assertThat(storedState()).isEqualTo(state);
        assertRefusalsAudited(audit, "request.too_large", 2);
    }

    @Test
    default void bodyJustUnderTheLimitIsNotTooLarge() {
        // The limit is where it says: a body of exactly the limit is read (and then refused for what it is).
        String body = "{\"id\":\"" + "A".repeat(LIMIT - 9) + "\"}";
        assertThat(body.length()).isEqualTo(LIMIT);
        Client browser = client();
        Client.Response r = browser.send(HttpRequest.newBuilder(browser.uri(SIGN_IN)).header("Content-Type", "application/json")
                .POST(chunked(body)));
        assertProblem(r, 400, "ceremony.credential_malformed");
    }

    @Test
    default void nonJsonContentTypeIsUnsupportedMediaType() {
        Client admin = newAdmin().http();
        String state = storedState();
        long audit = flushRefusals();
        Client browser = client();
        assertProblem(browser.send(HttpRequest.newBuilder(browser.uri(SIGN_IN)).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))), 415, "request.unsupported_media_type");
        assertProblem(browser.send(HttpRequest.newBuilder(browser.uri("/api/enrolments/some-token/credential"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("id=1"))), 415, "request.unsupported_media_type");
        assertProblem(admin.send(HttpRequest.newBuilder(admin.uri("/api/accounts")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"displayName\":\"Plain\"}"))), 415, "request.unsupported_media_type");
        assertThat(storedState()).isEqualTo(state);
        assertRefusalsAudited(audit, "request.unsupported_media_type", 3);
    }

    @Test
    default void malformedJsonOnAdminApiIsRequestMalformed() {
        Client admin = newAdmin().http();
        String state = storedState();
        long audit = flushRefusals();
        assertProblem(admin.post("/api/accounts", "{\"displayName\": \"Half"), 400, "request.malformed");
        assertProblem(admin.post("/api/accounts", "{\"displayName\": {\"first\": 1}}"), 400, "request.malformed");
        assertProblem(admin.put("/api/accounts/" + java.util.UUID.randomUUID() + "/roles", Map.of("roles", 7)), 400, "request.malformed");
        assertThat(storedState()).isEqualTo(state);
        assertRefusalsAudited(audit, "request.malformed", 3);
    }

    @Test
    default void wrongMethodIsMethodNotAllowed() {
        Client admin = newAdmin().http();
        String state = storedState();
        long audit = flushRefusals();
        assertProblem(client().get(SIGN_IN), 405, "request.method_not_allowed");
        assertProblem(admin.delete("/api/accounts"), 405, "request.method_not_allowed");
        assertThat(storedState()).isEqualTo(state);
        assertRefusalsAudited(audit, "request.method_not_allowed", 2);
        // The signed-in administrator's refusal is counted under the administrator, the anonymous one under nobody.
        assertThat(aggregatedSince(audit)).extracting(Aggregated::actor).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    default void unknownApiPathIsNotFoundForAdminAndAuthRequiredForOthers() {
        SignedInClient admin = newAdmin();
        long audit = flushRefusals();
        assertProblem(admin.http().get("/api/no-such-thing"), 404, "not_found");
        assertProblem(client().get("/api/no-such-thing"), 401, "auth.required");
        List<Aggregated> refused = aggregatedSince(audit);
        assertThat(refused).extracting(Aggregated::actor, Aggregated::codes).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(admin.account().id() + " (" + admin.account().displayName() + ")", Map.of("not_found", 1L)),
                org.assertj.core.groups.Tuple.tuple("anonymous (not signed in)", Map.of("auth.required", 1L)));
        assertThat(refused).allSatisfy(e -> {
            assertThat(e.action()).isEqualTo("request.refused");
            assertThat(e.client()).isEqualTo("127.0.0.1");
            assertThat(e.sample()).isEqualTo("GET /api/no-such-thing");
        });
    }

    @Test
    default void everyProblemNamesItsRequestAndUsesTheErrorCodeTitle() {
        Client.Response r = client().get("/api/accounts");
        assertProblem(r, 401, "auth.required");
        assertThat(r.json().path("title").asString()).isEqualTo(ErrorCode.UNAUTHENTICATED.title());
        assertThat(r.json().path("instance").asString()).isEqualTo("/api/accounts");
        assertThat(List.copyOf(r.json().propertyNames())).doesNotContain("trace", "exception", "stackTrace");
    }

    /** {@code count} refusals with {@code code} were audited after {@code after}: aggregated, nothing else written. */
    private void assertRefusalsAudited(long after, String code, long count) {
        List<Aggregated> refused = aggregatedSince(after);
        assertThat(refused).isNotEmpty().allSatisfy(e -> {
            assertThat(e.action()).isEqualTo("request.refused");
            assertThat(e.client()).isEqualTo("127.0.0.1");
            assertThat(e.codes()).containsOnlyKeys(code);
        });
        assertThat(refused.stream().mapToLong(Aggregated::refusals).sum()).isEqualTo(count);
        assertThat(auditSince(after)).hasSameSizeAs(refused);
    }

    private static String oversizedJson() {
        char[] filler = new char[LIMIT + 1024];
        Arrays.fill(filler, 'x');
        return "{\"displayName\":\"" + new String(filler) + "\"}";
    }

    private static HttpRequest.BodyPublisher chunked(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        // Without a known length the client sends Transfer-Encoding: chunked.
        return HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
    }
}
