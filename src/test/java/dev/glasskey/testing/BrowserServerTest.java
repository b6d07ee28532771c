package dev.glasskey.testing;


import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.glasskey.webauthn.EnrolmentLink;
import dev.glasskey.webauthn.FirstAdministrator;

/**
 * The running server for real-browser tests: H2 in its own fresh data directory and its own
 * Spring context (the extra {@code glasskey.rp-name} keeps it out of {@link H2ServerTest}'s
 * cached context), so the database starts empty and {@link FirstAdministrator} issues a
 * first-start link when the server starts, exactly as an operator would see it.
 *
 * <p>All classes extending this share one context (Spring's context cache): only the first
 * of them finds the first-start link unused.
 */
@TestPropertySource(properties = "glasskey.rp-name=Glasskey browser test")
public abstract class BrowserServerTest extends ServerTest {
    static final int PORT = freePort();

    @Autowired
    protected FirstAdministrator firstAdministrator;

    @DynamicPropertySource
    static void browserServer(DynamicPropertyRegistry registry) {
        String dataDir = TempDirs.create("glasskey-browser-h2-").toString();
        registry.add("server.port", () -> PORT);
        // "localhost" is a secure context, so the browser offers WebAuthn over plain HTTP.
        registry.add("glasskey.base-url", () -> "http://localhost:" + PORT);
        registry.add("glasskey.data-dir", () -> dataDir);
    }

    /** The single-use link FirstAdministrator issued when this server started. */
    protected EnrolmentLink firstStartLink() {
        return firstAdministrator.lastLink().orElseThrow(() -> new IllegalStateException(
                "FirstAdministrator issued no first-start link: the browser test database was not empty at start"));
    }

    @Override
    public int port() {
        return PORT;
    }
}
