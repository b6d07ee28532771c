package dev.glasskey.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.springframework.context.ConfigurableApplicationContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.glasskey.audit.AuditCheckpoint;
import dev.glasskey.audit.AuditIntegrity;
import dev.glasskey.audit.AuditKeyRotation;
import dev.glasskey.audit.AuditTrustAnchor;
import dev.glasskey.audit.AuditVerification;
import dev.glasskey.audit.ChainVerifier;
import dev.glasskey.audit.ExternalCheckpoints;
import dev.glasskey.audit.PinnedKeys;
import dev.glasskey.system.Actor;

/**
 * {@code glasskey audit verify}, {@code glasskey audit export} and {@code glasskey audit rotate-key}.
 * Exit codes (docs/OPERATIONS.md): 0 verified (or exported, rotated), 1 the log is broken (the
 * first broken entry is named), 2 usage error, 3 the source cannot be read (database in use by a
 * running server, unreachable, file missing or not an export, unreadable pinned keys or
 * checkpoint copy), 4 untrusted: the chain holds together but a checkpoint verifies only with a
 * key that is not pinned.
 */
@Command(mixinStandardHelpOptions = true, name = "audit", description = "Verify or export the audit log, or rotate its signing key.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class, AuditCommand.RotateKey.class})
class AuditCommand {
    static final int VERIFIED = 0;
    static final int BROKEN = 1;
    static final int UNREADABLE = 3;
    static final int UNTRUSTED = 4;
    /** Progress is printed every this many entries. */
    static final long PROGRESS_EVERY = 100_000;

    @Command(mixinStandardHelpOptions = true, name = "verify", description = "Check the hash chain and the signed checkpoints, from the database or from an export, "
            + "trusting only pinned keys.")
    static class Verify implements Callable<Integer>, GlasskeyCommand.WhileServerRuns {
        @Override
        public String whileServerRuns() {
            return "use GET /api/audit/verify on the running server (docs/API.md), or stop it first;"
                    + " 'glasskey audit verify --file' checks an export without the database";
        }

        @Option(names = "--file", description = "Verify this export (JSON Lines) instead of the database; needs no database.")
        Path file;

        @Option(names = "--trusted-key", description = "PEM file of pinned audit-signing public keys (repeatable); instead of "
                + "glasskey.audit.trusted-keys. Checkpoints must verify with one of them.")
        List<Path> trustedKeys = List.of();

        @Option(names = "--checkpoints", description = "A copy of the published checkpoints kept outside the database (JSON Lines, "
                + "as received from a channel that receives checkpoints): the chain must match each one.")
        Path checkpoints;

        @Option(names = "--data-dir", description = "Data directory of the embedded database (default: as the server).")
        String dataDir;

        @Option(names = "--quiet", description = "No progress on standard error.")
        boolean quiet;

        @Option(names = "--progress-every", description = "Print progress every N entries (default ${DEFAULT-VALUE}).")
        long progressEvery = PROGRESS_EVERY;

        @Override
        public Integer call() {
            long started = System.nanoTime();
            ChainVerifier.Progress progress = quiet ? n -> { } : n -> System.err.printf("verified %,d entries (%,.0f entries/s)%n", n,
                    n / Math.max(1e-9, (System.nanoTime() - started) / 1e9));
            PinnedKeys pinned = null;
            if (!trustedKeys.isEmpty()) {
                try {
                    pinned = PinnedKeys.read(trustedKeys);
                } catch (IOException | IllegalArgumentException e) {
                    System.err.println("Cannot read the trusted keys " + trustedKeys + ": " + e.getMessage());
                    return UNREADABLE;
                }
            }
            List<AuditCheckpoint> external = List.of();
            if (checkpoints != null) {
                try {
                    external = ExternalCheckpoints.read(checkpoints);
                } catch (NoSuchFileException e) {
                    System.err.println("No such file: " + checkpoints);
                    return UNREADABLE;
                } catch (IOException | UncheckedIOException e) {
                    System.err.println("Cannot read " + checkpoints + ": " + e.getMessage());
                    return UNREADABLE;
                } catch (AuditIntegrity.ExportFormatException e) {
                    System.err.println(checkpoints + " is not a file of checkpoints: " + e.getMessage());
                    return UNREADABLE;
                }
                if (external.isEmpty()) {
                    System.err.println(checkpoints + " holds no checkpoint (no line with a 'checkpoint' member).");
                    return UNREADABLE;
                }
            }
            AuditVerification result;
            List<String> fingerprints = new ArrayList<>();
            if (file != null) {
                if (pinned == null) {
                    pinned = configuredPinnedKeys(dataDir);
                }
                try {
                    result = AuditIntegrity.verifyExport(file, pinned, external, fingerprints, progress, progressEvery);
                } catch (NoSuchFileException e) {
                    System.err.println("No such file: " + file);
                    return UNREADABLE;
                } catch (IOException | UncheckedIOException e) {
                    System.err.println("Cannot read " + file + ": " + e.getMessage());
                    return UNREADABLE;
                } catch (AuditIntegrity.ExportFormatException e) {
                    System.err.println(file + " is not a Glasskey audit export: " + e.getMessage());
                    return UNREADABLE;
                }
            } else {
                try (ConfigurableApplicationContext context = context(dataDir)) {
                    AuditIntegrity integrity = context.getBean(AuditIntegrity.class);
                    if (pinned == null) {
                        pinned = integrity.pinned();
                    }
                    result = integrity.verifyDatabase(pinned, external, progress, progressEvery);
                } catch (RuntimeException e) {
                    return unreadable(e);
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.println("trusting " + pinned.keys().size() + " pinned key(s) from " + pinned.describe()
                    + (pinned.keys().isEmpty() ? "" : ": " + String.join(", ", pinned.fingerprints())));
            for (String f : fingerprints) {
                System.out.println("checkpoint key " + f + " (named by the file)");
            }
            if (result.intact()) {
                System.out.printf("audit log intact: %,d entries, %,d signed checkpoints verified%s%s (%.1f s)%n", result.entries(),
                        result.checkpoints(), checkpoints == null ? "" : String.format(", %,d external checkpoints matched", result.externalCheckpoints()),
                        result.lastCheckpointSeq() == null ? "" : ", newest at entry " + result.lastCheckpointSeq(), seconds);
                return VERIFIED;
            }
            if (result.untrusted()) {
                System.out.printf("audit log UNTRUSTED: %s%n", result.problem());
                System.out.println("The chain holds together, but whoever holds those keys could have rewritten it and signed it again."
                        + " If the key was rotated, pin it (docs/OPERATIONS.md, 'Verifying the audit log'); otherwise treat the log as tampered with.");
                return UNTRUSTED;
            }
            System.out.printf("audit log BROKEN at entry %d: %s%n", result.firstBrokenSeq(), result.problem());
            return BROKEN;
        }
    }

    /**
     * {@code glasskey.audit.trusted-keys} as the server would resolve it (configuration files,
     * environment, {@code --data-dir}), read without opening the database.
     */
    private static PinnedKeys configuredPinnedKeys(String dataDir) {
        String configured = GlasskeyCommand.offlineEnvironment(dataDir == null ? new String[0] : new String[] {"--glasskey.data-dir=" + dataDir})
                .getProperty(AuditTrustAnchor.PROPERTY);
        return PinnedKeys.readOrNone(Path.of(configured));
    }

    @Command(mixinStandardHelpOptions = true, name = "rotate-key", description = "Retire the audit-signing key, make a new one and pin it in glasskey.audit.trusted-keys.")
    static class RotateKey extends ClientCommand.DataDir implements Callable<Integer>, GlasskeyCommand.WhileServerRuns {
        @Override
        public String whileServerRuns() {
            return "stop the server, run 'glasskey audit rotate-key', copy the pinned keys file to every node, then start it"
                    + " (there is no API for this)";
        }

        @Override
        public Integer call() {
            try (ConfigurableApplicationContext context = context()) {
                AuditKeyRotation.Rotation r = context.getBean(AuditKeyRotation.class).rotate(Actor.CLI);
                System.out.println("Audit-signing key " + r.retiredKeyId() + " retired; new key " + r.keyId() + " pinned in " + r.file());
                System.out.println("SHA-256 fingerprint: " + r.fingerprint());
                System.out.println("Copy " + r.file() + " to every other node and to your offline copy (docs/OPERATIONS.md).");
                return VERIFIED;
            } catch (RuntimeException e) {
                return unreadable(e);
            }
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "export", description = "Write the audit log, its signed checkpoints and the public keys as JSON Lines.")
    static class Export implements Callable<Integer>, GlasskeyCommand.WhileServerRuns {
        @Override
        public String whileServerRuns() {
            return "stop the server, export, then start it again (there is no export API; GET /api/audit/verify checks the log"
                    + " on the running server, GET /api/audit shows its latest entries)";
        }

        @Option(names = {"--output", "-o"}, description = "File to write (default: standard output).")
        Path output;

        @Option(names = "--data-dir", description = "Data directory of the embedded database (default: as the server).")
        String dataDir;

        @Override
        public Integer call() {
            // Standard output carries the export: keep log lines off it.
            String[] quiet = output == null ? new String[] {"--logging.level.root=off"} : new String[0];
            try (ConfigurableApplicationContext context = context(dataDir, quiet)) {
                AuditIntegrity integrity = context.getBean(AuditIntegrity.class);
                long n;
                try (Writer out = output == null ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16)
                        : Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                    n = integrity.export(out, e -> System.err.printf("exported %,d entries%n", e), PROGRESS_EVERY);
                }
                System.err.printf("exported %,d entries%s%n", n, output == null ? "" : " to " + output);
                return VERIFIED;
            } catch (IOException | UncheckedIOException e) {
                System.err.println("Cannot write " + output + ": " + e.getMessage());
                return UNREADABLE;
            } catch (RuntimeException e) {
                return unreadable(e);
            }
        }
    }

    private static ConfigurableApplicationContext context(String dataDir, String... more) {
        List<String> args = new ArrayList<>(List.of(more));
        args.add("--" + AuditTrustAnchor.PIN_ON_START + "=false");
        if (dataDir != null) {
            args.add("--glasskey.data-dir=" + dataDir);
        }
        return GlasskeyCommand.offlineContext(args.toArray(String[]::new));
    }

    /** A failure to read the log: exit code 3. The embedded database held by a server is said as every command says it. */
    private static int unreadable(RuntimeException e) {
        if (e instanceof GlasskeyCommand.DatabaseHeld) {
            throw e;
        }
        Integer refused = GlasskeyCommand.refusedStart(e);
        if (refused != null) {
            return refused;
        }
        System.err.println("Cannot read the audit log: " + GlasskeyCommand.rootMessage(e));
        return UNREADABLE;
    }
}
