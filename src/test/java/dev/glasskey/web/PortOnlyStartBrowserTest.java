package dev.glasskey.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import dev.glasskey.audit.AuditIntegrity;
import dev.glasskey.audit.PinnedKeys;
import dev.glasskey.testing.Browser;
import dev.glasskey.testing.Console;
import dev.glasskey.testing.ServerJvm;
import dev.glasskey.webauthn.FirstAdministrator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14: a server started with nothing but a port ({@code server.port=0}: any free port) names
 * that port in its first-administrator link and accepts the WebAuthn origin of that port — the
 * link opened in a real Chromium with a virtual security key enrols, and the key signs in. On the
 * same first start, the audit-signing key is pinned in {@code audit-trusted-keys.pem} (0600) and
 * its fingerprint printed.
 */
class PortOnlyStartBrowserTest {
    private static final Pattern LINK = Pattern.compile("http://localhost:(\\d+)/enrol/([A-Za-z0-9_-]+)");
    private static final Pattern FINGERPRINT = Pattern.compile("SHA-256 fingerprint:\\s+([0-9a-f]{2}(:[0-9a-f]{2}){31})");

    @Test
    void aServerGivenOnlyAPortLinksToThatPortAndEnrolmentThereWorksInARealBrowser(@TempDir Path dataDir) throws Exception {
        try (ServerJvm server = ServerJvm.start(List.of("-Xmx384m", "-XX:TieredStopAtLevel=1"),
                List.of("--server.port=0", "--glasskey.data-dir=" + dataDir), Path.of("target", "port-only-start.log"))) {
            Matcher link = server.awaitPrinted(LINK, Duration.ofMinutes(2));
            int port = Integer.parseInt(link.group(1));
            assertThat(port).isNotIn(0, 8080);

            Matcher fingerprint = server.awaitPrinted(FINGERPRINT, Duration.ofSeconds(10));
            Path pinnedFile = dataDir.resolve("audit-trusted-keys.pem");
            assertThat(server.output()).contains(pinnedFile.toString());
            PinnedKeys pinned = PinnedKeys.read(pinnedFile);
            assertThat(pinned.keys()).hasSize(1);
            assertThat(AuditIntegrity.fingerprint(pinned.keys().get(0))).isEqualTo(fingerprint.group(1));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pinnedFile))).isEqualTo("rw-------");

            try (Browser browser = Browser.start("http://localhost:" + port)) {
                Console console = new Console(browser, null);
                browser.insertOnly(browser.newKey("admin key"));
                browser.open(link.group());
                assertThat(browser.visible(By.id("account-name")).getText()).isEqualTo(FirstAdministrator.NAME);
                console.enrolOnThisPage();
                browser.open("/sign-in");
                console.signInOnThisPage();
                assertThat(browser.visible(By.id("me")).getText()).isEqualTo(FirstAdministrator.NAME);
            }
        }
    }
}
