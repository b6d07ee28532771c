package dev.glasskey.secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

import dev.glasskey.system.Sealing;
import dev.glasskey.testing.H2ServerTest;

class SecretsAtRestH2Test extends H2ServerTest implements SecretsAtRestContract {
    @Autowired
    Sealing sealing;
    @Value("${glasskey.data-dir}")
    Path dataDir;

    @Override
    public Sealing sealing() {
        return sealing;
    }

    /** The database file as it is on disk (every commit is written at once: WRITE_DELAY=0). */
    @Override
    public byte[] storedBytes() {
        try {
            return Files.readAllBytes(dataDir.resolve("glasskey.mv.db"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
