package dev.glasskey.testing;

import java.util.List;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import tools.jackson.databind.JsonNode;

import dev.glasskey.account.Account;
import dev.glasskey.account.AccountService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a person does on Glasskey's pages in a real {@link Browser}: the enrolment and sign-in
 * pages, and the administrator console's forms and tables. Shared by the browser tests so each
 * can build what it needs without depending on another test class having run first.
 */
public final class Console {
    private final Browser browser;
    private final AccountService accounts;

    public Console(Browser browser, AccountService accounts) {
        this.browser = browser;
        this.accounts = accounts;
    }

    public Browser browser() {
        return browser;
    }

    // --- enrolment and sign-in ------------------------------------------------------------------

    /** Clicks "Enrol security key" and waits for the outcome. */
    public void enrolOnThisPage() {
        browser.click(By.id("enrol"));
        browser.waitUntil(d -> d.findElement(By.id("after-enrol")).isDisplayed()
                || d.findElement(By.id("status")).getAttribute("class").contains("error"));
        WebElement status = browser.driver().findElement(By.id("status"));
        assertThat(status.getAttribute("class")).as(status.getText()).contains("ok");
        assertThat(status.getText()).contains("enrolled");
    }

    /** Opens an emergency account's enrolment link and enrols the key that is plugged in. */
    public void enrolThroughLink(String link, String accountName, String keyLabel) {
        browser.open(link);
        assertThat(browser.visible(By.id("account-name")).getText()).isEqualTo(accountName);
        assertThat(browser.driver().findElement(By.id("key-label")).getText()).isEqualTo(keyLabel);
        assertThat(browser.driver().findElement(By.cssSelector(".badge.emergency")).isDisplayed()).isTrue();
        enrolOnThisPage();
    }

    /** Clicks "Sign in with security key" and waits until the console loads or an error shows. */
    public void signInOnThisPage() {
        browser.click(By.id("sign-in"));
        browser.waitUntil(d -> "/admin".equals(browser.path())
                || d.findElement(By.id("status")).getAttribute("class").contains("error"));
        assertThat(browser.path()).as(() -> browser.driver().findElement(By.id("status")).getText()).isEqualTo("/admin");
        browser.visible(By.id("me"));
    }

    /** Signs out with the console's button. */
    public void signOut() {
        if (!"/admin".equals(browser.path())) {
            browser.open("/admin");
        }
        browser.submit(browser.visible(By.cssSelector("form[action='/sign-out']")));
        assertThat(browser.path()).isEqualTo("/sign-in");
        browser.open("/api/session");
        assertThat(browser.visible(By.tagName("pre")).getText()).as("signed out: /api/session refuses").contains("auth.required");
    }

    /** GET /api/session in the browser (its cookies), read from the page. */
    public JsonNode session() {
        return json("/api/session");
    }

    /** GET of a JSON resource in the browser (its cookies), read from the page. */
    public JsonNode json(String path) {
        browser.open(path);
        return Client.JSON.readTree(browser.visible(By.tagName("pre")).getText());
    }

    // --- console forms --------------------------------------------------------------------------

    public void addKey(String label, String location, String custodian) {
        WebElement form = browser.visible(By.id("new-key"));
        browser.fill(form, "label", label);
        browser.fill(form, "location", location);
        browser.fill(form, "custodian", custodian);
        browser.submit(form);
        assertMessage("Key '" + label + "' added.");
        assertThat(cell("keys", label, 4)).isEqualTo(location);
        assertThat(cell("keys", label, 3)).isEqualTo(custodian);
    }

    public void createEmergencyAccount(String name) {
        WebElement form = browser.visible(By.id("new-account"));
        browser.fill(form, "displayName", name);
        browser.tick(form, "emergency", true);
        browser.choose(form, "roles", "global-admin");
        browser.submit(form);
        assertMessage("Account '" + name + "' created.");
        assertThat(cell("accounts", name, 1)).isEqualTo("emergency");
        assertThat(cell("accounts", name, 2)).isEqualTo("global-admin");
        assertThat(account(name).emergency()).isTrue();
    }

    /** Issues an enrolment link with the console's form; returns the link. */
    public String issueLink(String accountName, String keyLabel) {
        WebElement form = browser.visible(By.id("new-enrolment"));
        browser.choose(form, "accountId", accountName);
        browser.choose(form, "keyId", keyLabel);
        browser.submit(form);
        assertMessage("Enrolment link issued for '" + accountName + "' on key '" + keyLabel + "'");
        String link = browser.visible(By.id("enrolment-link")).getText().trim();
        assertThat(link).startsWith(browser.baseUrl() + "/enrol/");
        return link;
    }

    /**
     * A destructive action: follows its link (a row's "Mark lost…", "Disable…", …) to the
     * confirmation page, checks the page states the consequence, gives the note and confirms.
     * Returns the consequence list's text as shown.
     */
    public String confirm(By link, String note) {
        browser.click(link);
        WebElement consequences = browser.visible(By.id("consequences"));
        String shown = consequences.getText();
        WebElement form = browser.visible(By.id("confirm-form"));
        browser.fill(form, "note", note);
        browser.submit(form);
        return shown;
    }

    /** The page shows no #error and a #message containing {@code expected}. */
    public void assertMessage(String expected) {
        List<WebElement> errors = browser.driver().findElements(By.id("error"));
        assertThat(errors).as(() -> errors.get(0).getText()).isEmpty();
        assertThat(browser.visible(By.id("message")).getText()).contains(expected);
    }

    /** The text of a column in the row of a console table whose first cell is {@code first}. */
    public String cell(String table, String first, int column) {
        for (WebElement row : browser.driver().findElements(By.cssSelector("#" + table + " tr"))) {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            if (!cells.isEmpty() && cells.get(0).getText().equals(first)) {
                return cells.get(column).getText();
            }
        }
        throw new AssertionError("no row '" + first + "' in table #" + table);
    }

    /** The full id behind a short id shown in a console table cell (its title and its copy button). */
    public String fullId(String table, String first, int column) {
        for (WebElement row : browser.driver().findElements(By.cssSelector("#" + table + " tr"))) {
            List<WebElement> cells = row.findElements(By.tagName("td"));
            if (!cells.isEmpty() && cells.get(0).getText().equals(first)) {
                WebElement code = cells.get(column).findElement(By.cssSelector(".id code"));
                String full = code.getAttribute("title");
                assertThat(cells.get(column).findElement(By.cssSelector("button.copy")).getAttribute("data-copy")).isEqualTo(full);
                assertThat(full).startsWith(code.getText());
                return full;
            }
        }
        throw new AssertionError("no row '" + first + "' in table #" + table);
    }

    /** The account with this display name, from the server. */
    public Account account(String displayName) {
        return accounts.list().stream().filter(a -> a.displayName().equals(displayName)).findFirst()
                .orElseThrow(() -> new AssertionError("no account " + displayName));
    }
}
