package dev.glasskey.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.springframework.context.ConfigurableApplicationContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import dev.glasskey.mds.MdsService;
import dev.glasskey.mds.MdsSnapshot;
import dev.glasskey.mds.MdsStatus;
import dev.glasskey.system.Actor;

/** {@code glasskey mds load|status}: the FIDO Metadata Service BLOB, on the host (audited as the CLI; docs/OPERATIONS.md). */
@Command(mixinStandardHelpOptions = true, name = "mds", description = "Load the FIDO Metadata Service (MDS3) BLOB, or show the loaded one.",
        subcommands = {MdsCommand.Load.class, MdsCommand.Status.class})
class MdsCommand {

    @Command(mixinStandardHelpOptions = true, name = "load", description = "Verify an MDS3 BLOB (a JWT downloaded from the Metadata Service) and load it.")
    static class Load extends ClientCommand.DataDir implements Callable<Integer>, GlasskeyCommand.WhileServerRuns {
        @Override
        public String whileServerRuns() {
            return "use POST /api/mds on the running server, or the console's FIDO metadata upload (docs/API.md), or stop it first";
        }

        @Parameters(index = "0", paramLabel = "FILE", description = "The BLOB as downloaded.")
        Path file;

        @Option(names = "--crl", paramLabel = "FILE", description = "A CRL of the BLOB's certificate chain, PEM or DER (repeatable); "
                + "needed where the host cannot fetch them itself.")
        List<Path> crls = new ArrayList<>();

        @Override
        public Integer call() {
            return ClientCommand.run(() -> {
                byte[] blob = read(file);
                List<byte[]> crlFiles = crls.stream().map(MdsCommand::read).toList();
                try (ConfigurableApplicationContext context = context()) {
                    MdsService.Loaded loaded = context.getBean(MdsService.class).load(Actor.CLI, "cli", blob, crlFiles);
                    System.out.println("loaded BLOB no. " + loaded.snapshot().serial() + " (was "
                            + (loaded.previousSerial() == 0 ? "none" : "no. " + loaded.previousSerial()) + "), nextUpdate "
                            + loaded.snapshot().nextUpdate() + ", " + loaded.snapshot().models().size() + " models");
                    loaded.newlyCompromised().values().forEach(c -> System.out.println("now in the deny set: " + c.describe()));
                    loaded.warnings().forEach(w -> System.out.println("warning: " + w));
                }
            });
        }
    }

    @Command(mixinStandardHelpOptions = true, name = "status", description = "Show the loaded BLOB: serial, nextUpdate, and models in the deny set.")
    static class Status extends ClientCommand.DataDir implements Callable<Integer>, GlasskeyCommand.WhileServerRuns {
        @Override
        public String whileServerRuns() {
            return "use GET /api/mds on the running server (docs/API.md), or stop it first";
        }

        @Override
        public Integer call() {
            return ClientCommand.run(() -> {
                try (ConfigurableApplicationContext context = context()) {
                    MdsStatus s = context.getBean(MdsService.class).status();
                    MdsSnapshot snap = s.snapshot();
                    if (!snap.loaded()) {
                        System.out.println("no BLOB loaded");
                        return;
                    }
                    System.out.println("BLOB no. " + snap.serial() + ", nextUpdate " + snap.nextUpdate() + " (" + s.freshness().name().toLowerCase()
                            + "), " + snap.models().size() + " models, loaded " + snap.loadedAt() + " by " + snap.loadedBy() + " from " + snap.source());
                    s.compromised().values().forEach(c -> System.out.println("in the deny set: " + c.describe()));
                }
            });
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
