package dev.glasskey.oidc;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

/**
 * A relying party's back-channel logout endpoint on 127.0.0.1 (the JDK's HTTP server): records the
 * {@code logout_token} of every POST (OpenID Connect Back-Channel Logout 1.0 §2.5) and answers 200.
 * It can be down (nothing listens on its port: the connection is refused) and come up later on the
 * same port.
 */
final class LogoutReceiver implements AutoCloseable {
    /** One request as received. */
    record Received(String contentType, String body, String logoutToken) {}

    private final int port;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpServer server;

    /** Listening at once (on a port the system chooses), or (up = false) naming a free port nothing listens on yet. */
    LogoutReceiver(boolean up) {
        if (up) {
            bind(0);
            port = server.getAddress().getPort();
        } else {
            // A plain socket closed at once frees its port (the JDK's HttpServer keeps listening a while after stop).
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress("127.0.0.1", 0));
                port = probe.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Comes up on its port. */
    synchronized void start() {
        bind(port);
    }

    private void bind(int at) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", at), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/backchannel-logout", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String token = null;
            for (String pair : body.split("&")) {
                if (pair.startsWith("logout_token=")) {
                    token = URLDecoder.decode(pair.substring("logout_token=".length()), StandardCharsets.UTF_8);
                }
            }
            received.add(new Received(exchange.getRequestHeaders().getFirst("Content-Type"), body, token));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + port + "/backchannel-logout";
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
