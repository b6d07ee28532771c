package dev.glasskey.testing;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * A running server on an H2 database of its own, for tests that judge global state (readiness,
 * the lockout guard) and so need to start each test from a known, empty inventory. Classes
 * extending this share one context among themselves, not with {@link H2ServerTest}. It pins the
 * test FIDO MDS root and fetches metadata from the shared {@link MdsFeed} ({@link MdsBlobs#register}).
 */
@TestPropertySource(properties = "glasskey.rp-name=Glasskey isolated")
public abstract class IsolatedH2ServerTest extends ServerTest {
    static final int PORT = freePort();

    @DynamicPropertySource
    static void isolatedH2(DynamicPropertyRegistry registry) {
        String dataDir = TempDirs.create("glasskey-isolated-h2-").toString();
        listenOn(registry, PORT);
        registry.add("glasskey.data-dir", () -> dataDir);
        MdsBlobs.register(registry);
    }

    @Override
    public int port() {
        return PORT;
    }
}
