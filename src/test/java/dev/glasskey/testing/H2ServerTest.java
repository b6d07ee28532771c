package dev.glasskey.testing;


import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The running server on the embedded H2 database (file mode, in a fresh temporary data directory). */
public abstract class H2ServerTest extends ServerTest {
    static final int PORT = freePort();

    @DynamicPropertySource
    static void h2(DynamicPropertyRegistry registry) {
        String dataDir = TempDirs.create("glasskey-h2-").toString();
        listenOn(registry, PORT);
        registry.add("glasskey.data-dir", () -> dataDir);
    }

    @Override
    public int port() {
        return PORT;
    }
}
