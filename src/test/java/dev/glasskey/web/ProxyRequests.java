package dev.glasskey.web;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Requests as a reverse proxy or a client sends them, for the forwarded-header tests. */
final class ProxyRequests {
    private ProxyRequests() {}

    /** Requests as a proxy or a client sends them: exactly these headers, no cookie jar. */
    static HttpResponse<String> send(int port, String method, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.ofString(method.equals("GET") ? "" : "{}"))
                .header("Content-Type", "application/json").header("Accept", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String refusedEnrolment(int port, String... headers) throws Exception {
        // An unknown enrolment link: refused and audited with the client's address (and the token's hash).
        String token = "probe" + System.nanoTime();
        HttpResponse<String> r = send(port, "POST", "/api/enrolments/" + token + "/options", headers);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
        return token;
    }
}
