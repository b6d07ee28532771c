package dev.glasskey.web;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;

import tools.jackson.databind.JsonNode;

import dev.glasskey.key.KeyService;
import dev.glasskey.key.SecurityKey;
import dev.glasskey.testing.Browser;
import dev.glasskey.testing.BrowserServerTest;
import dev.glasskey.testing.Console;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The emergency matrix page and a drill in a real Chromium with virtual security keys. An
 * administrator of its own (so the class runs before or after {@link BrowserFlowTest}) builds
 * two emergency accounts and two inventory keys in two locations through the console, enrols
 * both accounts on key A and only account One on key B; the matrix shows the three enrolled
 * pairs as never drilled and the fourth as missing, under their keys' locations and
 * custodians. A drill started on the readiness page is run by the custodian in another browser
 * (another computer, no session) with key A, choosing account Two on it: the drill passes,
 * opens no session there, and the matrix then shows (Two, key A) ready, drilled today.
 *
 * <p>The database is shared with the other browser tests, so every check names its own rows
 * and columns. The matrix screenshot is kept at {@code target/artifacts/matrix.png}; after a
 * failure both browsers' pages are saved to target/browser-artifacts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmergencyMatrixBrowserTest extends BrowserServerTest {
    static final String ADMIN = "Matrix test admin";
    static final String ONE = "Break-glass One";
    static final String TWO = "Break-glass Two";
    static final String KEY_A = "Drill key A";
    static final String KEY_B = "Drill key B";
    static final String LOCATION_A = "Vault North, HQ";
    static final String LOCATION_B = "Vault South, DR site";
    static final String CUSTODIAN_A = "Carol Custodian";
    static final String CUSTODIAN_B = "Dave Custodian";
    static final Path MATRIX_PNG = Path.of("target", "artifacts", "matrix.png");

    @Autowired
    KeyService keys;

    Browser admin;
    Console console;
    /** The custodian's computer: a second browser with its own profile, never signed in. */
    Browser custodian;
    Browser.Key keyA;
    Browser.Key keyB;

    @RegisterExtension
    final TestWatcher saveOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            save(admin, "matrix-failed-admin", cause);
            save(custodian, "matrix-failed-custodian", cause);
        }

        private void save(Browser browser, String name, Throwable cause) {
            if (browser != null) {
                try {
                    browser.saveArtifacts(name);
                } catch (RuntimeException e) {
                    cause.addSuppressed(e);
                }
            }
        }
    };

    @BeforeAll
    void startBrowser() {
        admin = Browser.start(baseUrl());
        console = new Console(admin, accounts);
    }

    @AfterAll
    void stopBrowsers() {
        try {
            if (custodian != null) {
                custodian.close();
            }
        } finally {
            if (admin != null) {
                admin.close();
            }
        }
    }

    @Test
    void matrixShowsEveryPairAndADrillMakesThePairItValidatedReadyWithoutOpeningASession() throws IOException {
        signInNewAdministrator(console, ADMIN);
        enrolBothAccountsOnKeyAAndOneOnKeyB();
        String one = console.account(ONE).id();
        String two = console.account(TWO).id();
        String a = keyId(KEY_A);
        String b = keyId(KEY_B);

        // The matrix before any drill: enrolled pairs never drilled, the pair not enrolled missing,
        // each key's column under its location and custodian.
        admin.open("/admin/matrix");
        assertThat(column(a)).isEqualTo(new Column(KEY_A, LOCATION_A, CUSTODIAN_A));
        assertThat(column(b)).isEqualTo(new Column(KEY_B, LOCATION_B, CUSTODIAN_B));
        assertCell(one, a, "undrilled", "never drilled");
        assertCell(two, a, "undrilled", "never drilled");
        assertCell(one, b, "undrilled", "never drilled");
        assertCell(two, b, "missing", "missing");
        assertThat(cell(two, b).getText()).doesNotContain("drilled");

        String drillLink = startDrillOfEveryPair();
        String drillId = drillLink.substring(drillLink.lastIndexOf('/') + 1);

        // The custodian takes key A to another computer and runs the drill, choosing account Two.
        custodian = Browser.start(baseUrl());
        keyA = custodian.insertOnly(keyA.carryTo(custodian));
        String twoHandle = console.account(TWO).userHandle();
        keyA.offerOnly(twoHandle);
        custodian.open(drillLink);
        assertThat(custodian.visible(By.cssSelector(".card p strong")).getText())
                .isEqualTo("any emergency account on any emergency key");
        custodian.click(By.id("drill"));
        WebElement status = custodian.waitUntil(d -> {
            WebElement s = d.findElement(By.id("status"));
            return s.isDisplayed() && !s.getText().isEmpty() ? s : null;
        });
        assertThat(status.getAttribute("class")).as(status.getText()).contains("ok");
        assertThat(status.getText()).isEqualTo("Drill passed: '" + TWO + "' on key '" + KEY_A + "'.");
        List<WebElement> passed = custodian.driver().findElements(By.cssSelector("#passed li"));
        assertThat(passed).hasSize(1);
        assertThat(passed.get(0).getAttribute("data-account-id")).isEqualTo(two);
        assertThat(passed.get(0).getAttribute("data-key-id")).isEqualTo(a);
        assertThat(passed.get(0).getText()).isEqualTo(TWO + " on " + KEY_A);

        // Verified like a sign-in (the server took the key's new signature counter) ...
        long counter = jdbc.sql("select signature_count from credential where account_id = :account and key_id = :key")
                .param("account", two).param("key", a).query(Long.class).single();
        assertThat(counter).isEqualTo(keyA.credentialFor(twoHandle).getSignCount()).isPositive();
        // ... but no session: the drill's ceremony was bound to the browser's ceremony cookie, and no
        // session cookie was ever set.
        assertThat(custodian.driver().manage().getCookieNamed("GLASSKEY_CEREMONY")).as("the drill ceremony's cookie").isNotNull();
        assertThat(custodian.driver().manage().getCookieNamed("JSESSIONID")).as("no session for the custodian").isNull();
        assertThat(fetchSession(custodian)).satisfies(r -> {
            assertThat(r.get(0)).as("GET /api/session after the drill").isEqualTo(401L);
            assertThat((String) r.get(1)).contains("auth.required");
        });
        custodian.open("/admin/matrix");
        assertThat(custodian.path()).as("the console sends the custodian to sign in").isEqualTo("/sign-in");

        // The administrator's session is untouched and sees the drill's one validated pair.
        assertThat(console.session().path("displayName").asString()).isEqualTo(ADMIN);
        JsonNode results = console.json("/api/drills/" + drillId).path("results");
        assertThat(results.size()).isEqualTo(1);
        assertThat(results.get(0).path("accountId").asString()).isEqualTo(two);
        assertThat(results.get(0).path("keyId").asString()).isEqualTo(a);

        // The matrix after the drill: only the drilled pair is ready, drilled today (the test clock's day).
        admin.open("/admin/matrix");
        String today = clock.instant().toString().substring(0, 10);
        assertCell(two, a, "ready", "drilled " + today);
        assertCell(one, a, "undrilled", "never drilled");
        assertCell(one, b, "undrilled", "never drilled");
        assertCell(two, b, "missing", "missing");

        Path png = admin.screenshotTo(MATRIX_PNG);
        assertThat(png).exists().isNotEmptyFile();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("a PNG image").isNotNull();
        assertThat(image.getWidth()).isPositive();
        assertThat(image.getHeight()).isPositive();
    }

    // --- steps ------------------------------------------------------------------------------------

    /** Keys and accounts through the console's forms, enrolment through the links on /enrol/{token}. */
    void enrolBothAccountsOnKeyAAndOneOnKeyB() {
        admin.open("/admin");
        console.addKey(KEY_A, LOCATION_A, CUSTODIAN_A);
        console.addKey(KEY_B, LOCATION_B, CUSTODIAN_B);
        console.createEmergencyAccount(ONE);
        console.createEmergencyAccount(TWO);
        String oneOnA = console.issueLink(ONE, KEY_A);
        String twoOnA = console.issueLink(TWO, KEY_A);
        String oneOnB = console.issueLink(ONE, KEY_B);

        keyA = admin.newKey("drill key A");
        keyB = admin.newKey("drill key B");
        admin.insertOnly(keyA);
        console.enrolThroughLink(oneOnA, ONE, KEY_A);
        console.enrolThroughLink(twoOnA, TWO, KEY_A);
        admin.insertOnly(keyB);
        console.enrolThroughLink(oneOnB, ONE, KEY_B);
        assertThat(BrowserFlowTest.handles(keyA)).containsExactlyInAnyOrder(
                console.account(ONE).userHandle(), console.account(TWO).userHandle());
        assertThat(BrowserFlowTest.handles(keyB)).containsExactly(console.account(ONE).userHandle());
    }

    /** The readiness page's form, left at every account and every key; returns the drill link it flashes. */
    String startDrillOfEveryPair() {
        admin.open("/admin/readiness");
        WebElement form = admin.visible(By.id("start-drill"));
        admin.choose(form, "accountId", "every emergency account");
        admin.choose(form, "keyId", "every key");
        admin.fill(form, "reason", "browser test drill");
        admin.submit(form);
        console.assertMessage("Drill started");
        String link = admin.visible(By.id("drill-link")).getText().trim();
        assertThat(link).startsWith(baseUrl() + "/drill/");
        return link;
    }

    // --- the matrix page --------------------------------------------------------------------------

    record Column(String label, String location, String custodian) {}

    /**
     * A key's column head: the table's first header row holds the locations (after the account
     * column's head, which spans the three header rows), the second the custodians, the third the
     * key labels.
     */
    Column column(String keyId) {
        List<WebElement> head = admin.driver().findElements(By.cssSelector("#matrix tr:not([data-account-id])"));
        assertThat(head).hasSize(3);
        int i = columnIndex(keyId);
        List<WebElement> locations = head.get(0).findElements(By.tagName("th"));
        List<WebElement> custodians = head.get(1).findElements(By.tagName("th"));
        WebElement label = head.get(2).findElements(By.tagName("th")).get(i);
        WebElement location = covering(locations.subList(1, locations.size()), i);
        WebElement custodian = covering(custodians, i);
        assertThat(location.getAttribute("class")).contains("group");
        assertThat(custodian.getAttribute("class")).contains("group");
        return new Column(label.findElement(By.tagName("span")).getText(), location.getText(), custodian.getText());
    }

    /** The group heading (keys of one location or custodian share one, spanning their columns) above column i. */
    static WebElement covering(List<WebElement> groups, int i) {
        int first = 0;
        for (WebElement g : groups) {
            String span = g.getAttribute("colspan");
            int width = span == null || span.isBlank() ? 1 : Integer.parseInt(span);
            if (i < first + width) return g;
            first += width;
        }
        throw new AssertionError("no group heading above column " + i);
    }

    int columnIndex(String keyId) {
        List<WebElement> labels = admin.visible(By.cssSelector("#matrix tr:not([data-account-id]) th[data-key-id]"))
                .findElement(By.xpath("..")).findElements(By.tagName("th"));
        for (int i = 0; i < labels.size(); i++) {
            if (keyId.equals(labels.get(i).getAttribute("data-key-id"))) {
                return i;
            }
        }
        throw new AssertionError("no column for key " + keyId + " in #matrix");
    }

    /** The cell of an (account, key) pair, checked to sit under its key's column. */
    WebElement cell(String accountId, String keyId) {
        WebElement row = admin.visible(By.cssSelector("#matrix tr[data-account-id='" + accountId + "']"));
        List<WebElement> cells = row.findElements(By.tagName("td"));
        int i = columnIndex(keyId);
        assertThat(cells.get(i).getAttribute("data-key-id")).as("cell under the column of key " + keyId).isEqualTo(keyId);
        return cells.get(i);
    }

    void assertCell(String accountId, String keyId, String state, String text) {
        WebElement cell = cell(accountId, keyId);
        assertThat(cell.getAttribute("data-state")).as("state of (" + accountId + ", " + keyId + ")").isEqualTo(state);
        assertThat(cell.getAttribute("class")).contains(state);
        assertThat(cell.getText()).contains(text);
    }

    // --- helpers ----------------------------------------------------------------------------------

    String keyId(String label) {
        return keys.list().stream().filter(k -> k.label().equals(label)).map(SecurityKey::id).findFirst()
                .orElseThrow(() -> new AssertionError("no inventory key " + label));
    }

    /** GET /api/session from the page's script with the browser's cookies: [status, body]. */
    @SuppressWarnings("unchecked")
    static List<Object> fetchSession(Browser browser) {
        return (List<Object>) browser.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/api/session', { headers: { 'Accept': 'application/json' }, credentials: 'same-origin' })
                    .then(async res => done([res.status, await res.text()]))
                    .catch(e => done([-1, String(e)]));
                """);
    }
}
