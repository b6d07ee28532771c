package dev.glasskey.web;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.glasskey.testing.Accessibility;
import dev.glasskey.testing.Browser;
import dev.glasskey.testing.Console;
import dev.glasskey.testing.QrImages;
import dev.glasskey.testing.ServerTest;
import dev.glasskey.testing.TempDirs;
import dev.glasskey.webauthn.FirstAdministrator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's "Five minutes" walkthrough played in a real Chromium on a server of its own (an
 * empty H2 database: readiness judges the whole organisation), following the first-run
 * checklist to a green readiness: first administrator through the first-start link, two keys in
 * two places, three emergency accounts, every pair enrolled from each key's printable custodian
 * sheet (its QR codes decode to its links; printed, the console's navigation disappears), a
 * webhook channel with a delivered test alert, and a drill of every pair, which closes itself.
 * The screenshots in docs/images (checklist, matrix, readiness, custodian sheet) are taken here,
 * so they never go stale; they are written there only when asked ({@link Browser#SCREENSHOTS}).
 */
@TestPropertySource(properties = "glasskey.rp-name=Glasskey walkthrough")
class ReadmeWalkthroughBrowserTest extends ServerTest {
    static final int PORT = freePort();
    static final List<String> ACCOUNTS = List.of("Break-glass 1", "Break-glass 2", "Break-glass 3");

    @DynamicPropertySource
    static void walkthroughServer(DynamicPropertyRegistry registry) {
        String dataDir = TempDirs.create("glasskey-walkthrough-h2-").toString();
        listenOn(registry, PORT);
        registry.add("glasskey.data-dir", () -> dataDir);
    }

    @Override
    public int port() {
        return PORT;
    }

    @Autowired
    FirstAdministrator firstAdministrator;

    Browser browser;

    @RegisterExtension
    final TestWatcher saveOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                try {
                    browser.saveArtifacts("walkthrough-failed");
                } catch (RuntimeException e) {
                    cause.addSuppressed(e);
                }
            }
        }
    };

    @Test
    void theReadmeWalkthroughEndsOnAGreenReadiness() throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try (Browser b = Browser.start(baseUrl())) {
            browser = b;
            walk(new Console(b, accounts), "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
        } finally {
            browser = null;
            receiver.stop(0);
        }
    }

    void walk(Console console, String hook) throws Exception {
        // 1–3: the first-start link, enrol the administrator's key, sign in without a user name.
        Browser.Key adminKey = browser.insertOnly(browser.newKey("administrator's key"));
        browser.open(firstAdministrator.lastLink().orElseThrow().url());
        assertThat(browser.visible(By.id("account-name")).getText()).isEqualTo(FirstAdministrator.NAME);
        console.enrolOnThisPage();
        browser.open("/sign-in");
        console.signInOnThisPage();
        assertThat(browser.visible(By.id("readiness-banner")).getAttribute("class")).contains("fail");

        // The console points to the checklist; its next step is the keys.
        browser.click(By.id("checklist-link"));
        assertThat(step("administrator").getAttribute("data-done")).isEqualTo("true");
        assertThat(step("keys").getAttribute("class")).contains("next");
        Accessibility.assertNoSeriousViolations(browser, "first-run checklist");

        // 4: keys in two places, three emergency accounts.
        browser.open("/admin");
        console.addKey("Key A", "Vault North, HQ", "Carol Custodian");
        console.addKey("Key B", "Vault South, DR site", "Dave Custodian");
        for (String name : ACCOUNTS) {
            console.createEmergencyAccount(name);
        }
        browser.open("/admin/start");
        assertThat(step("keys").getAttribute("data-done")).isEqualTo("true");
        assertThat(step("accounts").getAttribute("data-done")).isEqualTo("true");
        assertThat(step("enrolled").getAttribute("class")).contains("next");

        // Every pair, key by key, from the custodian's sheet.
        Map<String, Browser.Key> keys = new LinkedHashMap<>();
        keys.put("Key A", browser.newKey("Key A"));
        keys.put("Key B", browser.newKey("Key B"));
        for (var key : keys.entrySet()) {
            browser.open("/admin/matrix");
            WebElement issue = browser.visible(By.xpath("//button[text()='Issue missing links and print sheet for " + key.getKey() + "']"));
            browser.submit(issue.findElement(By.xpath("./ancestor::form")));
            assertThat(browser.visible(By.id("sheet-key")).getText()).isEqualTo(key.getKey());
            List<WebElement> entries = browser.driver().findElements(By.cssSelector(".sheet-entry"));
            assertThat(entries).hasSize(3);
            Map<String, String> links = new LinkedHashMap<>();
            for (WebElement entry : entries) {
                String link = entry.findElement(By.cssSelector(".sheet-link")).getText().trim();
                assertThat(link).startsWith(baseUrl() + "/enrol/");
                assertThat(QrImages.decode(entry.findElement(By.tagName("img")).getAttribute("src"))).as("the QR code is the link").isEqualTo(link);
                links.put(entry.findElement(By.tagName("h2")).getText(), link);
            }
            assertThat(links.keySet()).containsExactlyInAnyOrderElementsOf(ACCOUNTS);
            Accessibility.assertNoSeriousViolations(browser, "custodian sheet");
            if (key.getKey().equals("Key A")) {
                browser.docsScreenshot("custodian-sheet.png");
                // Printed: no navigation, no buttons, every entry.
                browser.driver().executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", "print"));
                assertThat(browser.driver().findElement(By.cssSelector("header")).isDisplayed()).isFalse();
                assertThat(browser.driver().findElement(By.id("print")).isDisplayed()).isFalse();
                assertThat(browser.driver().findElements(By.cssSelector(".sheet-entry")).stream().allMatch(WebElement::isDisplayed)).isTrue();
                browser.driver().executeCdpCommand("Emulation.setEmulatedMedia", Map.of("media", ""));
            }
            browser.insertOnly(key.getValue());
            for (var link : links.entrySet()) {
                console.enrolThroughLink(link.getValue(), link.getKey(), key.getKey());
            }
        }
        browser.insertOnly(adminKey);
        browser.open("/admin/matrix");
        assertThat(browser.visible(By.id("matrix-summary")).getText()).startsWith("0 missing enrolment(s)");
        browser.open("/admin/start");
        assertThat(step("enrolled").getAttribute("data-done")).isEqualTo("true");
        assertThat(step("alerting").getAttribute("class")).contains("next");

        // An alert channel with a delivered test alert.
        browser.open("/admin/alerts");
        WebElement channel = browser.visible(By.id("new-channel"));
        browser.fill(channel, "name", "Security team");
        browser.fill(channel, "url", hook);
        browser.submit(channel);
        console.assertMessage("Channel 'Security team' added.");
        browser.submit(browser.visible(By.xpath("//tr[td[1][text()='Security team']]//button[text()='Send test alert']/ancestor::form")));
        console.assertMessage("delivered.");
        browser.open("/admin/start");
        assertThat(step("alerting").getAttribute("data-done")).isEqualTo("true");
        assertThat(step("drill").getAttribute("class")).contains("next");

        // A first drill of every pair: each custodian signs in with the key on each account.
        browser.open("/admin/readiness");
        WebElement start = browser.visible(By.id("start-drill"));
        browser.fill(start, "reason", "first drill");
        browser.submit(start);
        String drill = browser.visible(By.id("drill-link")).getText().trim();
        for (var key : keys.entrySet()) {
            browser.insertOnly(key.getValue());
            for (String name : ACCOUNTS) {
                key.getValue().offerOnly(console.account(name).userHandle());
                browser.open(drill);
                browser.click(By.id("drill"));
                WebElement status = browser.waitUntil(d -> {
                    WebElement s = d.findElement(By.id("status"));
                    return s.isDisplayed() && !s.getText().isEmpty() ? s : null;
                });
                assertThat(status.getText()).isEqualTo("Drill passed: '" + name + "' on key '" + key.getKey() + "'.");
                key.getValue().offerAll();
            }
        }
        browser.insertOnly(adminKey);

        // Green.
        browser.open("/admin/readiness");
        List<String> notPassing = new ArrayList<>();
        for (WebElement row : browser.driver().findElements(By.cssSelector("#checks tr[data-check]"))) {
            if (!row.findElement(By.cssSelector(".verdict")).getText().equals("pass")) {
                notPassing.add(row.getText());
            }
        }
        assertThat(notPassing).as("readiness checks not passing").isEmpty();
        assertThat(browser.visible(By.id("readiness-status")).getText()).isEqualTo("pass");
        assertThat(browser.driver().findElement(By.cssSelector("#drills tr[data-drill-id] .drill-closed")).getText())
                .as("the drill closed itself once every pair passed").isEqualTo("closed");
        browser.docsScreenshot("readiness.png");
        browser.open("/admin/matrix");
        assertThat(browser.driver().findElements(By.cssSelector("#matrix td[data-state]")))
                .hasSize(6).allMatch(c -> "ready".equals(c.getAttribute("data-state")));
        browser.docsScreenshot("matrix.png");
        browser.open("/admin/start");
        assertThat(browser.driver().findElements(By.cssSelector("#checklist li")))
                .allMatch(li -> "true".equals(li.getAttribute("data-done")));
        assertThat(browser.visible(By.id("readiness-status")).getText()).isEqualTo("pass");
        browser.docsScreenshot("checklist.png");
    }

    WebElement step(String id) {
        return browser.visible(By.cssSelector("#checklist li[data-step='" + id + "']"));
    }
}
