package dev.glasskey.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A tiny HTTP load balancer on 127.0.0.1 in front of several Glasskey nodes, as an operator's
 * would be: each request goes to the next node in turn (no sticky sessions), a node that does
 * not answer is skipped, and the browser-side client sees one origin. It records which node
 * served each request, and can send the next request to a chosen node.
 */
public final class RoundRobinProxy implements AutoCloseable {
    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "expect", "upgrade", "keep-alive",
            "transfer-encoding", "te", "trailer", "proxy-connection");

    /** One forwarded request: the node that served it. */
    public record Served(String method, String path, int node, int status) {}

    private final List<Integer> nodePorts;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicInteger next = new AtomicInteger();
    private final List<Served> served = new CopyOnWriteArrayList<>();

    public RoundRobinProxy(List<Integer> nodePorts) {
        this.nodePorts = List.copyOf(nodePorts);
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", this::forward);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://localhost:" + port();
    }

    /** The next request goes to {@code node} (then the turn goes on from there). */
    public void nextTo(int node) {
        next.set(node);
    }

    /** Every forwarded request so far, in order. */
    public List<Served> served() {
        return List.copyOf(served);
    }

    /** The node that served the last request for a path starting with {@code pathPrefix}. */
    public int lastNodeFor(String method, String pathPrefix) {
        for (int i = served.size() - 1; i >= 0; i--) {
            Served s = served.get(i);
            if (s.method().equals(method) && s.path().startsWith(pathPrefix)) {
                return s.node();
            }
        }
        throw new IllegalStateException("no " + method + " " + pathPrefix + " was forwarded");
    }

    private void forward(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        int first = Math.floorMod(next.getAndIncrement(), nodePorts.size());
        IOException last = null;
        for (int attempt = 0; attempt < nodePorts.size(); attempt++) {
            int node = (first + attempt) % nodePorts.size();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + nodePorts.get(node)
                    + exchange.getRequestURI().toString())).timeout(Duration.ofSeconds(30))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
                if (!HOP_BY_HOP.contains(h.getKey().toLowerCase())) {
                    for (String value : h.getValue()) {
                        request.header(h.getKey(), value);
                    }
                }
            }
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                last = e; // that node is down: the next one serves (a balancer's health check, in one step)
                if (attempt == 0) {
                    next.incrementAndGet();
                }
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            served.add(new Served(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), node, response.statusCode()));
            response.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] out = response.body();
            exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            }
            return;
        }
        byte[] message = ("no node answered: " + last).getBytes();
        exchange.sendResponseHeaders(502, message.length);
        try (OutputStream o = exchange.getResponseBody()) {
            o.write(message);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
