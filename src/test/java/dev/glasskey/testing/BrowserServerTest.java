package dev.glasskey.testing;

import java.util.Set;

import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.glasskey.account.Account;
import dev.glasskey.account.Roles;
import dev.glasskey.system.Actor;
import dev.glasskey.webauthn.Enrolment;
import dev.glasskey.webauthn.EnrolmentLink;
import dev.glasskey.webauthn.FirstAdministrator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The running server for real-browser tests: H2 in its own fresh data directory and its own
 * Spring context (the extra {@code glasskey.rp-name} keeps it out of {@link H2ServerTest}'s
 * cached context), so the database starts empty and {@link FirstAdministrator} issues a
 * first-start link when the server starts, exactly as an operator would see it.
 *
 * <p>All classes extending this share one context (Spring's context cache): only the first
 * of them finds the first-start link unused; any other class gets its own administrator with
 * {@link #signInNewAdministrator}, so no class depends on the order they run in.
 */
@TestPropertySource(properties = "glasskey.rp-name=Glasskey browser test")
public abstract class BrowserServerTest extends ServerTest {
    static final int PORT = freePort();

    @Autowired
    protected FirstAdministrator firstAdministrator;

    @DynamicPropertySource
    static void browserServer(DynamicPropertyRegistry registry) {
        String dataDir = TempDirs.create("glasskey-browser-h2-").toString();
        // "localhost" is a secure context, so the browser offers WebAuthn over plain HTTP.
        listenOn(registry, PORT);
        registry.add("glasskey.data-dir", () -> dataDir);
    }

    /** The single-use link FirstAdministrator issued when this server started. */
    protected EnrolmentLink firstStartLink() {
        return firstAdministrator.lastLink().orElseThrow(() -> new IllegalStateException(
                "FirstAdministrator issued no first-start link: the browser test database was not empty at start"));
    }

    /**
     * A new administrator of its own (not the first-start one), enrolled in the browser through a
     * single-use administrator link with a new virtual key (added to the inventory from its
     * attestation, as at first start), and signed in there without a user name. Returns the key,
     * left plugged in as the only one.
     */
    protected Browser.Key signInNewAdministrator(Console console, String name) {
        Account admin = accounts.create(Actor.SYSTEM, name, false, Set.of(Roles.GLOBAL_ADMIN));
        EnrolmentLink link = enrolments.issueAdministratorLink(Actor.SYSTEM, admin.id(), Enrolment.FIRST_ADMIN);
        Browser browser = console.browser();
        Browser.Key key = browser.insertOnly(browser.newKey(name + " key"));
        browser.open(link.url());
        assertThat(browser.visible(By.id("account-name")).getText()).isEqualTo(name);
        console.enrolOnThisPage();
        browser.open("/sign-in");
        console.signInOnThisPage();
        assertThat(browser.visible(By.id("me")).getText()).isEqualTo(name);
        assertThat(console.session().path("accountId").asString()).isEqualTo(admin.id());
        return key;
    }

    @Override
    public int port() {
        return PORT;
    }
}
