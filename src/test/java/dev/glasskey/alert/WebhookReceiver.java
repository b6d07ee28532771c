package dev.glasskey.alert;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/** A real HTTP receiver on 127.0.0.1 (the JDK's server) that records every request and answers 503 while told to. */
public final class WebhookReceiver implements AutoCloseable {
    public record Request(String idempotencyKey, String timestamp, String signature, String body, int answered) {}

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger refuseNext = new AtomicInteger();
    private final AtomicInteger holdAfter = new AtomicInteger(Integer.MAX_VALUE);
    private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    private final AtomicInteger held = new AtomicInteger();

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var headers = exchange.getRequestHeaders();
            if (accepted().size() >= holdAfter.get() && release.getCount() > 0) {
                // Received, never answered: the sender cannot know whether it arrived.
                requests.add(new Request(headers.getFirst("Idempotency-Key"), headers.getFirst("X-Glasskey-Timestamp"),
                        headers.getFirst("X-Glasskey-Signature"), body, 0));
                held.incrementAndGet();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            int status = refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : 204;
            var h = exchange.getRequestHeaders();
            requests.add(new Request(h.getFirst("Idempotency-Key"), h.getFirst("X-Glasskey-Timestamp"),
                    h.getFirst("X-Glasskey-Signature"), body, status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** The next {@code n} requests are answered 503. */
    void refuse(int n) {
        refuseNext.set(n);
    }

    /** After {@code n} accepted requests, the next request is received but not answered until {@link #release()}. */
    void holdAfter(int n) {
        holdAfter.set(n);
    }

    int held() {
        return held.get();
    }

    void release() {
        release.countDown();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /**
     * What a receiver keeping a copy of the published checkpoints writes: every accepted body that
     * carries a checkpoint, as it arrived, one per line (the format {@code audit verify --checkpoints} reads).
     */
    void writeCheckpointCopy(java.nio.file.Path file) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (Request r : accepted()) {
            if (r.body().contains("\"checkpoint\":{")) {
                lines.append(r.body()).append('\n');
            }
        }
        java.nio.file.Files.writeString(file, lines, StandardCharsets.UTF_8);
    }

    public List<Request> accepted() {
        return requests.stream().filter(r -> r.answered() / 100 == 2).toList();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
