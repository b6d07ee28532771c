package dev.glasskey.secret;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.token.AccessToken;

import dev.glasskey.audit.AuditIntegrity;
import dev.glasskey.oidc.ClientService;
import dev.glasskey.oidc.OidcClient;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.SealedColumn;
import dev.glasskey.system.Sealing;
import dev.glasskey.system.StartupRefusal;
import dev.glasskey.testing.ServerJvm;
import dev.glasskey.testing.CommandOutput;
import dev.glasskey.testing.Postgres;
import dev.glasskey.testing.RelyingParty;
import dev.glasskey.testing.Servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rotation of the key-encryption key on PostgreSQL while a server runs, as docs/OPERATIONS.md
 * ("Secrets at rest") tells it: the server restarts with the new key (the old one named as
 * previous), {@code glasskey keys rewrap} runs from another process while it serves, and the server
 * goes on issuing tokens with keys it now opens under the new key; afterwards the old key opens
 * nothing, and the new key alone starts the server.
 */
@EnabledIf(value = "dev.glasskey.testing.Postgres#available",
        disabledReason = "PostgreSQL is not reachable on 127.0.0.1:5432: PostgreSQL tests skipped")
class RewrapWhileRunningPostgresTest {

    @Test
    void rewrapWhileAServerRunsAfterWhichTheOldKeyOpensNothing(@TempDir Path dataDir, @TempDir Path cliDataDir) throws Exception {
        String schema = Postgres.freshSchema();
        String url = Postgres.URL + "?currentSchema=" + schema;
        String[] database = {"--spring.datasource.url=" + url, "--spring.datasource.username=" + Postgres.USER, "--spring.datasource.password="};
        String oldKek = Postgres.randomKek();
        String newKek = Postgres.randomKek();
        Sealing.Kek oldKey = KeyEncryptionKeys.fromBase64(oldKek, "old", "old");
        Sealing.Kek newKey = KeyEncryptionKeys.fromBase64(newKek, "new", "new");

        // The installation, sealed under the old key, with a client of the token endpoint.
        OidcClient.Created client;
        try (ConfigurableApplicationContext server = Servers.startListening(dataDir, with(database, "--glasskey.secrets.kek=" + oldKek))) {
            client = server.getBean(ClientService.class).register(Actor.SYSTEM, new OidcClient.Registration(null, "Batch job", "confidential",
                    List.of("client_credentials"), null, null, List.of("reports.read"), null, null, false));
        }

        // 1. The server restarts with the new key, the old one as previous (and re-reads its signing keys at every use).
        try (ConfigurableApplicationContext server = Servers.startListening(dataDir, with(database, "--glasskey.secrets.kek=" + newKek,
                "--glasskey.secrets.previous-keks=" + oldKek, "--glasskey.oidc.key-refresh=PT0S"))) {
            RelyingParty rp = new RelyingParty(RelyingParty.discover(Servers.baseUrl(server)), client.client().clientId(),
                    client.clientSecret(), null, "ES256");
            AccessToken before = RelyingParty.success(rp.clientCredentials()).getTokens().getAccessToken();
            JdbcClient db = server.getBean(JdbcClient.class);
            assertThat(db.sql("select kek_id from secret_kek order by created_at").query(String.class).list())
                    .containsExactly(oldKey.id(), newKey.id());

            // 2. Rewrap from another process while the server runs (configured through the environment, as an operator would).
            CommandOutput out = ServerJvm.run(List.of("-XX:TieredStopAtLevel=1"), List.of("keys", "rewrap", "--data-dir", cliDataDir.toString()),
                    Map.of("GLASSKEY_KEK", newKek, "GLASSKEY_PREVIOUS_KEKS", oldKek, "SPRING_DATASOURCE_URL", url,
                            "SPRING_DATASOURCE_USERNAME", Postgres.USER, "SPRING_DATASOURCE_PASSWORD", ""), Path.of("target", "rewrap-postgres.log"));
            assertThat(out.exitCode()).as(out.text()).isZero();
            assertThat(out.text()).contains("Re-sealed 4 secret(s) under key-encryption key " + newKey.id())
                    .contains("Key-encryption key(s) " + oldKey.id() + " open nothing in this database any more");

            Map<String, String> stored = StoredSecrets.of(db);
            StoredSecrets.assertOnlyTheCurrentKeyOpens(stored, oldKey, newKey);
            assertThat(stored).hasSize(4);
            assertThat(db.sql("select kek_id from secret_kek").query(String.class).list()).containsExactly(newKey.id());

            // The running server opens the re-sealed keys: tokens signed with them, checkpoints signed with its audit key.
            AccessToken after = RelyingParty.success(rp.clientCredentials()).getTokens().getAccessToken();
            assertThat(verifies(before, rp)).isTrue();
            assertThat(verifies(after, rp)).isTrue();
            assertThat(server.getBean(AuditIntegrity.class).checkpoint()).isPresent();
        }

        // 3. The new key alone from now on; the old key alone no longer opens the database.
        try (ConfigurableApplicationContext server = Servers.startListening(dataDir, with(database, "--glasskey.secrets.kek=" + newKek))) {
            assertThat(server.getBean(Sealing.class).keys()).extracting(Sealing.Kek::id).containsExactly(newKey.id());
        }
        assertThatThrownBy(() -> Servers.startListening(dataDir, with(database, "--glasskey.secrets.kek=" + oldKek)).close()).satisfies(e -> {
            assertThat(StartupRefusal.in(e).exitCode()).isEqualTo(StartupRefusal.KEY_ENCRYPTION_KEY);
            assertThat(StartupRefusal.in(e).getMessage()).contains("is not the one that sealed this database (expected id " + newKey.id() + ")");
        });
    }

    private static String[] with(String[] database, String... more) {
        List<String> args = new ArrayList<>(List.of(database));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static boolean verifies(AccessToken token, RelyingParty rp) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token.getValue());
        ECKey key = (ECKey) JWKSet.load(rp.metadata.getJWKSetURI().toURL()).getKeyByKeyId(jwt.getHeader().getKeyID());
        return key != null && jwt.verify(new ECDSAVerifier(key));
    }
}
