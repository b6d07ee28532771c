package dev.glasskey.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import dev.glasskey.testing.Browser;
import dev.glasskey.testing.BrowserServerTest;
import dev.glasskey.testing.Console;

/**
 * A console browser test class: one Chromium for the class, signed in as an administrator of the
 * class's own ({@link #administrator()}), its screenshot and HTML kept when a test fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SignedInConsoleTest extends BrowserServerTest {
    Browser admin;
    Console console;

    /** The display name of the class's administrator (unique among the browser test classes, which share a database). */
    abstract String administrator();

    @RegisterExtension
    final TestWatcher saveOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (admin != null) {
                try {
                    admin.saveArtifacts(SignedInConsoleTest.this.getClass().getSimpleName() + "-failed-" + context.getRequiredTestMethod().getName());
                } catch (RuntimeException e) {
                    cause.addSuppressed(e);
                }
            }
        }
    };

    @BeforeAll
    void signIn() {
        admin = Browser.start(baseUrl());
        console = new Console(admin, accounts);
        signInNewAdministrator(console, administrator());
    }

    @AfterAll
    void stopBrowser() {
        if (admin != null) {
            admin.close();
        }
    }

    /** The detail of the newest audit entry of {@code action}. */
    String lastAudit(String action) {
        return jdbc.sql("select detail from audit_event where action = :a order by seq desc").param("a", action)
                .query(String.class).list().get(0);
    }
}
