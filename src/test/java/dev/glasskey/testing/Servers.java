package dev.glasskey.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.glasskey.GlasskeyApplication;

/** A whole Glasskey server started in this JVM on a data directory of the test's own (quiet log), as an operator would start it. */
public final class Servers {
    private Servers() {}

    /** On any free port (its base URL is then not the one it listens on: for tests that do not speak to it over HTTP). */
    public static ConfigurableApplicationContext start(Path dataDir, String... more) {
        return run(dataDir, 0, more);
    }

    /**
     * On a free port that is also its base URL ({@code http://127.0.0.1:port}), so OpenID Connect
     * discovery and the issuer match; no first-administrator link.
     */
    public static ConfigurableApplicationContext startListening(Path dataDir, String... more) {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("--glasskey.base-url=http://127.0.0.1:" + port, "--glasskey.first-start.enabled=false"));
        args.addAll(List.of(more));
        return run(dataDir, port, args.toArray(String[]::new));
    }

    /** The base URL of a server started by {@link #startListening}. */
    public static String baseUrl(ConfigurableApplicationContext server) {
        return "http://127.0.0.1:" + ((WebServerApplicationContext) server).getWebServer().getPort();
    }

    private static ConfigurableApplicationContext run(Path dataDir, int port, String... more) {
        List<String> args = new ArrayList<>(List.of("--glasskey.data-dir=" + dataDir, "--server.port=" + port, "--logging.level.root=warn"));
        args.addAll(List.of(more));
        return new SpringApplication(GlasskeyApplication.class).run(args.toArray(String[]::new));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
