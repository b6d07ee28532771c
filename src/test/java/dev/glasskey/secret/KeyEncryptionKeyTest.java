package dev.glasskey.secret;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;

import dev.glasskey.alert.AlertService;
import dev.glasskey.alert.ChannelSettings;
import dev.glasskey.cli.GlasskeyCommand;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.SealedColumn;
import dev.glasskey.system.Sealing;
import dev.glasskey.system.ServerKeys;
import dev.glasskey.system.StartupRefusal;
import dev.glasskey.testing.CommandOutput;
import dev.glasskey.testing.Servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The key-encryption key on the embedded database, each test on a data directory of its own:
 * a start with another key is refused naming the key expected; a sealed value moved to another
 * row stops the start with a clear error; an installation that kept its secrets in clear has
 * them sealed on the first start of this version, in one audited transaction; and
 * {@code glasskey keys rewrap} with the server stopped re-seals everything, after which the old
 * key opens nothing.
 */
class KeyEncryptionKeyTest {

    @Test
    void aStartWithAnotherKeyIsRefusedNamingTheKeyThatSealedTheDatabase(@TempDir Path dataDir) throws Exception {
        String sealedBy;
        try (ConfigurableApplicationContext context = Servers.start(dataDir)) {
            sealedBy = context.getBean(Sealing.class).current().id();
        }
        Path masterKey = dataDir.resolve("master.key");
        byte[] original = Files.readAllBytes(masterKey);
        assertThat(StoredSecrets.h2(dataDir).sql("select kek_id from secret_kek").query(String.class).list()).containsExactly(sealedBy);

        Files.writeString(masterKey, randomKek() + "\n");
        assertRefused(dataDir, "is not the one that sealed this database (expected id " + sealedBy + ")");
        Files.write(masterKey, original);

        // A configured key comes before master.key; the check is the same.
        String otherKek = randomKek();
        assertRefused(dataDir, "(id " + KeyEncryptionKeys.fromBase64(otherKek, "", "").id() + ", from glasskey.secrets.kek) is not the one "
                + "that sealed this database (expected id " + sealedBy + ")", "--glasskey.secrets.kek=" + otherKek);
        assertRefused(dataDir, "glasskey.secrets.kek (GLASSKEY_KEK) is not base64", "--glasskey.secrets.kek=not base64!");
        assertRefused(dataDir, "glasskey.secrets.kek (GLASSKEY_KEK) holds 16 bytes; a key-encryption key is 32 bytes",
                "--glasskey.secrets.kek=" + Base64.getEncoder().encodeToString(new byte[16]));
        assertRefused(dataDir, "The key-encryption key file " + dataDir.resolve("missing.key") + " cannot be read",
                "--glasskey.secrets.kek-file=" + dataDir.resolve("missing.key"));

        assertThat(Files.readAllBytes(masterKey)).as("nothing rewritten").isEqualTo(original);
        try (ConfigurableApplicationContext context = Servers.start(dataDir)) {
            assertThat(context.getBean(Sealing.class).current().id()).isEqualTo(sealedBy);
        }
    }

    @Test
    void aSealedServerKeyMovedToAnotherRowStopsTheStartWithAClearError(@TempDir Path dataDir) {
        Servers.start(dataDir).close();
        JdbcClient db = StoredSecrets.h2(dataDir);
        Map<String, String> rows = new LinkedHashMap<>();
        db.sql("select id, private_pem from server_key order by purpose").query(rs -> {
            rows.put(rs.getString(1), rs.getString(2));
        });
        List<String> ids = List.copyOf(rows.keySet()); // audit-signing-…, challenge-mac-…
        assertThat(ids.get(1)).startsWith("challenge-mac-");
        // The audit key's sealed value copied over the challenge secret's.
        db.sql("update server_key set private_pem = :v where id = :id").param("v", rows.get(ids.get(0))).param("id", ids.get(1)).update();

        assertThatThrownBy(() -> Servers.start(dataDir).close()).satisfies(e -> {
            GlasskeyException unreadable = cause(e, GlasskeyException.class);
            assertThat(unreadable.errorCode()).isEqualTo(ErrorCode.SECRET_UNREADABLE);
            assertThat(unreadable.detail()).isEqualTo("The stored server_key.private_pem of row '" + ids.get(1) + "' does not open under "
                    + "key-encryption key " + Sealing.kekIdOf(rows.get(ids.get(0))) + ": it was altered, or moved here from another row or column.");
        });
        assertThat(db.sql("select private_pem from server_key where id = :id").param("id", ids.get(1)).query(String.class).single())
                .as("left as found").isEqualTo(rows.get(ids.get(0)));
    }

    @Test
    void anInstallationThatKeptSecretsInClearHasThemSealedOnItsFirstStartInOneAuditedStep(@TempDir Path dataDir) throws Exception {
        // The database as the previous version left it (schema up to V10, every secret in clear), with the H2 file
        // created with the usual umask: the first start of this version refuses until the operator fixes that.
        String url = "jdbc:h2:file:" + dataDir.resolve("glasskey") + ";WRITE_DELAY=0";
        Flyway.configure().dataSource(url, "glasskey", "").locations("classpath:db/migration").target("10").load().migrate();
        Files.setPosixFilePermissions(dataDir.resolve("glasskey.mv.db"), PosixFilePermissions.fromString("rw-r--r--"));
        Map<String, String> clear = plaintextInstallation(StoredSecrets.h2(dataDir));
        assertThatThrownBy(() -> Servers.start(dataDir).close())
                .satisfies(e -> assertThat(StartupRefusal.in(e).exitCode()).isEqualTo(StartupRefusal.OPEN_PERMISSIONS));
        Files.setPosixFilePermissions(dataDir.resolve("glasskey.mv.db"), PosixFilePermissions.fromString("rw-------"));

        String kekId;
        try (ConfigurableApplicationContext context = Servers.start(dataDir)) {
            Sealing sealing = context.getBean(Sealing.class);
            kekId = sealing.current().id();
            Map<String, String> stored = StoredSecrets.of(context.getBean(JdbcClient.class));
            assertThat(stored.keySet()).isEqualTo(clear.keySet());
            stored.forEach((where, value) -> assertThat(value).as(where).startsWith(Sealing.PREFIX + kekId + ":"));
            assertThat(StoredSecrets.opened(sealing, stored)).isEqualTo(clear);
            // The keys themselves are the same: the audit key still verifies, the signing keys were not regenerated.
            assertThat(context.getBean(ServerKeys.class).signingKey(ServerKeys.AUDIT_SIGNING).id()).isEqualTo("audit-signing-old");
            JdbcClient db = context.getBean(JdbcClient.class);
            assertThat(db.sql("select count(*) from oidc_signing_key").query(Long.class).single()).isEqualTo(2);
            List<String> audit = db.sql("select detail from audit_event where action = 'secrets.seal'").query(String.class).list();
            assertThat(audit).hasSize(1);
            assertThat(audit.get(0)).startsWith("5 secret(s) kept in clear by an earlier version sealed under key-encryption key " + kekId)
                    .contains("server_key.private_pem=2").contains("oidc_signing_key.private_jwk=2").contains("alert_channel.secret=1")
                    .contains("rotate the signing keys");
            // Nor are they left in the file's free space: the file was rewritten.
            byte[] file = Files.readAllBytes(dataDir.resolve("glasskey.mv.db"));
            clear.forEach((where, secret) -> assertThat(ClearText.foundIn(file, ClearText.of(secret))).as(where).isNull());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("glasskey.mv.db"))))
                    .as("the rewritten file is owner-only too").isEqualTo("rw-------");
        }
        try (ConfigurableApplicationContext context = Servers.start(dataDir)) {
            JdbcClient db = context.getBean(JdbcClient.class);
            assertThat(db.sql("select count(*) from audit_event where action like 'secrets.%'").query(Long.class).single())
                    .as("sealed once").isEqualTo(1);
            assertThat(db.sql("select kek_id from secret_kek").query(String.class).list()).containsExactly(kekId);
        }
    }

    @Test
    void rewrapWithTheServerStoppedMakesANewMasterKeyAndTheOldOneOpensNothing(@TempDir Path dataDir) throws Exception {
        Map<String, String> before;
        Map<String, String> sealedBefore;
        Sealing.Kek old;
        String channelId;
        try (ConfigurableApplicationContext context = Servers.start(dataDir)) {
            channelId = context.getBean(AlertService.class).create(Actor.SYSTEM, new AlertService.ChannelRequest("hook", "webhook", true,
                    "critical", new ChannelSettings("http://127.0.0.1:9/hook", null, null, null, null, null, null, null, null, null), null)).id();
            old = context.getBean(Sealing.class).current();
            sealedBefore = StoredSecrets.of(context.getBean(JdbcClient.class));
            before = StoredSecrets.opened(context.getBean(Sealing.class), sealedBefore);
        }
        assertThat(before).hasSize(5).containsKey("alert_channel " + channelId);

        CommandOutput out = CommandOutput.capture(() -> GlasskeyCommand.run("keys", "rewrap", "--data-dir", dataDir.toString()));
        assertThat(out.exitCode()).as(out.text()).isZero();
        Sealing.Kek current = KeyEncryptionKeys.fromBase64(Files.readString(dataDir.resolve("master.key")), "master.key", "master.key");
        assertThat(current.id()).isNotEqualTo(old.id());
        assertThat(out.out()).contains("Re-sealed 5 secret(s) under key-encryption key " + current.id() + " (master.key in " + dataDir + ")")
                .contains("Key-encryption key(s) " + old.id() + " open nothing in this database any more");
        assertThat(dataDir.resolve("master.key.new")).doesNotExist();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("master.key")))).isEqualTo("rw-------");

        JdbcClient db = StoredSecrets.h2(dataDir);
        Map<String, String> after = StoredSecrets.of(db);
        StoredSecrets.assertOnlyTheCurrentKeyOpens(after, old, current);
        assertThat(StoredSecrets.opened(new Sealing(current, List.of()), after)).isEqualTo(before);
        byte[] file = Files.readAllBytes(dataDir.resolve("glasskey.mv.db"));
        sealedBefore.forEach((where, value) -> assertThat(ClearText.indexOf(file, value.getBytes(StandardCharsets.US_ASCII)))
                .as("%s as the old key sealed it, in the file's free space", where).isNegative());
        assertThat(db.sql("select kek_id from secret_kek").query(String.class).list()).containsExactly(current.id());
        assertThat(db.sql("select actor, target, flagged from audit_event where action = 'secrets.rewrap'")
                .query((rs, n) -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getBoolean(3)).list())
                .containsExactly("cli (local command line) " + current.id() + " true");

        try (ConfigurableApplicationContext context = Servers.start(dataDir)) {
            assertThat(context.getBean(Sealing.class).current().id()).isEqualTo(current.id());
            assertThat(context.getBean(ServerKeys.class).signingKey(ServerKeys.AUDIT_SIGNING)).isNotNull();
        }
    }

    @Test
    void rewrapMovesAnInstallationFromMasterKeyToAConfiguredKeyFile(@TempDir Path dataDir, @TempDir Path keys) throws Exception {
        String oldId;
        try (ConfigurableApplicationContext context = Servers.start(dataDir)) {
            oldId = context.getBean(Sealing.class).current().id();
        }
        Path newKey = keys.resolve("glasskey.kek");
        Files.writeString(newKey, randomKek() + "\n");
        Files.setPosixFilePermissions(newKey, PosixFilePermissions.fromString("rw-------"));
        String newId = KeyEncryptionKeys.fromBase64(Files.readString(newKey), "", "").id();
        // The new key alone does not open this database yet.
        assertRefused(dataDir, "(expected id " + oldId + ")", "--glasskey.secrets.kek-file=" + newKey);

        CommandOutput out = CommandOutput.capture(() -> GlasskeyCommand.run("keys", "rewrap", "--data-dir", dataDir.toString(),
                "--kek-file", newKey.toString(), "--previous-kek-file", dataDir.resolve("master.key").toString()));
        assertThat(out.exitCode()).as(out.text()).isZero();
        assertThat(out.out()).contains("Re-sealed 4 secret(s) under key-encryption key " + newId + " (kek-file " + newKey + ")");

        try (ConfigurableApplicationContext context = Servers.start(dataDir, "--glasskey.secrets.kek-file=" + newKey)) {
            assertThat(context.getBean(Sealing.class).keys()).extracting(Sealing.Kek::id).containsExactly(newId);
        }
        assertRefused(dataDir, "(expected id " + newId + ")");
    }

    // ---- helpers

    private static String randomKek() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static void assertRefused(Path dataDir, String problem, String... args) {
        assertThatThrownBy(() -> Servers.start(dataDir, args).close()).satisfies(e -> {
            StartupRefusal refused = StartupRefusal.in(e);
            assertThat(refused).as("refused: %s", e).isNotNull();
            assertThat(refused.exitCode()).isEqualTo(StartupRefusal.KEY_ENCRYPTION_KEY).isEqualTo(78);
            assertThat(refused.getMessage()).contains(problem);
        });
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + e, e);
    }

    /** The rows the previous version wrote on its first start and for one webhook, secrets in clear; returns them by "table row-id". */
    private static Map<String, String> plaintextInstallation(JdbcClient db) throws Exception {
        Map<String, String> clear = new LinkedHashMap<>();
        OffsetDateTime now = OffsetDateTime.now();
        var generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        var pair = generator.generateKeyPair();
        String privatePem = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
        db.sql("insert into server_key (id, purpose, algorithm, private_pem, public_pem, status, created_at) values "
                        + "('audit-signing-old', 'audit-signing', 'ES256', :priv, :pub, 'active', :at)")
                .param("priv", privatePem).param("pub", pem("PUBLIC KEY", pair.getPublic().getEncoded())).param("at", now).update();
        clear.put("server_key audit-signing-old", privatePem);
        String mac = randomKek();
        db.sql("insert into server_key (id, purpose, algorithm, private_pem, public_pem, status, created_at) values "
                + "('challenge-mac-old', 'challenge-mac', 'HS256', :secret, '', 'active', :at)").param("secret", mac).param("at", now).update();
        clear.put("server_key challenge-mac-old", mac);
        String es = new ECKeyGenerator(Curve.P_256).keyID("es256-old").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).generate().toJSONString();
        String rs = new RSAKeyGenerator(2048).keyID("rs256-old").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).generate().toJSONString();
        for (var key : Map.of("es256-old", List.of("ES256", es), "rs256-old", List.of("RS256", rs)).entrySet()) {
            db.sql("insert into oidc_signing_key (kid, algorithm, private_jwk, created_at, activates_at) values (:kid, :alg, :jwk, :at, :at)")
                    .param("kid", key.getKey()).param("alg", key.getValue().get(0)).param("jwk", key.getValue().get(1)).param("at", now).update();
            clear.put("oidc_signing_key " + key.getKey(), key.getValue().get(1));
        }
        db.sql("insert into alert_channel (id, name, type, enabled, min_severity, settings, secret, created_at, updated_at, consecutive_failures) "
                        + "values ('channel-old', 'old hook', 'webhook', true, 'critical', :settings, 'webhook-secret-in-clear', :at, :at, 0)")
                .param("settings", "{\"url\":\"http://127.0.0.1:9/hook\"}").param("at", now).update();
        clear.put("alert_channel channel-old", "webhook-secret-in-clear");
        return clear;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
