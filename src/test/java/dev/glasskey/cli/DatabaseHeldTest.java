package dev.glasskey.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import tools.jackson.databind.JsonNode;

import dev.glasskey.testing.ApplicationJvm;
import dev.glasskey.testing.Client;
import dev.glasskey.testing.CommandOutput;
import dev.glasskey.testing.ServerJvm;
import dev.glasskey.testing.Servers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18: every command that needs the embedded database, run while a server holds it, says so
 * in one line on standard error with exit code 3 and what to do instead — the API call that does
 * the same where there is one — and never a stack trace (client add/list, keys list used to dump
 * ~110 lines; audit export gave the advice of audit verify). The commands run in a second process,
 * as an operator meets them (H2 shares an open database within one JVM), one after the other in
 * one JVM ({@link CommandBatch}).
 */
class DatabaseHeldTest {

    @Test
    void everyDatabaseCommandSaysInOneLineThatTheServerHoldsTheDatabaseAndWhatToDoInstead(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path blob = Files.writeString(dir.resolve("blob.jwt"), "not read: the database is held\n");
        String d = data.toString();
        // command → what its one line must advise
        Map<List<String>, String> commands = new LinkedHashMap<>();
        commands.put(List.of("client", "add", "--name", "Grafana", "--redirect-uri", "https://grafana.example/cb", "--data-dir", d),
                "use POST /api/clients on the running server");
        commands.put(List.of("client", "list", "--data-dir", d), "use GET /api/clients on the running server");
        commands.put(List.of("client", "remove", "grafana", "--data-dir", d), "use DELETE /api/clients/grafana on the running server");
        commands.put(List.of("keys", "rotate", "--data-dir", d), "use POST /api/oidc/keys/rotate on the running server");
        commands.put(List.of("keys", "list", "--data-dir", d), "use GET /api/oidc/keys on the running server");
        commands.put(List.of("keys", "rewrap", "--data-dir", d), "stop the server, run 'glasskey keys rewrap', then start it");
        commands.put(List.of("mds", "load", blob.toString(), "--data-dir", d), "use POST /api/mds on the running server");
        commands.put(List.of("mds", "status", "--data-dir", d), "use GET /api/mds on the running server");
        commands.put(List.of("audit", "verify", "--data-dir", d), "use GET /api/audit/verify on the running server");
        commands.put(List.of("audit", "export", "--data-dir", d, "--output", dir.resolve("export.jsonl").toString()),
                "stop the server, export, then start it again (there is no export API");
        commands.put(List.of("audit", "rotate-key", "--data-dir", d), "stop the server, run 'glasskey audit rotate-key'");
        commands.put(List.of("bootstrap", "--reason", "locked out", "--data-dir", d), "stop the server, run 'glasskey bootstrap' again");

        List<String> batch = new ArrayList<>();
        for (List<String> command : commands.keySet()) {
            if (!batch.isEmpty()) {
                batch.add(CommandBatch.NEXT);
            }
            batch.addAll(command);
        }
        try (ConfigurableApplicationContext server = Servers.start(data)) {
            CommandOutput ran;
            try (ServerJvm jvm = ServerJvm.start(new ProcessBuilder(ApplicationJvm.command(CommandBatch.class,
                    List.of("-XX:TieredStopAtLevel=1"), batch)), Path.of("target", "cli-database-held.log"))) {
                ran = jvm.awaitExit(Duration.ofMinutes(5));
            }
            assertThat(ran.exitCode()).as(ran.text()).isZero();
            List<JsonNode> results = ran.out().lines().filter(l -> l.startsWith("{")).map(Client.JSON::readTree).toList();
            assertThat(results).as(ran.text()).hasSize(commands.size());
            int i = 0;
            for (Map.Entry<List<String>, String> command : commands.entrySet()) {
                JsonNode result = results.get(i++);
                String name = "glasskey " + String.join(" ", command.getKey().subList(0, command.getKey().get(0).equals("bootstrap") ? 1 : 2));
                String err = result.path("err").asString();
                String out = result.path("out").asString();
                assertThat(result.path("exit").asInt()).as("%s: %s", name, result).isEqualTo(3);
                assertThat(out).as("%s prints nothing on standard output", name).isEmpty();
                assertThat(err.lines().toList()).as("%s: one line", name).hasSize(1);
                assertThat(err).as(name).startsWith(name + ": the embedded database is in use by a running Glasskey server"
                        + " (only one process may open it): ").contains(command.getValue());
                assertThat(err).as(name).doesNotContain("Exception").doesNotContain("\tat ");
            }
            // Nothing was written meanwhile: the running server's database is as it was (no client, no key rotated, no link).
            assertThat(Files.exists(dir.resolve("export.jsonl"))).isFalse();
            var jdbc = server.getBean(org.springframework.jdbc.core.simple.JdbcClient.class);
            assertThat(jdbc.sql("select count(*) from oauth2_registered_client").query(Long.class).single()).isZero();
            assertThat(jdbc.sql("select count(*) from enrolment where purpose = 'bootstrap'").query(Long.class).single()).isZero();
        }
    }
}
