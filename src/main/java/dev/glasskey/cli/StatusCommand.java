package dev.glasskey.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.glasskey.alert.AlertReadiness;
import dev.glasskey.alert.ChannelStatus;
import dev.glasskey.emergency.ReadinessCheck;
import dev.glasskey.emergency.ReadinessService;
import dev.glasskey.emergency.ServerStatus;
import dev.glasskey.emergency.StatusEndpoint;

/**
 * {@code glasskey status}: the server (does it answer, which version, is it ready), its database,
 * emergency readiness and alerting, in a few lines. Asks the running server on its management
 * port (loopback, no session needed: docs/OPERATIONS.md, "Health and metrics"); with no server
 * answering there, reads the database itself.
 */
@Command(mixinStandardHelpOptions = true, name = "status", description = {
        "Summarise the server, its database, emergency readiness and alerting: from the running server's management port,"
                + " or, with no server running, from the database.",
        "Exit codes: 0 the server is running and ready, readiness pass; 1 readiness warn; 2 readiness fail;"
                + " 3 status unknown (no server answers and the database cannot be read); 4 the server is not running"
                + " (readiness read from the database); 5 the server answers but is not ready (its database or signing keys)."})
class StatusCommand implements Callable<Integer> {
    static final int UNKNOWN = 3;
    static final int NOT_RUNNING = 4;
    static final int NOT_READY = 5;
    /** A newer server may say more than this command knows: what it does not know is skipped. */
    private static final JsonMapper JSON = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    @Option(names = "--url", description = "The server's management endpoints, e.g. http://127.0.0.1:8081/actuator (default: from"
            + " management.server.address, management.server.port and management.endpoints.web.base-path, as the server reads them).")
    URI url;

    @Option(names = "--data-dir", description = "Data directory of the embedded database (default: as the server).")
    String dataDir;

    @Option(names = "--timeout", description = "How long to wait for the server's answers (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration timeout = Duration.ofSeconds(15);

    @Override
    public Integer call() {
        String[] args = dataDir == null ? new String[0] : new String[] {"--glasskey.data-dir=" + dataDir};
        URI management = url != null ? url : managementUrl(GlasskeyCommand.offlineEnvironment(args));
        if (management != null) {
            Integer fromServer = fromServer(management);
            if (fromServer != null) {
                return fromServer;
            }
        }
        return fromDatabase(args);
    }

    /**
     * Where the server's management endpoints are, as its configuration says; null when that
     * cannot be known (no management port of its own, or a random one).
     */
    static URI managementUrl(Environment env) {
        int port = env.getProperty("management.server.port", Integer.class, -1);
        if (port <= 0) {
            System.out.println("server:    unknown: management.server.port is " + env.getProperty("management.server.port", "unset")
                    + ", give its URL with --url");
            return null;
        }
        String address = env.getProperty("management.server.address", "127.0.0.1");
        if (address.isBlank() || address.equals("0.0.0.0") || address.equals("::") || address.equals("0:0:0:0:0:0:0:0")) {
            address = "127.0.0.1";
        } else if (address.contains(":") && !address.startsWith("[")) {
            address = "[" + address + "]";
        }
        String base = env.getProperty("management.endpoints.web.base-path", "/actuator");
        return URI.create("http://" + address + ":" + port + (base.startsWith("/") ? base : "/" + base));
    }

    /** The status as the running server reports it; null when nothing answers there. */
    private Integer fromServer(URI management) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        JsonNode health;
        try {
            health = get(http, management, "/health");
        } catch (ConnectException | HttpConnectTimeoutException e) {
            System.out.println("server:    not running (nothing answers at " + management + ")");
            return null;
        } catch (IOException | RuntimeException e) {
            System.out.println("server:    not understood at " + management + ": " + GlasskeyCommand.describe(e));
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNKNOWN;
        }
        JsonNode components = health.path("components");
        String ready = component(http, management, "/health/readiness");
        ServerStatus status = null;
        String statusProblem = null;
        try {
            JsonNode node = get(http, management, "/status");
            status = node.has("readiness") ? JSON.treeToValue(node, ServerStatus.class) : null;
            statusProblem = status == null ? "no status in the answer" : null;
        } catch (IOException | RuntimeException e) {
            statusProblem = GlasskeyCommand.describe(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNKNOWN;
        }
        boolean isReady = "UP".equals(ready);
        System.out.println("server:    running" + (status == null ? "" : ", glasskey " + status.version()) + ", "
                + (isReady ? "ready" : "NOT READY (readiness " + ready + ")") + "; health " + health.path("status").asString("?")
                + " at " + management);
        JsonNode db = components.path("db");
        System.out.println("database:  " + db.path("status").asString("unknown").toLowerCase()
                + (db.path("details").has("database") ? " (" + db.path("details").path("database").asString() + ")" : "")
                + (db.path("details").has("error") ? ": " + db.path("details").path("error").asString() : ""));
        JsonNode keys = components.path("signingKeys");
        if (!"UP".equals(keys.path("status").asString("UP"))) {
            System.out.println("signing:   " + keys.path("status").asString() + " " + keys.path("details").path("error").asString(""));
        }
        if (status == null) {
            System.out.println("readiness: unknown (" + statusProblem + ")");
            return isReady ? UNKNOWN : NOT_READY;
        }
        int code = print(status);
        return isReady ? code : NOT_READY;
    }

    /** The status read from the database by this process: the server is not running (or cannot be asked). */
    private int fromDatabase(String[] args) {
        try (ConfigurableApplicationContext context = GlasskeyCommand.offlineContext(args)) {
            ServerStatus status = StatusEndpoint.of(context.getBean(ReadinessService.class), context.getBean(AlertReadiness.class));
            String url = context.getEnvironment().getProperty("spring.datasource.url", "");
            System.out.println("database:  readable (" + (url.startsWith("jdbc:h2:") ? "embedded H2 in " + context.getEnvironment()
                    .getProperty("glasskey.data-dir") : url.replaceAll("[?;].*", "")) + "), read by this command");
            print(status);
            return NOT_RUNNING;
        } catch (GlasskeyCommand.DatabaseHeld e) {
            System.out.println("database:  held by another process (a server whose management endpoints are elsewhere? give --url)");
            return UNKNOWN;
        } catch (RuntimeException e) {
            Integer refused = GlasskeyCommand.refusedStart(e);
            System.out.println("database:  cannot be read: " + (refused != null ? "its start was refused (above)" : GlasskeyCommand.describe(e)));
            return UNKNOWN;
        }
    }

    /** Prints readiness and alerting; returns the readiness exit code (0 pass, 1 warn, 2 fail). */
    private static int print(ServerStatus status) {
        var report = status.readiness();
        System.out.println("readiness: " + report.status().value().toUpperCase() + " (" + report.usableAccounts()
                + " usable emergency accounts, minimum " + report.minimum() + "; computed " + report.computedAt() + ")");
        for (ReadinessCheck c : report.checks()) {
            if (c.status() != ReadinessCheck.Status.PASS && !c.id().equals(ReadinessCheck.ALERTING)) {
                System.out.println("  [" + c.status().value() + "] " + c.title() + ": " + c.reason()
                        + (c.fix() == null ? "" : " Fix: " + c.fix()));
            }
        }
        ReadinessCheck alerting = status.alerting();
        List<String> channels = new ArrayList<>();
        for (ChannelStatus c : status.channels()) {
            channels.add("'" + c.name() + "' " + c.type() + (c.enabled() ? "" : " disabled") + (c.failing() ? " FAILING" : ""));
        }
        System.out.println("alerting:  " + (alerting == null ? "unknown" : alerting.status().value().toUpperCase() + " " + alerting.reason()
                + (alerting.fix() == null ? "" : " Fix: " + alerting.fix()))
                + (channels.isEmpty() ? "" : " Channels: " + String.join(", ", channels) + "."));
        return report.status().exitCode();
    }

    private JsonNode get(HttpClient http, URI management, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(management + path)).timeout(timeout)
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
        // Health answers 503 with its body when something is down; anything else that is not 200 is not an answer.
        if (response.statusCode() != 200 && response.statusCode() != 503) {
            throw new IOException("HTTP " + response.statusCode() + " from " + management + path);
        }
        return JSON.readTree(response.body());
    }

    /** The status of a health group or component, or what stopped us from reading it. */
    private String component(HttpClient http, URI management, String path) {
        try {
            return get(http, management, path).path("status").asString("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown: " + GlasskeyCommand.describe(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
