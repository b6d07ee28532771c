package dev.glasskey.oidc;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import com.nimbusds.jose.jwk.JWKSet;

import dev.glasskey.GlasskeyApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20: on a fresh start the JWK Set must never be served empty — a relying party that
 * fetches it in that moment caches a key set without keys and rejects every token. A client
 * polls the JWK Set and the discovery document from before the server process listens until it
 * has started: every answer it got is either the full key set or a 503, never an empty set,
 * a 401/404 or a 500.
 */
class SigningKeysAtStartTest {

    @Test
    void noProtocolEndpointAnswersBeforeTheSigningKeysExist(@TempDir Path dataDir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port;
        AtomicBoolean started = new AtomicBoolean();
        List<String> answers = Collections.synchronizedList(new ArrayList<>());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Thread poller = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!started.get() && System.nanoTime() < deadline) {
                for (String path : List.of("/oauth2/jwks", "/.well-known/openid-configuration")) {
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                                HttpResponse.BodyHandlers.ofString());
                        answers.add(path + " " + r.statusCode() + " " + r.body());
                    } catch (ConnectException notListening) {
                        // not listening yet
                    } catch (Exception e) {
                        answers.add(path + " " + e);
                    }
                }
                LockSupport.parkNanos(Duration.ofMillis(2).toNanos()); // a poll interval, not a wait for something
            }
        });
        poller.start();
        try (ConfigurableApplicationContext server = new SpringApplication(GlasskeyApplication.class).run(
                "--glasskey.data-dir=" + dataDir, "--server.port=" + port, "--glasskey.base-url=" + base,
                "--glasskey.first-start.enabled=false", "--logging.level.root=warn")) {
            started.set(true);
            poller.join(Duration.ofSeconds(30).toMillis());
            HttpResponse<String> after = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/jwks")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(JWKSet.parse(after.body()).getKeys()).hasSize(2);
        }
        for (String answer : List.copyOf(answers)) {
            assertThat(answer).as("every answer during start-up").matches("(?s)\\S+ (200|503) .*");
            if (answer.startsWith("/oauth2/jwks 200 ")) {
                assertThat(JWKSet.parse(answer.substring("/oauth2/jwks 200 ".length())).getKeys()).as(answer).hasSize(2);
            }
        }
    }
}
