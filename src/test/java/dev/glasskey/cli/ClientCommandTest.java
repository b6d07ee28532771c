package dev.glasskey.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

import dev.glasskey.testing.CommandOutput;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code glasskey client add} takes every client field the API takes (issue 20): private_key_jwt
 * keys by value (a JWK Set file) or by URL, PAR required, the groups claim's name, a native
 * (public, loopback) client with refresh tokens, the back-channel logout URI; its refusals are the
 * API's codes (exit 2), and nothing is registered by a refused command.
 */
class ClientCommandTest {

    @Test
    void theHelpOfClientAddListsEveryClientField() {
        CommandOutput help = CommandOutput.capture(() -> GlasskeyCommand.run("client", "add", "--help"));
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--native", "--public", "--groups-claim", "--token-endpoint-auth-method", "--jwks-file",
                "--jwks-uri", "--require-par", "--backchannel-logout-uri", "--backchannel-logout-session-required", "--introspect-any-token");
    }

    @Test
    void clientsWithEachNewFieldAreRegisteredAndListedAndBadOnesRefused(@TempDir Path dir) throws Exception {
        String d = dir.resolve("data").toString();
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("rp-key-1").generate();
        Path jwks = dir.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(key.toPublicJWK()).toString());

        CommandOutput keyJwt = CommandOutput.capture(() -> GlasskeyCommand.run("client", "add", "--name", "Vault", "--client-id", "vault",
                "--redirect-uri", "https://vault.example/ui/vault/auth/oidc/oidc/callback", "--jwks-file", jwks.toString(),
                "--groups-claim", "vault_groups", "--require-par", "--backchannel-logout-uri", "https://vault.example/logout",
                "--backchannel-logout-session-required", "--data-dir", d));
        assertThat(keyJwt.exitCode()).as(keyJwt.text()).isZero();
        assertThat(keyJwt.out()).contains("vault  confidential").contains("auth private_key_jwt").contains("groups claim 'vault_groups'")
                .contains("PAR required").contains("back-channel logout https://vault.example/logout (sid required)")
                .doesNotContain("client_secret:");

        CommandOutput keyUrl = CommandOutput.capture(() -> GlasskeyCommand.run("client", "add", "--name", "Batch", "--client-id", "batch",
                "--grant", "client_credentials", "--jwks-uri", "https://batch.example/jwks.json", "--data-dir", d));
        assertThat(keyUrl.exitCode()).as(keyUrl.text()).isZero();
        assertThat(keyUrl.out()).contains("batch  confidential").contains("auth private_key_jwt (keys at https://batch.example/jwks.json)");

        CommandOutput native_ = CommandOutput.capture(() -> GlasskeyCommand.run("client", "add", "--name", "kubelogin", "--client-id",
                "kubelogin", "--native", "--redirect-uri", "http://127.0.0.1:8000/", "--data-dir", d));
        assertThat(native_.exitCode()).as(native_.text()).isZero();
        assertThat(native_.out()).contains("kubelogin  public").contains("grants [authorization_code, refresh_token]")
                .contains("auth none").doesNotContain("client_secret:");

        // Refused as the API refuses (exit 2, the error code first), or before anything opens.
        CommandOutput badUri = CommandOutput.capture(() -> GlasskeyCommand.run("client", "add", "--name", "Bad", "--redirect-uri",
                "https://rp.example/cb", "--backchannel-logout-uri", "http://rp.example/logout", "--data-dir", d));
        assertThat(badUri.exitCode()).isEqualTo(2);
        assertThat(badUri.err()).startsWith("client.backchannel_logout_uri_invalid: ");
        Path notJson = dir.resolve("keys.txt");
        Files.writeString(notJson, "not a key set");
        CommandOutput badJwks = CommandOutput.capture(() -> GlasskeyCommand.run("client", "add", "--name", "Bad keys", "--redirect-uri",
                "https://rp.example/cb", "--jwks-file", notJson.toString(), "--data-dir", d));
        assertThat(badJwks.exitCode()).isEqualTo(2);
        assertThat(badJwks.err()).startsWith("request.invalid: ").contains("JWK Set");
        CommandOutput both = CommandOutput.capture(() -> GlasskeyCommand.run("client", "add", "--name", "Both", "--redirect-uri",
                "https://rp.example/cb", "--jwks-file", jwks.toString(), "--jwks-uri", "https://rp.example/jwks", "--data-dir", d));
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).startsWith("request.invalid: ").contains("exactly one");

        CommandOutput list = CommandOutput.capture(() -> GlasskeyCommand.run("client", "list", "--data-dir", d));
        assertThat(list.exitCode()).as(list.text()).isZero();
        assertThat(list.out()).contains("vault  confidential").contains("batch  confidential").contains("kubelogin  public")
                .doesNotContain("'Bad", "'Both");
    }

    /**
     * Issue 18: client removal and key rotation take the audited note on the host too, as in the
     * console and the API; a note the API would refuse is refused (exit 2) and nothing changes.
     */
    @Test
    void clientRemoveAndKeysRotateTakeANoteThatIsAudited(@TempDir Path dir) throws Exception {
        String d = dir.resolve("data").toString();
        CommandOutput added = CommandOutput.capture(() -> GlasskeyCommand.run("client", "add", "--name", "Grafana", "--client-id", "grafana",
                "--redirect-uri", "https://grafana.example/login/generic_oauth", "--data-dir", d));
        assertThat(added.exitCode()).as(added.text()).isZero();
        CommandOutput help = CommandOutput.capture(() -> GlasskeyCommand.run("client", "remove", "--help"));
        assertThat(help.out()).contains("--note");
        assertThat(CommandOutput.capture(() -> GlasskeyCommand.run("keys", "rotate", "--help")).out()).contains("--note");

        // Refused notes: too long, a control character (one line only); the client stays, no key is made.
        java.util.function.Supplier<java.util.List<String>> keyRows = () -> CommandOutput.capture(() -> GlasskeyCommand.run("keys", "list",
                "--data-dir", d)).out().lines().filter(l -> l.contains("  ES256  ") || l.contains("  RS256  ")).toList();
        java.util.List<String> keysBefore = keyRows.get();
        assertThat(keysBefore).hasSize(2);
        for (String bad : java.util.List.of("x".repeat(501), "first line\nsecond line", "bell\u0007")) {
            CommandOutput refused = CommandOutput.capture(() -> GlasskeyCommand.run("client", "remove", "grafana", "--note", bad, "--data-dir", d));
            assertThat(refused.exitCode()).as(refused.text()).isEqualTo(2);
            assertThat(refused.err()).startsWith("request.invalid: ").contains("note");
            CommandOutput rotateRefused = CommandOutput.capture(() -> GlasskeyCommand.run("keys", "rotate", "--note", bad, "--data-dir", d));
            assertThat(rotateRefused.exitCode()).as(rotateRefused.text()).isEqualTo(2);
            assertThat(rotateRefused.err()).startsWith("request.invalid: ").contains("note");
        }
        assertThat(CommandOutput.capture(() -> GlasskeyCommand.run("client", "list", "--data-dir", d)).out()).contains("grafana  confidential");
        assertThat(keyRows.get()).isEqualTo(keysBefore);

        CommandOutput rotated = CommandOutput.capture(() -> GlasskeyCommand.run("keys", "rotate", "--note", "scheduled yearly rotation",
                "--data-dir", d));
        assertThat(rotated.exitCode()).as(rotated.text()).isZero();
        CommandOutput removed = CommandOutput.capture(() -> GlasskeyCommand.run("client", "remove", "grafana", "--note",
                "Grafana decommissioned (CHG-1042)", "--data-dir", d));
        assertThat(removed.exitCode()).as(removed.text()).isZero();
        assertThat(CommandOutput.capture(() -> GlasskeyCommand.run("client", "list", "--data-dir", d)).out()).doesNotContain("grafana");

        Path export = dir.resolve("audit.jsonl");
        CommandOutput exported = CommandOutput.capture(() -> GlasskeyCommand.run("audit", "export", "--output", export.toString(), "--data-dir", d));
        assertThat(exported.exitCode()).as(exported.text()).isZero();
        java.util.List<String> lines = Files.readAllLines(export);
        assertThat(lines).filteredOn(l -> l.contains("\"oidc.keys.rotate\"")).singleElement().asString()
                .contains("note: scheduled yearly rotation");
        assertThat(lines).filteredOn(l -> l.contains("\"oidc.client.remove") || l.contains("\"oidc.client.delete")).singleElement().asString()
                .contains("note: Grafana decommissioned (CHG-1042)");
    }
}
