package dev.glasskey.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;

/**
 * The Metadata Service as this machine can have it (it has no internet): a real HTTP server on
 * 127.0.0.1 (the JDK's) serving whatever BLOB a test puts there, or a status code it is told to
 * answer, and the CRL of the test MDS root at the distribution point its signing certificate names.
 * One per test JVM; the isolated test servers' {@code glasskey.mds.url} points here.
 */
public final class MdsFeed {
    private static final MdsFeed SHARED = new MdsFeed();

    private final HttpServer server;
    private final AtomicReference<byte[]> body = new AtomicReference<>(new byte[0]);
    private final AtomicInteger status = new AtomicInteger(404);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<String> crl = new AtomicReference<>();

    private MdsFeed() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/blob.jwt", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            int answer = status.get();
            byte[] bytes = answer == 200 ? body.get() : new byte[0];
            exchange.sendResponseHeaders(answer, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        // The CRL distribution point named in the test MDS signing certificate (MdsBlobs.TEST): the library
        // fetches it while verifying, as it fetches the real ones on a host with internet.
        server.createContext("/root.crl", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String current = crl.get();
            byte[] bytes = current == null ? new byte[0] : current.getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(current == null ? 404 : 200, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.setExecutor(null);
        server.start();
    }

    public static MdsFeed shared() {
        return SHARED;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/blob.jwt";
    }

    public String crlUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/root.crl";
    }

    /** Serves this CRL (PEM) at {@link #crlUrl()}; null: 404. */
    public void serveCrl(String pem) {
        crl.set(pem);
    }

    /** Nothing served: the BLOB and the CRL answer 404. */
    public void reset() {
        status.set(404);
        crl.set(null);
    }

    /** Serves this BLOB (200). */
    public void serve(String jws) {
        body.set(jws.getBytes(StandardCharsets.US_ASCII));
        status.set(200);
    }

    /** Answers every request with this status and no body. */
    public void answer(int statusCode) {
        status.set(statusCode);
    }

    public int requests() {
        return requests.get();
    }
}
