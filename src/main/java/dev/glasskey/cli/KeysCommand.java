package dev.glasskey.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.springframework.context.ConfigurableApplicationContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.glasskey.oidc.SigningKey;
import dev.glasskey.oidc.SigningKeys;
import dev.glasskey.secret.SecretsAtRest;
import dev.glasskey.system.Actor;
import dev.glasskey.system.GlasskeyException;

/**
 * {@code glasskey keys rotate|list}: the OpenID Connect token signing keys (docs/OPERATIONS.md, key
 * rotation); {@code glasskey keys rewrap}: every stored secret re-sealed under the current
 * key-encryption key (docs/OPERATIONS.md, "Secrets at rest").
 */
@Command(mixinStandardHelpOptions = true, name = "keys", description = "List or rotate the token signing keys; re-seal every stored secret under a new key-encryption key.",
        subcommands = {KeysCommand.Rotate.class, KeysCommand.ListKeys.class, KeysCommand.Rewrap.class})
class KeysCommand {

    @Command(mixinStandardHelpOptions = true, name = "rotate", description = "New ES256 and RS256 keys; superseded keys stay published for glasskey.oidc.retired-key-retention.")
    static class Rotate extends ClientCommand.DataDir implements Callable<Integer>, GlasskeyCommand.WhileServerRuns {
        @Override
        public String whileServerRuns() {
            return "use POST /api/oidc/keys/rotate on the running server (docs/API.md), or stop it first";
        }

        @Option(names = "--activate-in", description = "Publish now, sign from this long from now (ISO-8601 duration, e.g. PT1H). Default: PT0S.")
        Duration activateIn = Duration.ZERO;
        @Option(names = "--note", paramLabel = "TEXT", description = "Why (kept in the audit entry, as the console's and the API's note;"
                + " at most 500 printable characters).")
        String note;

        @Override
        public Integer call() {
            return ClientCommand.run(() -> {
                try (ConfigurableApplicationContext context = context()) {
                    context.getBean(SigningKeys.class).rotate(Actor.CLI, activateIn, note).forEach(KeysCommand::print);
                }
            });
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "list", description = "List the signing keys and their state.")
    static class ListKeys extends ClientCommand.DataDir implements Callable<Integer>, GlasskeyCommand.WhileServerRuns {
        @Override
        public String whileServerRuns() {
            return "use GET /api/oidc/keys on the running server (docs/API.md), or stop it first";
        }

        @Override
        public Integer call() {
            return ClientCommand.run(() -> {
                try (ConfigurableApplicationContext context = context()) {
                    context.getBean(SigningKeys.class).list().forEach(KeysCommand::print);
                }
            });
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "rewrap", description = {
            "Re-seal every stored secret under the configured key-encryption key (GLASSKEY_KEK, --kek-file or the PKCS#11 key),"
                    + " opening them with the previous keys; with the default master.key, under a new master.key. Audited (secrets.rewrap).",
            "Exit codes: 0 done, 1 failed (nothing changed), 3 the embedded database is in use by a running server,"
                    + " 77 the data directory is open to other users, 78 a key-encryption key is missing or wrong."})
    static class Rewrap implements Callable<Integer>, GlasskeyCommand.WhileServerRuns {
        @Override
        public String whileServerRuns() {
            return "stop the server, run 'glasskey keys rewrap', then start it with the new key (there is no API for this)";
        }

        @Option(names = "--data-dir", description = "Data directory of the embedded database (default: as the server).")
        String dataDir;

        @Option(names = "--kek-file", description = "File holding the new key-encryption key (base64 of 32 bytes), as glasskey.secrets.kek-file.")
        Path kekFile;

        @Option(names = "--previous-kek-file", split = ",", description = "File(s) holding the key(s) the secrets are sealed under now "
                + "(e.g. the old master.key), as glasskey.secrets.previous-kek-files.")
        List<Path> previousKekFiles;

        @Override
        public Integer call() {
            List<String> args = new ArrayList<>();
            if (dataDir != null) args.add("--glasskey.data-dir=" + dataDir);
            if (kekFile != null) args.add("--glasskey.secrets.kek-file=" + kekFile);
            if (previousKekFiles != null && !previousKekFiles.isEmpty()) {
                args.add("--glasskey.secrets.previous-kek-files=" + String.join(",", previousKekFiles.stream().map(Path::toString).toList()));
            }
            try (ConfigurableApplicationContext context = GlasskeyCommand.offlineContext(args.toArray(String[]::new))) {
                SecretsAtRest.Rewrapped done = context.getBean(SecretsAtRest.class).rewrap(Actor.CLI);
                System.out.println("Re-sealed " + done.resealed() + " secret(s) under key-encryption key " + done.kekId() + " ("
                        + done.kekSource() + ").");
                System.out.println(done.retiredKekIds().isEmpty() ? "No other key-encryption key sealed anything here."
                        : "Key-encryption key(s) " + String.join(", ", done.retiredKekIds()) + " open nothing in this database any more:"
                        + " remove them from the configuration (and destroy them once no backup you keep needs them).");
                return 0;
            } catch (RuntimeException e) {
                Integer refused = GlasskeyCommand.refusedStart(e);
                if (refused != null) {
                    return refused;
                }
                if (e instanceof GlasskeyCommand.DatabaseHeld) {
                    throw e;
                }
                System.err.println("rewrap failed, nothing was changed: " + (e instanceof GlasskeyException g ? g.detail() : GlasskeyCommand.describe(e)));
                return 1;
            }
        }
    }

    static void print(SigningKey.View k) {
        System.out.println(k.kid() + "  " + k.algorithm() + "  " + k.state() + "  signs from " + k.activatesAt()
                + (k.supersededAt() == null ? "" : "  superseded " + k.supersededAt())
                + (k.unpublishAt() == null ? "" : "  published until " + k.unpublishAt()));
    }
}
