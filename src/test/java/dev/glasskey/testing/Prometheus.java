package dev.glasskey.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.springframework.context.ApplicationContext;

/** The management port of a test server, and its Prometheus scrape read as a person would read it. */
public final class Prometheus {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Prometheus() {}

    /** The port the management endpoints listen on (the tests' servers take a free one). */
    public static int managementPort(ApplicationContext context) {
        String port = context.getEnvironment().getProperty("local.management.port");
        if (port == null) {
            throw new IllegalStateException("no management server is running in this context");
        }
        return Integer.parseInt(port);
    }

    public static String managementUrl(ApplicationContext context) {
        return "http://127.0.0.1:" + managementPort(context) + "/actuator";
    }

    /** GET on a full URL: status and body. */
    public static Client.Response get(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Client.Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The value of the sample {@code name} whose labels include {@code labels} (the sum when several
     * match, e.g. a counter over a tag the caller does not name); 0 when there is none.
     */
    public static double value(String scrape, String name, Map<String, String> labels) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            int end = line.lastIndexOf(' ');
            String series = line.substring(0, end);
            if (labels.entrySet().stream().allMatch(l -> series.contains(l.getKey() + "=\"" + l.getValue() + "\""))) {
                sum += Double.parseDouble(line.substring(end + 1));
            }
        }
        return sum;
    }

    public static boolean has(String scrape, String name) {
        return scrape.lines().anyMatch(l -> l.startsWith(name + "{") || l.startsWith(name + " "));
    }
}
