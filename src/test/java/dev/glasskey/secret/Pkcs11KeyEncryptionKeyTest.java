package dev.glasskey.secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.glasskey.system.SealedColumn;
import dev.glasskey.system.Sealing;
import dev.glasskey.system.StartupRefusal;
import dev.glasskey.testing.ServerJvm;
import dev.glasskey.testing.CommandOutput;
import dev.glasskey.testing.Servers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The key-encryption key on a PKCS#11 token: SoftHSM (Debian {@code softhsm2}, which {@code .ci/run}
 * installs), a token initialised in a temporary directory, AES-256 keys made on it with
 * {@code pkcs11-tool} (Debian {@code opensc}) as an operator would. Glasskey runs in second JVMs,
 * whose environment carries {@code SOFTHSM2_CONF} (read by the module when it loads) and the PIN in
 * {@code GLASSKEY_PKCS11_PIN}: first start and a key rotation seal under the token's key, which never
 * leaves the token; without it the database does not open; {@code glasskey keys rewrap} moves to a
 * second key on the token, after which the first opens nothing.
 */
class Pkcs11KeyEncryptionKeyTest {
    private static final String PIN = "4711";

    @Test
    void secretsAreSealedUnderAKeyThatStaysOnTheToken(@TempDir Path tmp) throws Exception {
        Path library = softHsmModule();
        Path conf = tmp.resolve("softhsm2.conf");
        Files.createDirectory(tmp.resolve("tokens"));
        Files.writeString(conf, "directories.tokendir = " + tmp.resolve("tokens") + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        Map<String, String> env = Map.of("SOFTHSM2_CONF", conf.toString(), "GLASSKEY_PKCS11_PIN", PIN);
        exec(env, "softhsm2-util", "--init-token", "--free", "--label", "glasskey", "--so-pin", "12345678", "--pin", PIN);
        for (String label : List.of("glasskey-kek-1", "glasskey-kek-2")) {
            exec(env, "pkcs11-tool", "--module", library.toString(), "--token-label", "glasskey", "--login", "--pin", PIN,
                    "--keygen", "--key-type", "AES:32", "--label", label);
        }
        Path dataDir = tmp.resolve("data");
        List<String> token = List.of("-Dglasskey.secrets.pkcs11.library=" + library, "-Dglasskey.secrets.pkcs11.key-label=glasskey-kek-1");

        // First start (server keys, signing keys) and a rotation, through the command line in a second JVM.
        CommandOutput rotated = glasskey(env, token, "keys", "rotate", "--data-dir", dataDir.toString());
        assertThat(rotated.exitCode()).as(rotated.text()).isZero();
        assertThat(dataDir.resolve("master.key")).as("no key of its own beside the database").doesNotExist();
        JdbcClient db = StoredSecrets.h2(dataDir);
        String first = db.sql("select kek_id from secret_kek").query(String.class).single();
        assertThat(StoredSecrets.of(db).values().stream().map(Sealing::kekIdOf).toList()).as("server keys and four signing keys").hasSize(6).containsOnly(first);

        // Without the token, the database does not open.
        assertThatThrownBy(() -> Servers.start(dataDir).close()).satisfies(e -> {
            assertThat(StartupRefusal.in(e).exitCode()).isEqualTo(StartupRefusal.KEY_ENCRYPTION_KEY);
            assertThat(StartupRefusal.in(e).getMessage()).contains("no master.key, but the secrets in this database are sealed under "
                    + "key-encryption key " + first);
        });
        assertThat(dataDir.resolve("master.key")).as("no key made for a database already sealed").doesNotExist();
        CommandOutput wrongPin = glasskey(Map.of("SOFTHSM2_CONF", conf.toString(), "GLASSKEY_PKCS11_PIN", "0000"), token,
                "keys", "list", "--data-dir", dataDir.toString());
        assertThat(wrongPin.exitCode()).as(wrongPin.text()).isEqualTo(78);
        assertThat(wrongPin.text()).contains("The PKCS#11 token cannot be opened (" + library + ", slotListIndex 0)");
        CommandOutput noSuchKey = glasskey(env, List.of("-Dglasskey.secrets.pkcs11.library=" + library,
                "-Dglasskey.secrets.pkcs11.key-label=no-such-key"), "keys", "list", "--data-dir", dataDir.toString());
        assertThat(noSuchKey.exitCode()).as(noSuchKey.text()).isEqualTo(78);
        assertThat(noSuchKey.text()).contains("The PKCS#11 token has no key labelled 'no-such-key'");

        // Rewrap onto the token's second key, the first one opening what it sealed.
        CommandOutput rewrap = glasskey(env, List.of("-Dglasskey.secrets.pkcs11.library=" + library,
                "-Dglasskey.secrets.pkcs11.key-label=glasskey-kek-2", "-Dglasskey.secrets.pkcs11.previous-key-labels=glasskey-kek-1"),
                "keys", "rewrap", "--data-dir", dataDir.toString());
        assertThat(rewrap.exitCode()).as(rewrap.text()).isZero();
        String second = db.sql("select kek_id from secret_kek").query(String.class).single();
        assertThat(second).isNotEqualTo(first);
        assertThat(rewrap.text()).contains("Re-sealed 6 secret(s) under key-encryption key " + second + " (PKCS#11 key 'glasskey-kek-2' via "
                + library + ")").contains("Key-encryption key(s) " + first + " open nothing in this database any more");
        assertThat(StoredSecrets.of(db).values().stream().map(Sealing::kekIdOf).toList()).hasSize(6).containsOnly(second);

        CommandOutput oldKey = glasskey(env, token, "keys", "list", "--data-dir", dataDir.toString());
        assertThat(oldKey.exitCode()).as(oldKey.text()).isEqualTo(78);
        assertThat(oldKey.text()).contains("(expected id " + second + ")");
        CommandOutput newKey = glasskey(env, List.of("-Dglasskey.secrets.pkcs11.library=" + library,
                "-Dglasskey.secrets.pkcs11.key-label=glasskey-kek-2"), "keys", "list", "--data-dir", dataDir.toString());
        assertThat(newKey.exitCode()).as(newKey.text()).isZero();
        assertThat(newKey.out()).contains("ES256  active").contains("RS256  active");
    }

    private static CommandOutput glasskey(Map<String, String> env, List<String> jvmOptions, String... args) {
        List<String> options = new ArrayList<>(jvmOptions);
        options.add("-XX:TieredStopAtLevel=1");
        return ServerJvm.run(options, List.of(args), env, Path.of("target", "pkcs11-" + String.join("-", args).replaceAll("[^a-z-]", "") + ".log"));
    }

    private static Path softHsmModule() {
        for (String candidate : List.of("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                "/usr/local/lib/softhsm/libsofthsm2.so")) {
            if (Files.exists(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new AssertionError("SoftHSM is not installed: apt-get install softhsm2 opensc (.ci/run does)");
    }

    private static void exec(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", String.join(" ", command), output).isZero();
    }
}
