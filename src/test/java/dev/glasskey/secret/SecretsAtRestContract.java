package dev.glasskey.secret;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.Fixtures;
import dev.glasskey.system.SealedColumn;
import dev.glasskey.system.Sealing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets at rest (issue 14): after first start (server keys, signing keys), an enrolment and a
 * sign-in, webhook and SMTP channels added through the API and the console, and a signing-key
 * rotation, every secret column holds only values sealed under the server's key-encryption key
 * — each opening in its own row only — and nothing the database stores (the H2 file's bytes,
 * every PostgreSQL row) contains any of those secrets in clear, in any form ({@link ClearText}).
 */
interface SecretsAtRestContract extends Fixtures {

    Sealing sealing();

    /** Everything the database stores, as bytes: the embedded H2 file, or every row of every PostgreSQL table. */
    byte[] storedBytes();

    @Test
    default void noPrivateKeySecretOrPasswordIsStoredInClear() {
        SignedInClient admin = newAdmin();
        String password = "smtp-password-" + UUID.randomUUID();
        String name = "sealed hook " + System.nanoTime();
        JsonNode hook = created(admin.http().post("/api/alerts/channels", Map.of("name", name, "type", "webhook", "minSeverity", "critical",
                "settings", Map.of("url", "http://127.0.0.1:9/nothing-listens"))));
        String hookSecret = hook.path("secret").asString();
        Map<String, Object> smtp = new HashMap<>();
        smtp.put("host", "127.0.0.1");
        smtp.put("port", 9);
        smtp.put("from", "glasskey@example.org");
        smtp.put("to", List.of("security@example.org"));
        smtp.put("username", "glasskey");
        JsonNode mail = created(admin.http().post("/api/alerts/channels", Map.of("name", "sealed mail " + System.nanoTime(), "type", "email",
                "minSeverity", "critical", "settings", smtp, "password", password)));
        String consoleName = "console hook " + System.nanoTime();
        String consoleSecret = consoleWebhookSecret(admin.http(), consoleName);
        Client.Response rotated = admin.http().post("/api/oidc/keys/rotate", Map.of("activateInSeconds", 0));
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        String consoleId = jdbc().sql("select id from alert_channel where name = :n").param("n", consoleName).query(String.class).single();
        try {
            Map<String, String> sealed = StoredSecrets.of(jdbc());
            sealed.forEach((where, value) -> assertThat(value).as(where).startsWith(Sealing.PREFIX + sealing().current().id() + ":"));
            List<String> secrets = List.copyOf(StoredSecrets.opened(sealing(), sealed).values());
            assertThat(secrets).as("the known secrets are among those sealed").contains(hookSecret, password, consoleSecret);
            assertThat(secrets.stream().filter(s -> s.startsWith("-----BEGIN PRIVATE KEY-----"))).as("the audit checkpoint key").isNotEmpty();
            assertThat(secrets.stream().filter(s -> s.contains("\"d\""))).as("four signing keys, two of them rotated in").hasSizeGreaterThanOrEqualTo(4);

            byte[] stored = storedBytes();
            // The scan sees what is stored in clear: a channel's name, an audit key's public half.
            assertThat(ClearText.indexOf(stored, name.getBytes(StandardCharsets.UTF_8))).as("a channel name is found").isNotNegative();
            String publicPem = jdbc().sql("select public_pem from server_key where purpose = 'audit-signing'").query(String.class).list().get(0);
            assertThat(ClearText.indexOf(stored, publicPem.lines().skip(1).findFirst().orElseThrow().getBytes(StandardCharsets.US_ASCII)))
                    .as("a public key is found").isNotNegative();
            for (String secret : secrets) {
                assertThat(ClearText.foundIn(stored, ClearText.of(secret))).as("a secret in clear (%s…)", secret.substring(0, 12)).isNull();
            }
        } finally {
            for (String id : List.of(hook.path("id").asString(), mail.path("id").asString(), consoleId)) {
                assertThat(admin.http().delete("/api/alerts/channels/" + id).status()).isEqualTo(204);
            }
        }
    }

    @Test
    default void aSealedSecretOpensOnlyInItsOwnRowAndColumn() {
        SealedColumn column = SealedColumn.ALERT_CHANNEL;
        String sealed = sealing().seal(column, "row-a", "webhook secret of row a");
        assertThat(sealing().open(column, "row-a", sealed)).isEqualTo("webhook secret of row a");
        for (var elsewhere : List.of(Map.entry(column, "row-b"), Map.entry(SealedColumn.SERVER_KEY, "row-a"))) {
            StoredSecrets.assertUnreadable(() -> sealing().open(elsewhere.getKey(), elsewhere.getValue(), sealed), "it was altered, or moved here from another row");
        }
        String[] parts = sealed.split(":");
        StoredSecrets.assertUnreadable(() -> sealing().open(column, "row-a", Sealing.PREFIX + "0000000000000000:" + parts[3]),
                "which is not configured here");
        char last = sealed.charAt(sealed.length() - 2);
        String flipped = sealed.substring(0, sealed.length() - 2) + (last == 'A' ? 'B' : 'A') + sealed.charAt(sealed.length() - 1);
        StoredSecrets.assertUnreadable(() -> sealing().open(column, "row-a", flipped), "it was altered");
        StoredSecrets.assertUnreadable(() -> sealing().open(column, "row-a", "webhook secret in clear"), "is not sealed");
        assertThat(sealing().seal(column, "row-a", "same text")).as("a fresh nonce each time").isNotEqualTo(sealing().seal(column, "row-a", "same text"));
    }

    private static JsonNode created(Client.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    /** Adds a webhook through the console's form; returns the secret the answering page shows once. */
    private static String consoleWebhookSecret(Client admin, String name) {
        String form = "name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&type=webhook&minSeverity=critical&url="
                + URLEncoder.encode("http://127.0.0.1:9/console", StandardCharsets.UTF_8);
        Client.Response page = admin.send(HttpRequest.newBuilder(admin.uri("/admin/alerts/channels"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        Matcher secret = Pattern.compile("id=\"webhook-secret\"[^>]*>([^<]+)<").matcher(page.body());
        assertThat(secret.find()).as("the page shows the new webhook's secret").isTrue();
        return secret.group(1);
    }
}
