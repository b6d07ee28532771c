package dev.glasskey.alert;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.glasskey.audit.AuditIntegrity;
import dev.glasskey.cli.GlasskeyCommand;
import dev.glasskey.testing.CommandOutput;
import dev.glasskey.testing.ServerTest;
import dev.glasskey.testing.TempDirs;

/** {@link CheckpointCopyContract} on an H2 database of its own; the command line runs in this JVM (H2 shares the open database). */
@DirtiesContext
class CheckpointCopyH2Test extends ServerTest implements CheckpointCopyContract {
    static final int PORT = freePort();
    static final Path DATA_DIR = TempDirs.create("glasskey-copy-h2-");

    @DynamicPropertySource
    static void ownServer(DynamicPropertyRegistry registry) {
        listenOn(registry, PORT);
        registry.add("glasskey.data-dir", DATA_DIR::toString);
    }

    @Autowired
    AlertDelivery alertDelivery;
    @Autowired
    AuditIntegrity integrity;

    @Override
    public int port() {
        return PORT;
    }

    @Override
    public AlertDelivery alertDelivery() {
        return alertDelivery;
    }

    @Override
    public AuditIntegrity integrity() {
        return integrity;
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
