package dev.glasskey.web;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;

import dev.glasskey.alert.AlertService;
import dev.glasskey.key.KeyService;
import dev.glasskey.key.SecurityKey;
import dev.glasskey.system.Actor;
import dev.glasskey.testing.Accessibility;
import dev.glasskey.testing.Browser;
import dev.glasskey.testing.Console;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18's console in a real Chromium: every destructive action asks for confirmation stating
 * its consequence and takes an audited note (a refused note is shown next to the field, the typed
 * text kept); form errors sit next to their field with the typed input kept; duplicate names are
 * warned; unknown URLs show a 404 page; short ids with copy buttons and relative times with the
 * absolute one on hover; channel fields per type; warn styled unlike fail; the red frame and
 * banner of an emergency session. axe-core finds no serious or critical violation on any page.
 *
 * <p>The database is shared with the other browser tests: every check names its own rows.
 */
class ConsoleBrowserTest extends SignedInConsoleTest {
    static final String ADMIN = "Console test admin";
    static final String USER = "Console target user";

    @Autowired
    KeyService keys;
    @Autowired
    AlertService alerts;

    @Override
    String administrator() {
        return ADMIN;
    }

    @Test
    void destructiveActionsAskForConfirmationStatingTheConsequenceAndKeepTheNote() {
        admin.open("/admin");
        console.addKey("Console key 1", "Drawer 1", "Erin Custodian");
        console.addKey("Console key 2", "Drawer 2", "Erin Custodian");
        console.addKey("Console spare", "Drawer 3", "Erin Custodian");
        WebElement form = admin.visible(By.id("new-account"));
        admin.fill(form, "displayName", USER);
        admin.submit(form);
        console.assertMessage("Account '" + USER + "' created.");
        Browser.Key k1 = admin.newKey("console key 1");
        Browser.Key k2 = admin.newKey("console key 2");
        String l1 = console.issueLink(USER, "Console key 1");
        String l2 = console.issueLink(USER, "Console key 2");
        admin.insertOnly(k1);
        enrol(l1);
        admin.insertOnly(k2);
        enrol(l2);
        String user = console.account(USER).id();

        // Revoke one of two credentials: one stops working, the account can still sign in.
        admin.open("/admin");
        String onKey2 = jdbc.sql("select c.id from credential c join security_key k on k.id = c.key_id where c.account_id = :a and k.label = 'Console key 2'")
                .param("a", user).query(String.class).single();
        admin.click(By.cssSelector("tr[data-credential-id='" + onKey2 + "'] a[href$='/revoke']"));
        assertThat(admin.visible(By.tagName("h1")).getText()).isEqualTo("Revoke the credential of '" + USER + "' on key 'Console key 2'?");
        assertThat(admin.visible(By.id("credentials-stopping")).getText()).isEqualTo("1 credential stops working.");
        assertThat(admin.driver().findElements(By.id("accounts-losing-access"))).isEmpty();
        assertThat(admin.visible(By.id("readiness-effect")).getText()).startsWith("Emergency readiness:");
        Accessibility.assertNoSeriousViolations(admin, "confirmation");

        // A blank note (the browser's own check passed with spaces) is refused by the server next to the field.
        WebElement confirm = admin.visible(By.id("confirm-form"));
        admin.fill(confirm, "note", "   ");
        admin.submit(confirm);
        assertThat(admin.visible(By.id("error-note")).getText()).startsWith("[request.invalid] Say why");
        assertThat(admin.visible(By.id("note")).getAttribute("aria-invalid")).isEqualTo("true");
        // Too long (past the field's own limit, set by script): refused, and what was typed is still there.
        String tooLong = "z".repeat(501);
        admin.driver().executeScript("document.getElementById('note').value = arguments[0]", tooLong);
        admin.submit(admin.visible(By.id("confirm-form")));
        assertThat(admin.visible(By.id("error-note")).getText()).contains("note must be at most 500");
        assertThat(admin.visible(By.id("note")).getAttribute("value")).isEqualTo(tooLong);
        assertThat(credentialStatus(onKey2)).as("nothing revoked yet").isEqualTo("active");
        admin.fill(admin.visible(By.id("confirm-form")), "note", "key 2 retired from service");
        admin.submit(admin.visible(By.id("confirm-form")));
        console.assertMessage("Credential on key 'Console key 2' revoked.");
        assertThat(credentialStatus(onKey2)).isEqualTo("revoked");
        assertThat(lastAudit("credential.revoke")).contains("key 2 retired from service");

        // Mark key 1 lost: its one credential stops, and the user can no longer sign in.
        String k1Id = keyId("Console key 1");
        String shown = console.confirm(By.cssSelector("tr[data-key-id='" + k1Id + "'] a[href$='/lost']"), "left on a train");
        assertThat(shown).contains("Key 'Console key 1', kept at Drawer 1, custodian Erin Custodian")
                .contains("1 credential stops working.").contains("Can no longer sign in: " + USER + ".");
        console.assertMessage("Key 'Console key 1' marked lost");
        assertThat(keys.get(k1Id).status()).isEqualTo(SecurityKey.Status.LOST);
        assertThat(lastAudit("key.lost")).endsWith(": left on a train");

        // Retire the spare: nothing stops working; cancelling first changes nothing.
        String spare = keyId("Console spare");
        admin.click(By.cssSelector("tr[data-key-id='" + spare + "'] a[href$='/retire']"));
        assertThat(admin.visible(By.id("credentials-stopping")).getText()).isEqualTo("0 credentials stop working.");
        admin.click(By.id("cancel"));
        assertThat(admin.path()).isEqualTo("/admin");
        assertThat(keys.get(spare).status()).isEqualTo(SecurityKey.Status.ACTIVE);
        console.confirm(By.cssSelector("tr[data-key-id='" + spare + "'] a[href$='/retire']"), "never used");
        console.assertMessage("Key 'Console spare' retired");

        // Disable the user.
        String disabled = console.confirm(By.cssSelector("tr[data-account-id='" + user + "'] a.disable"), "left the company");
        assertThat(disabled).contains("its sessions end");
        console.assertMessage("Account '" + USER + "' disabled.");
        assertThat(accounts.get(user).enabled()).isFalse();
        assertThat(lastAudit("account.disable")).endsWith("; note: left the company");
        Accessibility.assertNoSeriousViolations(admin, "console");
    }

    @Test
    void alertChannelsShowTheirTypesFieldsAndDeletingAChannelOrRuleIsConfirmed() {
        admin.open("/admin/alerts");
        WebElement form = admin.visible(By.id("new-channel"));
        admin.choose(form, "type", "e-mail (SMTP, STARTTLS)");
        assertThat(form.findElement(By.name("url")).isDisplayed()).isFalse();
        assertThat(form.findElement(By.name("from")).isDisplayed()).isTrue();
        assertThat(form.findElement(By.name("transport")).isDisplayed()).isFalse();
        admin.choose(form, "type", "syslog (RFC 5424)");
        assertThat(form.findElement(By.name("transport")).isDisplayed()).isTrue();
        assertThat(form.findElement(By.name("from")).isDisplayed()).isFalse();
        admin.choose(form, "type", "webhook");
        assertThat(form.findElement(By.name("url")).isDisplayed()).isTrue();
        assertThat(form.findElement(By.name("host")).isDisplayed()).isFalse();
        admin.fill(form, "name", "Console test hook");
        admin.fill(form, "url", "http://127.0.0.1:9/hook");
        admin.submit(form);
        console.assertMessage("Channel 'Console test hook' added.");
        Accessibility.assertNoSeriousViolations(admin, "alerts");

        String channel = alerts.channels().stream().filter(c -> c.name().equals("Console test hook")).findFirst().orElseThrow().id();
        String shown = console.confirm(By.cssSelector("tr[data-channel-id='" + channel + "'] a[href$='/delete']"), "moved to the pager");
        assertThat(shown).contains("Alerts stop going to webhook channel 'Console test hook'.");
        console.assertMessage("Channel deleted.");
        assertThat(alerts.channels()).noneMatch(c -> c.id().equals(channel));
        assertThat(lastAudit("alert.channel.delete")).endsWith("; note: moved to the pager");

        alerts.putRule(Actor.SYSTEM, "console-test-rule", new AlertService.RuleRequest("A rule for the console test", "console.test",
                null, null, false, false, "info", true));
        admin.open("/admin/alerts");
        shown = console.confirm(By.cssSelector("tr[data-rule-id='console-test-rule'] a[href$='/delete']"), "test over");
        assertThat(shown).contains("no longer raise a info alert");
        console.assertMessage("Rule 'console-test-rule' deleted.");
        assertThat(alerts.rules()).noneMatch(r -> r.id().equals("console-test-rule"));
    }

    @Test
    void formErrorsAreShownNextToTheFieldWithTheTypedInputKept() {
        admin.open("/admin");
        console.addKey("Console duplicate", "Shelf", "Frank Custodian");
        WebElement form = admin.visible(By.id("new-key"));
        admin.fill(form, "label", "Console duplicate");
        admin.fill(form, "serial", "SN-123");
        admin.fill(form, "location", "Cupboard");
        admin.fill(form, "capacity", "25");
        admin.submit(form);
        assertThat(admin.visible(By.id("error-label")).getText()).startsWith("[key.label_taken]");
        assertThat(admin.driver().findElements(By.id("error"))).as("not at the top of the page").isEmpty();
        WebElement again = admin.visible(By.id("new-key"));
        assertThat(again.findElement(By.name("label")).getAttribute("value")).isEqualTo("Console duplicate");
        assertThat(again.findElement(By.name("serial")).getAttribute("value")).isEqualTo("SN-123");
        assertThat(again.findElement(By.name("location")).getAttribute("value")).isEqualTo("Cupboard");
        assertThat(again.findElement(By.name("capacity")).getAttribute("value")).isEqualTo("25");
        // The error sits inside the form, right after its field.
        assertThat(again.findElements(By.id("error-label"))).hasSize(1);

        admin.fill(again, "label", "Console capacity test");
        admin.fill(again, "capacity", "many");
        admin.submit(again);
        assertThat(admin.visible(By.id("error-capacity")).getText()).contains("capacity must be a whole number");
        assertThat(admin.visible(By.id("new-key")).findElement(By.name("label")).getAttribute("value")).isEqualTo("Console capacity test");
        Accessibility.assertNoSeriousViolations(admin, "console with a form error");
    }

    @Test
    void aDuplicateAccountNameIsWarned() {
        admin.open("/admin");
        for (int i = 0; i < 2; i++) {
            WebElement form = admin.visible(By.id("new-account"));
            admin.fill(form, "displayName", "Console twin");
            admin.submit(form);
        }
        assertThat(admin.visible(By.id("message")).getText()).startsWith("Account 'Console twin' created.")
                .contains("Warning: 1 other account(s) have the same name");
    }

    @Test
    void anUnknownUrlShowsANotFoundPageAndAnUnknownAccountItsCode() {
        admin.open("/admin/no-such-page");
        assertThat(admin.visible(By.id("problem-title")).getText()).isEqualTo("No such resource.");
        assertThat(admin.visible(By.id("problem-code")).getText()).isEqualTo("not_found");
        Accessibility.assertNoSeriousViolations(admin, "not found");
        admin.open("/admin/accounts/no-such-account/disable");
        assertThat(admin.visible(By.id("problem-code")).getText()).isEqualTo("account.not_found");
    }

    @Test
    void timesAreRelativeWithTheAbsoluteTimeOnHoverAndIdsShortWithACopyButton() {
        admin.open("/admin");
        List<WebElement> times = admin.driver().findElements(By.cssSelector("#audit time"));
        assertThat(times).isNotEmpty();
        for (WebElement t : times.subList(0, Math.min(5, times.size()))) {
            assertThat(t.getAttribute("title")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");
            assertThat(t.getAttribute("datetime")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
            assertThat(t.getText()).doesNotContain("T").matches("just now|\\d+ (min|h|days?) ago|in .*|\\d{4}-\\d\\d-\\d\\d");
        }
        String id = console.fullId("accounts", ADMIN, 5);
        assertThat(id).isEqualTo(console.account(ADMIN).id());
        assertThat(console.cell("accounts", ADMIN, 5)).startsWith(id.substring(0, 8)).doesNotContain(id.substring(9));
    }

    @Test
    void warnIsStyledUnlikeFail() {
        admin.open("/admin/readiness");
        @SuppressWarnings("unchecked")
        Map<String, String> colours = (Map<String, String>) admin.driver().executeScript("""
                const out = {};
                for (const kind of ['pass', 'warn', 'fail']) {
                  const p = document.createElement('p'); p.className = 'status ' + kind; document.body.appendChild(p);
                  const v = document.createElement('span'); v.className = 'verdict ' + kind; document.body.appendChild(v);
                  out['status-' + kind] = getComputedStyle(p).backgroundColor;
                  out['verdict-' + kind] = getComputedStyle(v).backgroundColor;
                }
                return out;""");
        assertThat(colours.get("status-warn")).isNotEqualTo(colours.get("status-fail")).isNotEqualTo(colours.get("status-pass"));
        assertThat(colours.get("verdict-warn")).isNotEqualTo(colours.get("verdict-fail"));
        Accessibility.assertNoSeriousViolations(admin, "readiness");
        admin.open("/admin/matrix");
        Accessibility.assertNoSeriousViolations(admin, "matrix");
        admin.open("/admin/start");
        Accessibility.assertNoSeriousViolations(admin, "first-run checklist");
        admin.open("/admin/models");
        Accessibility.assertNoSeriousViolations(admin, "key models");
    }

    @Test
    void anEmergencySessionHasARedFrameAndABanner() {
        try (Browser other = Browser.start(baseUrl())) {
            Console emergency = new Console(other, accounts);
            // Made by the administrator's console, enrolled in the other browser.
            admin.open("/admin");
            console.addKey("Console emergency key", "Safe E", "Gail Custodian");
            console.createEmergencyAccount("Break-glass Console");
            String link = console.issueLink("Break-glass Console", "Console emergency key");
            Browser.Key key = other.insertOnly(other.newKey("console emergency key"));
            emergency.enrolThroughLink(link, "Break-glass Console", "Console emergency key");
            other.open("/sign-in");
            emergency.signInOnThisPage();
            WebElement banner = other.visible(By.id("emergency-banner"));
            assertThat(banner.getText()).contains("every action is alerted");
            String border = (String) other.driver().executeScript("return getComputedStyle(document.body).borderTopColor");
            assertThat(border).isEqualTo("rgb(179, 38, 30)");
            Accessibility.assertNoSeriousViolations(other, "console in an emergency session");
            assertThat(key.credentials()).hasSize(1);
            // An administrator's ordinary session has neither.
            admin.open("/admin");
            assertThat(admin.driver().findElements(By.id("emergency-banner"))).isEmpty();
        }
    }

    @Test
    void accountsAndKeysHaveListsWithSearchAndDetailPages() {
        admin.open("/admin");
        console.addKey("Console area key", "Area shelf", "Hana Custodian");
        admin.open("/admin/accounts?q=" + ADMIN.replace(' ', '+') + "&kind=regular&state=enabled");
        List<WebElement> rows = admin.driver().findElements(By.cssSelector("#account-list tr[data-account-id]"));
        assertThat(rows).hasSize(1);
        Accessibility.assertNoSeriousViolations(admin, "accounts list");
        admin.open("/admin/accounts?kind=emergency&q=" + ADMIN.replace(' ', '+'));
        assertThat(admin.driver().findElements(By.cssSelector("#account-list tr[data-account-id]"))).isEmpty();

        admin.open("/admin/accounts?q=" + ADMIN.replace(' ', '+'));
        admin.click(By.linkText(ADMIN));
        assertThat(admin.visible(By.id("account-title")).getText()).isEqualTo(ADMIN);
        assertThat(admin.visible(By.id("account-roles")).getText()).isEqualTo("global-admin");
        assertThat(admin.driver().findElements(By.cssSelector("#account-credentials tr[data-credential-id]"))).hasSize(1);
        assertThat(admin.driver().findElements(By.cssSelector("#account-sessions tr"))).hasSizeGreaterThan(1);
        assertThat(admin.driver().findElements(By.cssSelector(".audit-entries tr[data-seq]"))).isNotEmpty();
        Accessibility.assertNoSeriousViolations(admin, "account detail");

        admin.open("/admin/keys?q=area+shelf&status=active");
        assertThat(admin.driver().findElements(By.cssSelector("#key-list tr[data-key-id]"))).hasSize(1);
        Accessibility.assertNoSeriousViolations(admin, "keys list");
        admin.click(By.linkText("Console area key"));
        assertThat(admin.visible(By.id("key-custodian")).getText()).isEqualTo("Hana Custodian");
        assertThat(admin.visible(By.id("key-location")).getText()).isEqualTo("Area shelf");
        assertThat(admin.visible(By.id("no-drills")).getText()).startsWith("Never drilled");
        Accessibility.assertNoSeriousViolations(admin, "key detail");
        admin.open("/admin/keys?status=lost&q=area+shelf");
        assertThat(admin.driver().findElements(By.cssSelector("#key-list tr[data-key-id]"))).isEmpty();
    }

    @Test
    void theAuditLogPageFiltersExportsAndVerifies() {
        admin.open("/admin/audit?action=key.register");
        List<WebElement> actions = admin.driver().findElements(By.cssSelector(".audit-entries tr[data-seq] td:nth-child(4) span:first-child"));
        assertThat(actions).isNotEmpty().allMatch(a -> a.getText().equals("key.register"));
        Accessibility.assertNoSeriousViolations(admin, "audit log");
        assertThat(admin.visible(By.id("export")).getAttribute("href")).endsWith("/admin/audit/export?action=key.register");
        @SuppressWarnings("unchecked")
        List<Object> export = (List<Object>) admin.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(document.getElementById('export').href, { credentials: 'same-origin' })
                  .then(async r => done([r.status, r.headers.get('content-type'), await r.text()]))
                  .catch(e => done([-1, '', String(e)]));""");
        assertThat(export.get(0)).isEqualTo(200L);
        assertThat((String) export.get(1)).startsWith("application/x-ndjson");
        String[] lines = ((String) export.get(2)).strip().split("\n");
        assertThat(lines.length).isGreaterThanOrEqualTo(Math.min(actions.size(), 50));
        assertThat(lines).allMatch(l -> l.contains("\"action\":\"key.register\""));

        admin.open("/admin/audit?outcome=maybe&action=key.register");
        assertThat(admin.visible(By.id("error-outcome")).getText()).startsWith("[request.invalid] outcome must be");
        assertThat(admin.visible(By.id("audit-filters")).findElement(By.name("action")).getAttribute("value")).isEqualTo("key.register");

        admin.open("/admin/audit");
        admin.submit(admin.visible(By.id("verify-form")));
        assertThat(admin.visible(By.id("verdict")).getText()).isEqualTo("intact");
    }

    // --- helpers -----------------------------------------------------------------------------------

    void enrol(String link) {
        admin.open(link);
        assertThat(admin.visible(By.id("account-name")).getText()).isEqualTo(USER);
        console.enrolOnThisPage();
    }

    String keyId(String label) {
        return keys.list().stream().filter(k -> k.label().equals(label)).map(SecurityKey::id).findFirst()
                .orElseThrow(() -> new AssertionError("no inventory key " + label));
    }

    String credentialStatus(String id) {
        return jdbc.sql("select status from credential where id = :id").param("id", id).query(String.class).single();
    }
}
