package dev.glasskey.alert;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.glasskey.cli.GlasskeyCommand;
import dev.glasskey.testing.CommandOutput;
import dev.glasskey.testing.TempDirs;

/** {@link CheckpointCopyContract} on an H2 database of its own; the command line runs in this JVM (H2 shares the open database). */
class CheckpointCopyH2Test extends CheckpointCopyServer {
    static final int PORT = freePort();
    static final Path DATA_DIR = TempDirs.create("glasskey-copy-h2-");

    @DynamicPropertySource
    static void ownServer(DynamicPropertyRegistry registry) {
        listenOn(registry, PORT);
        registry.add("glasskey.data-dir", DATA_DIR::toString);
    }

    @Override
    public int port() {
        return PORT;
    }

    @Override
    public Path dataDir() {
        return DATA_DIR;
    }

    @Override
    public CommandOutput glasskey(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", DATA_DIR.toString(), "--quiet"));
        return CommandOutput.capture(() -> GlasskeyCommand.run(all.toArray(String[]::new)));
    }
}
