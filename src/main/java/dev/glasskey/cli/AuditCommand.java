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
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.springframework.context.ConfigurableApplicationContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.glasskey.audit.AuditIntegrity;
import dev.glasskey.audit.AuditVerification;
import dev.glasskey.audit.ChainVerifier;
import dev.glasskey.system.ServerKeys;

/**
 * {@code glasskey audit verify} and {@code glasskey audit export}. Exit codes (docs/OPERATIONS.md):
 * 0 verified (or exported), 1 the log is broken (the first broken entry is named), 2 usage
 * error, 3 the source cannot be read (database in use by a running server, unreachable, file
 * missing or not an export).
 */
@Command(name = "audit", description = "Verify or export the audit log.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class})
class AuditCommand {
    static final int VERIFIED = 0;
    static final int BROKEN = 1;
    static final int UNREADABLE = 3;
    /** Progress is printed every this many entries. */
    static final long PROGRESS_EVERY = 100_000;

    @Command(name = "verify", description = "Check the hash chain and the signed checkpoints, from the database or from an export.")
    static class Verify implements Callable<Integer> {
        @Option(names = "--file", description = "Verify this export (JSON Lines) instead of the database; needs no database.")
        Path file;

        @Option(names = "--trusted-key", description = "PEM file with the server's audit-signing public key: checkpoints in --file must verify with it.")
        Path trustedKey;

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
            AuditVerification result;
            List<String> fingerprints = new ArrayList<>();
            if (file != null) {
                PublicKey trusted;
                try {
                    trusted = trustedKey == null ? null : ServerKeys.decodePublic(Files.readString(trustedKey));
                } catch (IOException | IllegalArgumentException e) {
                    System.err.println("Cannot read the trusted key " + trustedKey + ": " + e.getMessage());
                    return UNREADABLE;
                }
                try {
                    result = AuditIntegrity.verifyExport(file, trusted, fingerprints, progress, progressEvery);
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
                    result = context.getBean(AuditIntegrity.class).verifyDatabase(progress, progressEvery);
                } catch (RuntimeException e) {
                    return unreadable(e);
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            for (String f : fingerprints) {
                System.out.println("checkpoint key " + f + (trustedKey == null ? " (taken from the file: compare out of band, or pass --trusted-key)" : ""));
            }
            if (result.intact()) {
                System.out.printf("audit log intact: %,d entries, %,d signed checkpoints verified%s (%.1f s)%n", result.entries(),
                        result.checkpoints(), result.lastCheckpointSeq() == null ? "" : ", newest at entry " + result.lastCheckpointSeq(), seconds);
                return VERIFIED;
            }
            System.out.printf("audit log BROKEN at entry %d: %s%n", result.firstBrokenSeq(), result.problem());
            return BROKEN;
        }
    }

    @Command(name = "export", description = "Write the audit log, its signed checkpoints and the public keys as JSON Lines.")
    static class Export implements Callable<Integer> {
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
        if (dataDir != null) {
            args.add("--glasskey.data-dir=" + dataDir);
        }
        return GlasskeyCommand.offlineContext(args.toArray(String[]::new));
    }

    private static int unreadable(RuntimeException e) {
        if (BootstrapCommand.isDatabaseLocked(e)) {
            System.err.println("The database is in use by a running Glasskey server. With the embedded database only one "
                    + "process may open it: use GET /api/audit/verify on the running server, or stop it first.");
        } else {
            System.err.println("Cannot read the audit log: " + rootMessage(e));
        }
        return UNREADABLE;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage()).lines().findFirst().orElse("");
    }
}
