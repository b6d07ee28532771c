package dev.glasskey.emergency;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;

import tools.jackson.databind.JsonNode;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.Fixtures;
import dev.glasskey.testing.SoftwareAuthenticator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the emergency contracts build on: an empty organisation per test, and a world of emergency
 * accounts enrolled on keys in separate places, alerting, drills of every pair.
 */
public interface EmergencyWorld extends Fixtures {

    /** Emergency accounts (global-admin) enrolled on keys in separate places. */
    record World(Client admin, List<String> accounts, List<String> handles, List<String> keys, List<SoftwareAuthenticator> authenticators) {}

    @BeforeEach
    default void emptyInventory() {
        emptyOrganisation();
    }

    /** {@code accounts} emergency accounts on {@code keys} keys; the full matrix when {@code full}, else account i skips key i. */
    default World world(int accounts, int keys, boolean full) {
        Client admin = newAdmin().http();
        List<String> accountIds = new ArrayList<>();
        List<String> handles = new ArrayList<>();
        List<String> keyIds = new ArrayList<>();
        List<SoftwareAuthenticator> authenticators = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            keyIds.add(registerKey(admin, "Emergency key " + k + " " + System.nanoTime(), "Safe " + k).path("id").asString());
            authenticators.add(newKey());
        }
        for (int a = 0; a < accounts; a++) {
            JsonNode account = createAccount(admin, "Break-glass " + a + " " + System.nanoTime(), true, "global-admin");
            accountIds.add(account.path("id").asString());
            handles.add(accounts().get(account.path("id").asString()).userHandle());
            for (int k = 0; k < keys; k++) {
                if (!full && a == k) continue;
                Client.Response r = enrol(client(), issueLink(admin, accountIds.get(a), keyIds.get(k)), authenticators.get(k));
                assertThat(r.status()).as(r.toString()).isEqualTo(201);
            }
        }
        return new World(admin, accountIds, handles, keyIds, authenticators);
    }

    /**
     * A webhook channel to a receiver on 127.0.0.1 that accepts everything, with a test alert
     * delivered: what the alerting check asks for. Close the receiver at the end of the test.
     */
    default com.sun.net.httpserver.HttpServer alerting(Client admin) throws java.io.IOException {
        var receiver = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        Client.Response channel = admin.post("/api/alerts/channels", Map.of("name", "Security team " + System.nanoTime(), "type", "webhook",
                "minSeverity", "info", "settings", Map.of("url", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")));
        assertThat(channel.status()).as(channel.toString()).isEqualTo(201);
        Client.Response test = admin.post("/api/alerts/channels/" + channel.json().path("id").asString() + "/test", "{}");
        assertThat(test.json().path("delivered").asBoolean()).as(test.toString()).isTrue();
        return receiver;
    }

    /** Drills every enrolled pair of the world. */
    default void drillAll(World w, boolean full) {
        String drill = startDrill(w.admin(), Map.of());
        for (int a = 0; a < w.accounts().size(); a++) {
            for (int k = 0; k < w.keys().size(); k++) {
                if (!full && a == k) continue;
                Client.Response r = drillSignIn(client(), drill, w.authenticators().get(k), w.handles().get(a));
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
            }
        }
    }

    default void assertCheck(Client admin, String id, String status, String reasonContains) {
        JsonNode c = check(readiness(admin), id);
        assertThat(c.path("status").asString()).as(c.toString()).isEqualTo(status);
        assertThat(c.path("reason").asString()).as(c.toString()).contains(reasonContains);
        if (!status.equals("PASS")) {
            assertThat(c.path("fix").asString()).as("a failing check says what to do").isNotBlank();
        }
    }

}
