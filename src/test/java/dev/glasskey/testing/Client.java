package dev.glasskey.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One browser-like HTTP client against the running server: its own cookie jar (so its own
 * session), JSON in and out, and the CSRF header taken from the {@code XSRF-TOKEN} cookie.
 */
public final class Client {
    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final String baseUrl;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http;
    private final java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();

    public Client(String baseUrl) {
        this.baseUrl = baseUrl;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A client over TLS with this context: its trust (a test server's certificate) and its client certificate, if any. */
    public Client(String baseUrl, javax.net.ssl.SSLContext tls) {
        this.baseUrl = baseUrl;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).sslContext(tls).build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /**
     * Sends every later request as if a reverse proxy forwarded it from {@code address}
     * ({@code X-Forwarded-For}): believed by a server whose {@code glasskey.trusted-proxies} names
     * 127.0.0.1, ignored by any other.
     */
    public Client forwardedFor(String address) {
        headers.put("X-Forwarded-For", address);
        return this;
    }

    /** Sends every later request with this header (null removes it): e.g. a proxy's forwarded client certificate. */
    public Client header(String name, String value) {
        if (value == null) {
            headers.remove(name);
        } else {
            headers.put(name, value);
        }
        return this;
    }

    /** A response: status, content type, body text, and {@code Retry-After} (null when absent). */
    public record Response(int status, String contentType, String body, String retryAfter) {
        public Response(int status, String contentType, String body) {
            this(status, contentType, body, null);
        }

        public JsonNode json() {
            return JSON.readTree(body);
        }

        /** The stable error code of a problem document. */
        public String code() {
            return json().path("code").asString();
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + body;
        }
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).header("Accept", "application/json").GET());
    }

    /** A redirect answer: status and Location (null when not a redirect). */
    public record Redirect(int status, String location, String body) {}

    /**
     * A browser's GET (Accept text/html) of a path or an absolute URL on the server, not
     * following the redirect: what an OAuth authorization request answers.
     */
    public Redirect navigate(String pathOrUrl) {
        URI target = pathOrUrl.startsWith("http") ? URI.create(pathOrUrl) : uri(pathOrUrl);
        try {
            HttpResponse<String> response = http.send(withHeaders(HttpRequest.newBuilder(target)).header("Accept", "text/html").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Redirect(response.statusCode(), response.headers().firstValue("Location").orElse(null), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response getHtml(String path) {
        return send(HttpRequest.newBuilder(uri(path)).header("Accept", "text/html").GET());
    }

    public Response post(String path, String jsonBody) {
        return send(json(HttpRequest.newBuilder(uri(path)), jsonBody).POST(HttpRequest.BodyPublishers.ofString(jsonBody == null ? "" : jsonBody)));
    }

    public Response post(String path, Object body) {
        return post(path, JSON.writeValueAsString(body));
    }

    public Response put(String path, Object body) {
        String text = JSON.writeValueAsString(body);
        return send(json(HttpRequest.newBuilder(uri(path)), text).PUT(HttpRequest.BodyPublishers.ofString(text)));
    }

    public Response patch(String path, Object body) {
        String text = JSON.writeValueAsString(body);
        return send(json(HttpRequest.newBuilder(uri(path)), text).method("PATCH", HttpRequest.BodyPublishers.ofString(text)));
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).header("Accept", "application/json").DELETE());
    }

    /** Sends a raw request built by the caller (for oversized or odd bodies); CSRF header added. */
    public Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(withHeaders(withCsrf(request)).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body(),
                    response.headers().firstValue("Retry-After").orElse(null));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    public String cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue).findFirst().orElse(null);
    }

    private HttpRequest.Builder json(HttpRequest.Builder b, String body) {
        return b.header("Content-Type", "application/json").header("Accept", "application/json");
    }

    private HttpRequest.Builder withHeaders(HttpRequest.Builder b) {
        headers.forEach(b::setHeader);
        return b;
    }

    private HttpRequest.Builder withCsrf(HttpRequest.Builder b) {
        String token = cookie("XSRF-TOKEN");
        if (token == null) {
            // Any request makes the server set the cookie; fetch one first.
            try {
                http.send(withHeaders(HttpRequest.newBuilder(uri("/sign-in"))).GET().build(), HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            token = cookie("XSRF-TOKEN");
        }
        return token == null ? b : b.header("X-XSRF-TOKEN", token);
    }
}
