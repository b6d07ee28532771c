package dev.glasskey.web;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.virtualauthenticator.Credential;

import tools.jackson.databind.JsonNode;

import dev.glasskey.account.Account;
import dev.glasskey.testing.Browser;
import dev.glasskey.testing.BrowserServerTest;
import dev.glasskey.testing.Console;
import dev.glasskey.webauthn.FirstAdministrator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole life of a fresh server in a real Chromium with virtual security keys: the first
 * administrator enrols through the first-start link and signs in without a user name; in the
 * console (real form posts) adds two keys to the inventory, creates two emergency accounts and
 * issues enrolment links; the keys are enrolled through those links (key A carries both
 * emergency accounts, key B one); then each key signs in, and a key carrying two accounts signs
 * in as the account whose credential it presents.
 *
 * <p>The steps run in order and share the browser and the server; after a failing step the
 * rest are skipped, and a screenshot plus the page's HTML are saved to target/browser-artifacts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(BrowserFlowTest.StepByStep.class)
class BrowserFlowTest extends BrowserServerTest {
    static final String KEY_A = "Emergency key A";
    static final String KEY_B = "Emergency key B";
    static final String ALPHA = "Break-glass Alpha";
    static final String BRAVO = "Break-glass Bravo";

    Browser browser;
    Console console;
    Browser.Key adminKey;
    Browser.Key keyA;
    Browser.Key keyB;
    final Map<String, String> links = new HashMap<>();

    @BeforeAll
    void startBrowser() {
        browser = Browser.start(baseUrl());
        console = new Console(browser, accounts);
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    @Order(1)
    void firstAdministratorEnrolsThroughTheFirstStartLink() {
        adminKey = browser.insertOnly(browser.newKey("admin key"));
        browser.open(firstStartLink().url());
        assertThat(browser.visible(By.id("account-name")).getText()).isEqualTo(FirstAdministrator.NAME);

        console.enrolOnThisPage();

        assertThat(handles(adminKey)).containsExactly(account(FirstAdministrator.NAME).userHandle());
        browser.screenshot("01-first-administrator-enrolled");
    }

    @Test
    @Order(2)
    void administratorSignsInWithoutAUserName() {
        browser.open("/sign-in");
        console.signInOnThisPage();

        assertThat(browser.path()).isEqualTo("/admin");
        assertThat(browser.visible(By.id("me")).getText()).isEqualTo(FirstAdministrator.NAME);
        JsonNode session = console.session();
        assertThat(session.path("accountId").asString()).isEqualTo(account(FirstAdministrator.NAME).id());
        assertThat(session.path("emergency").asBoolean()).isFalse();
        browser.open("/admin");
    }

    @Test
    @Order(3)
    void consoleAddsKeysCreatesEmergencyAccountsAndIssuesLinks() {
        console.addKey(KEY_A, "Safe 1, HQ", "Alice Custodian");
        console.addKey(KEY_B, "Safe 2, DR site", "Bob Custodian");
        console.createEmergencyAccount(ALPHA);
        console.createEmergencyAccount(BRAVO);

        links.put(ALPHA + KEY_A, console.issueLink(ALPHA, KEY_A));
        links.put(ALPHA + KEY_B, console.issueLink(ALPHA, KEY_B));
        links.put(BRAVO + KEY_A, console.issueLink(BRAVO, KEY_A));
        assertThat(Set.copyOf(links.values())).hasSize(3);
        browser.screenshot("03-console-link-issued");
    }

    @Test
    @Order(4)
    void eachEmergencyKeyIsEnrolledThroughItsLinkWithOnlyThatKeyAttached() {
        keyA = browser.newKey("emergency key A");
        keyB = browser.newKey("emergency key B");

        browser.insertOnly(keyA);
        console.enrolThroughLink(links.get(ALPHA + KEY_A), ALPHA, KEY_A);
        browser.insertOnly(keyB);
        console.enrolThroughLink(links.get(ALPHA + KEY_B), ALPHA, KEY_B);
        browser.insertOnly(keyA);
        console.enrolThroughLink(links.get(BRAVO + KEY_A), BRAVO, KEY_A);
        browser.screenshot("04-enrolled");

        assertThat(handles(keyA)).containsExactlyInAnyOrder(account(ALPHA).userHandle(), account(BRAVO).userHandle());
        assertThat(handles(keyB)).containsExactly(account(ALPHA).userHandle());
        assertThat(handles(adminKey)).containsExactly(account(FirstAdministrator.NAME).userHandle());

        // A link works once.
        browser.open(links.get(ALPHA + KEY_A));
        assertThat(browser.visible(By.id("status")).getText()).startsWith("[enrolment.unknown]");
        assertThat(browser.driver().findElements(By.id("enrol"))).isEmpty();

        // The administrator's session is still open: the console shows the result.
        browser.open("/admin");
        assertThat(console.cell("accounts", ALPHA, 3)).isEqualTo("2");
        assertThat(console.cell("accounts", BRAVO, 3)).isEqualTo("1");
        assertThat(console.cell("keys", KEY_A, 5)).startsWith("2 / ");
        assertThat(console.cell("keys", KEY_B, 5)).startsWith("1 / ");
        assertThat(console.fullId("keys", KEY_A, 1)).isEqualTo("01020304-0506-0708-0102-030405060708");
        assertThat(console.cell("keys", KEY_A, 1)).startsWith("01020304").doesNotContain("-0506");
        browser.screenshot("04-console");
        console.signOut();
    }

    @Test
    @Order(5)
    void keyWithTwoAccountsSignsInAsTheAccountWhoseCredentialItPresents() {
        browser.insertOnly(keyA);
        String alpha = account(ALPHA).userHandle();
        String bravo = account(BRAVO).userHandle();

        // Both accounts offered. Chrome's virtual environment shows no account chooser: the
        // virtual key answers with every credential it holds for the RP (each signs, so every
        // counter moves) and Chrome takes the first answer, which is the credential with the
        // lowest id (the key's store is ordered by credential id). Robustly: the server signs in
        // the account of the credential that was presented, and that is one of key A's two.
        browser.open("/sign-in");
        browser.screenshot("05-sign-in-page");
        Credential lowestId = keyA.credentials().stream()
                .min((x, y) -> Arrays.compareUnsigned(x.getId(), y.getId())).orElseThrow();
        console.signInOnThisPage();
        JsonNode session = console.session();
        String presented = accounts.get(session.path("accountId").asString()).userHandle();
        assertThat(presented).isIn(alpha, bravo);
        assertThat(session.path("emergency").asBoolean()).isTrue();
        assertThat(session.path("roles").toString()).contains("global-admin");
        assertSessionOnKey(session, keyA.credentialFor(presented));
        System.out.println("[browser] both accounts offered on key A: signed in as " + session.path("displayName").asString()
                + "; Chrome presented the lowest credential id: " + Browser.b64u(lowestId.getUserHandle()).equals(presented));
        console.signOut();

        // The person picks each account in turn.
        for (String name : List.of(ALPHA, BRAVO)) {
            keyA.offerOnly(account(name).userHandle());
            browser.open("/sign-in");
            console.signInOnThisPage();
            JsonNode chosen = console.session();
            assertThat(chosen.path("displayName").asString()).isEqualTo(name);
            assertThat(chosen.path("accountId").asString()).isEqualTo(account(name).id());
            assertThat(chosen.path("emergency").asBoolean()).isTrue();
            assertSessionOnKey(chosen, keyA.credentialFor(account(name).userHandle()));
            keyA.offerAll();
            console.signOut();
        }
    }

    @Test
    @Order(6)
    void secondKeySignsInToo() {
        browser.insertOnly(keyB);
        browser.open("/sign-in");
        console.signInOnThisPage();
        JsonNode session = console.session();
        assertThat(session.path("accountId").asString()).isEqualTo(account(ALPHA).id());
        assertSessionOnKey(session, keyB.credentialFor(account(ALPHA).userHandle()));
        console.signOut();
    }

    @Test
    @Order(7)
    void administratorKeyStillSignsInAfterBeingUnplugged() {
        browser.insertOnly(adminKey);
        browser.open("/sign-in");
        console.signInOnThisPage();
        assertThat(browser.visible(By.id("me")).getText()).isEqualTo(FirstAdministrator.NAME);
        assertThat(console.session().path("accountId").asString()).isEqualTo(account(FirstAdministrator.NAME).id());
        browser.open("/admin");
        browser.screenshot("07-console");
        console.signOut();
    }

    // --- checks -------------------------------------------------------------------------------

    Account account(String displayName) {
        return console.account(displayName);
    }

    static List<String> handles(Browser.Key key) {
        return key.credentials().stream().map(c -> Browser.b64u(c.getUserHandle())).toList();
    }

    /** The server's session names the credential the browser's key holds, on the inventory key expected. */
    void assertSessionOnKey(JsonNode session, Credential onKey) {
        String credentialId = jdbc.sql("select credential_id from credential where id = :id")
                .param("id", session.path("credentialId").asString()).query(String.class).single();
        assertThat(Browser.sameId(onKey, credentialId)).as("session credential is the one on the key").isTrue();
        assertThat(Browser.b64u(onKey.getUserHandle())).isEqualTo(accounts.get(session.path("accountId").asString()).userHandle());
        assertThat(session.path("amr").toString()).contains("hwk");
    }

    /** Runs the steps in order: after a failure, saves the page and skips the remaining steps. */
    static final class StepByStep implements ExecutionCondition, TestWatcher {
        private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(StepByStep.class);

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (context.getTestMethod().isEmpty()) {
                return ConditionEvaluationResult.enabled("class");
            }
            String failed = context.getParent().orElseThrow().getStore(NS).get("failed", String.class);
            return failed == null ? ConditionEvaluationResult.enabled("earlier steps passed")
                    : ConditionEvaluationResult.disabled("skipped: earlier step " + failed + " failed");
        }

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            String step = context.getRequiredTestMethod().getName();
            context.getParent().orElseThrow().getStore(NS).put("failed", step);
            Object instance = context.getTestInstance().orElse(null);
            if (instance instanceof BrowserFlowTest test && test.browser != null) {
                try {
                    test.browser.saveArtifacts("failed-" + step);
                } catch (RuntimeException e) {
                    cause.addSuppressed(e);
                }
            }
        }
    }
}
