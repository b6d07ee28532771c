package dev.glasskey.web;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import dev.glasskey.account.Account;
import dev.glasskey.pim.PimService;
import dev.glasskey.pim.RoleSettings;
import dev.glasskey.system.Actor;
import dev.glasskey.testing.Accessibility;
import dev.glasskey.testing.Browser;
import dev.glasskey.testing.BrowserServerTest;
import dev.glasskey.testing.Client;
import dev.glasskey.testing.Console;
import dev.glasskey.webauthn.Enrolment;
import dev.glasskey.webauthn.EnrolmentLink;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PIM in the console (issue 16 §5, §7), in two real Chromiums. An administrator (the approver)
 * makes {@code auditor} need their approval on the Role settings page (a typo is refused next to
 * its field, what was typed kept); a person eligible for {@code auditor} opens "My roles" from their
 * own page, is refused with field errors for a blank justification and a too long duration, is
 * sent to a fresh security-key sign-in when theirs is too old and comes back to the form, and asks
 * for 10 minutes. In the other browser the approver's nav shows "Approvals", a blank denial reason
 * is refused, and the approval makes the role active: the person's next page shows it with the
 * time left, and their session carries it. The test clock moves past the end: the role is gone at
 * the next request, the history and the assignments report (and its CSV) show the activation.
 * Then an emergency account activates {@code global-admin} with no approver: its session has the
 * role at once and every administrator's console shows the red badge naming it with the time left,
 * until the clock passes its end. axe-core finds no serious or critical violation on any new page.
 *
 * <p>The database is shared with the other browser tests: every check names its own rows, and the
 * role settings changed here ({@code auditor}) are ones no other browser test reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PimBrowserTest extends BrowserServerTest {
    static final String APPROVER = "PIM test approver";
    static final String PERSON = "PIM test person";
    static final String BREAK_GLASS = "PIM break-glass";

    Browser admin;
    Console console;
    /** The person's computer: a second browser with its own profile. */
    Browser person;

    @RegisterExtension
    final TestWatcher saveOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            save(admin, "pim-failed-approver", cause);
            save(person, "pim-failed-person", cause);
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
    void startBrowsers() {
        admin = Browser.start(baseUrl());
        console = new Console(admin, accounts);
        person = Browser.start(baseUrl());
    }

    @AfterAll
    void stopBrowsers() {
        try {
            if (person != null) {
                person.close();
            }
        } finally {
            if (admin != null) {
                admin.close();
            }
        }
    }

    @Test
    void aRequestIsApprovedInAnotherBrowserShowsAtTheNextRequestAndExpiresAndAnEmergencyActivationShowsTheBadge() {
        PimService pim = bean(PimService.class);
        signInNewAdministrator(console, APPROVER);
        Account approver = console.account(APPROVER);
        Account someone = accounts.create(Actor.SYSTEM, PERSON, false, Set.of());
        pim.assign(Actor.SYSTEM, new PimService.NewAssignment(someone.id(), "auditor", "eligible", null, false, "on-call auditor"));

        // Role settings: a typo is refused next to its field, what was typed kept, nothing saved.
        RoleSettings before = settings(pim, "auditor");
        admin.open("/admin/pim/roles");
        Accessibility.assertNoSeriousViolations(admin, "role settings");
        WebElement form = admin.visible(By.id("settings-auditor"));
        admin.fill(form, "maxDurationMinutes", "thirty");
        admin.tick(form, "approvalRequired", true);
        admin.choose(form, "approvers", APPROVER);
        admin.submit(form);
        assertThat(admin.visible(By.id("error-maxDurationMinutes")).getText()).startsWith("[request.invalid] maxDurationMinutes");
        form = admin.visible(By.id("settings-auditor"));
        assertThat(form.findElement(By.name("maxDurationMinutes")).getAttribute("value")).isEqualTo("thirty");
        assertThat(form.findElement(By.name("approvalRequired")).isSelected()).isTrue();
        assertThat(settings(pim, "auditor")).isEqualTo(before);
        Accessibility.assertNoSeriousViolations(admin, "role settings with a field error");
        admin.fill(form, "maxDurationMinutes", "30");
        admin.submit(form);
        console.assertMessage("Settings of 'auditor' saved.");
        RoleSettings auditor = settings(pim, "auditor");
        assertThat(auditor.approvalRequired()).isTrue();
        assertThat(auditor.approvers()).containsExactly(approver.id());
        assertThat(auditor.maxDuration()).isEqualTo(Duration.ofMinutes(30));
        WebElement shown = admin.visible(By.cssSelector("section[data-role='auditor']"));
        assertThat(shown.findElement(By.cssSelector(".approvers")).getText()).isEqualTo(APPROVER);
        assertThat(shown.findElement(By.cssSelector(".max-duration")).getText()).isEqualTo("30 min");
        assertThat(admin.driver().findElements(By.id("nav-approvals"))).as("nothing to approve yet").isEmpty();

        // The person signs in with their security key and finds "My roles" on their own page.
        Browser.Key personKey = enrolAndSignIn(person, someone, PERSON + " key");
        assertThat(person.path()).isEqualTo("/");
        person.click(By.id("my-roles-link"));
        assertThat(person.path()).isEqualTo("/me/roles");
        assertThat(person.visible(By.cssSelector("#eligible-roles tr[data-role='auditor']")).getText()).contains("30 min").contains("1 approval");
        assertThat(person.driver().findElements(By.id("active-roles"))).isEmpty();
        Accessibility.assertNoSeriousViolations(person, "my roles");

        // Bad input: each refusal next to its field, what was typed kept, no request stored.
        WebElement activate = person.visible(By.id("activate"));
        person.fill(activate, "durationMinutes", "10");
        person.fill(activate, "justification", "   ");
        person.submit(activate);
        assertThat(person.visible(By.id("error-justification")).getText()).startsWith("[request.invalid] justification is required");
        assertThat(person.visible(By.id("activate")).findElement(By.name("durationMinutes")).getAttribute("value")).isEqualTo("10");
        activate = person.visible(By.id("activate"));
        person.fill(activate, "durationMinutes", "45");
        person.fill(activate, "justification", "quarterly access review");
        person.fill(activate, "ticket", "AUD-7");
        person.submit(activate);
        assertThat(person.visible(By.id("error-durationMinutes")).getText()).startsWith("[pim.duration_invalid] durationMinutes must be 1 to 30");
        activate = person.visible(By.id("activate"));
        assertThat(activate.findElement(By.name("justification")).getAttribute("value")).isEqualTo("quarterly access review");
        assertThat(activate.findElement(By.name("ticket")).getAttribute("value")).isEqualTo("AUD-7");
        person.fill(activate, "durationMinutes", "ten");
        person.submit(activate);
        assertThat(person.visible(By.id("error-durationMinutes")).getText()).startsWith("[request.invalid] durationMinutes must be a whole number");
        Accessibility.assertNoSeriousViolations(person, "my roles with a field error");
        assertThat(pim.mine(someone.id()).requests()).isEmpty();

        // A sign-in older than the role's step-up age: the page offers a fresh security-key sign-in that comes back here.
        clock.advance(auditor.stepUp().plusMinutes(1));
        activate = person.visible(By.id("activate"));
        person.fill(activate, "durationMinutes", "10");
        person.submit(activate);
        assertThat(person.visible(By.id("error-activate")).getText()).startsWith("[pim.step_up_required]");
        assertThat(pim.mine(someone.id()).requests()).isEmpty();
        person.click(By.id("step-up"));
        assertThat(person.path()).startsWith("/sign-in?next=");
        person.click(By.id("sign-in"));
        person.waitUntil(d -> person.path().startsWith("/me/roles"));
        assertThat(personKey.pluggedIn()).isTrue();

        activate = person.visible(By.id("activate"));
        assertThat(new org.openqa.selenium.support.ui.Select(activate.findElement(By.name("role"))).getFirstSelectedOption().getAttribute("value"))
                .isEqualTo("auditor");
        person.fill(activate, "durationMinutes", "10");
        person.fill(activate, "justification", "quarterly access review");
        person.fill(activate, "ticket", "AUD-7");
        person.submit(activate);
        assertThat(person.visible(By.id("message")).getText()).contains("waits for approval");
        WebElement request = person.visible(By.cssSelector("#requests tr[data-status='pending']"));
        String requestId = request.getAttribute("data-request-id");
        assertThat(request.getText()).contains("auditor").contains("10 min");
        assertThat(json(person, "/api/session").path("roles").toString()).doesNotContain("auditor");

        // The approver, in the other browser: "Approvals" is in the nav now.
        admin.open("/admin");
        assertThat(admin.visible(By.id("nav-approvals")).getText()).isEqualTo("Approvals (1)");
        // With "Approvals" in it, the nav is still one line at 1280 px, nothing out of the bar (issue 18).
        org.openqa.selenium.Dimension size = admin.driver().manage().window().getSize();
        try {
            admin.driver().manage().window().setSize(new org.openqa.selenium.Dimension(1280, 800));
            admin.open("/admin");
            Object overflow = admin.driver().executeScript("const n = document.querySelector('header nav.top'); return n.scrollWidth - n.clientWidth;");
            assertThat(((Number) overflow).longValue()).as("the bar's overflow").isLessThanOrEqualTo(0);
            assertThat(admin.driver().findElements(By.cssSelector("header nav.top > a")).stream().map(a -> a.getLocation().getY()).distinct())
                    .hasSize(1);
        } finally {
            admin.driver().manage().window().setSize(size);
        }
        admin.click(By.id("nav-approvals"));
        WebElement row = admin.visible(By.cssSelector("#approvals tr[data-request-id='" + requestId + "']"));
        assertThat(row.getText()).contains(PERSON).contains("auditor").contains("quarterly access review").contains("AUD-7").contains("0 of 1");
        Accessibility.assertNoSeriousViolations(admin, "approvals");
        admin.submit(row.findElement(By.cssSelector("form.deny")));
        assertThat(admin.visible(By.id("error-reason")).getText()).startsWith("[request.invalid] reason is required");
        assertThat(pim.waitingFor(approver.id())).extracting(r -> r.id()).containsExactly(requestId);
        Accessibility.assertNoSeriousViolations(admin, "approvals with a field error");
        row = admin.visible(By.cssSelector("#approvals tr[data-request-id='" + requestId + "']"));
        admin.submit(row.findElement(By.cssSelector("form.approve")));
        console.assertMessage("Approved: 'auditor' is active for '" + PERSON + "'.");
        assertThat(admin.visible(By.id("no-approvals")).isDisplayed()).isTrue();
        assertThat(admin.driver().findElements(By.id("nav-approvals"))).isEmpty();

        // The person's very next request has the role, with the time left.
        person.open("/me/roles");
        WebElement active = person.visible(By.cssSelector("#active-roles tr[data-role='auditor']"));
        assertThat(active.findElement(By.cssSelector(".time-left")).getText()).startsWith("10 min left");
        assertThat(person.visible(By.cssSelector("#requests tr[data-request-id='" + requestId + "']")).getAttribute("data-status"))
                .isEqualTo("approved");
        Accessibility.assertNoSeriousViolations(person, "my roles with an active role");
        assertThat(json(person, "/api/session").path("roles").toString()).contains("auditor");

        // Past its end: gone at the next request.
        clock.advance(Duration.ofMinutes(11));
        person.open("/me/roles");
        assertThat(person.visible(By.id("no-active")).isDisplayed()).isTrue();
        assertThat(person.visible(By.cssSelector("#eligible-roles tr[data-role='auditor']")).getText()).contains("not active");
        assertThat(json(person, "/api/session").path("roles").toString()).doesNotContain("auditor");

        // The history of the role and the assignments report show it.
        admin.open("/admin/pim/roles/auditor/history");
        WebElement h = admin.visible(By.cssSelector("#history tr[data-source='activation']"));
        assertThat(h.getText()).contains(PERSON).contains("approved request").contains("quarterly access review").contains("AUD-7");
        Accessibility.assertNoSeriousViolations(admin, "activation history");
        admin.open("/admin/pim/assignments?role=auditor&kind=eligible");
        WebElement line = admin.visible(By.cssSelector("#assignments tr[data-account-id='" + someone.id() + "']"));
        assertThat(line.getText()).contains("auditor").contains("eligible");
        assertThat(line.findElement(By.cssSelector(".last-activation time")).getText()).isEqualTo("11 min ago");
        assertThat(admin.driver().findElements(By.cssSelector("#assignments tr[data-kind='active']"))).isEmpty();
        Accessibility.assertNoSeriousViolations(admin, "assignments report");
        admin.open("/admin/pim/assignments?role=root");
        assertThat(admin.visible(By.id("error-role")).getText()).startsWith("[role.unknown]");
        Accessibility.assertNoSeriousViolations(admin, "assignments report with a field error");
        Client.Response csv = newAdmin().http().get("/admin/pim/assignments/export?role=auditor");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines.get(0)).isEqualTo(String.join(",", PimPages.CSV_COLUMNS.stream().map(c -> "\"" + c + "\"").toList()));
        assertThat(lines).anyMatch(l -> l.startsWith("\"" + PERSON + "\",\"" + someone.id() + "\",\"false\",\"true\",\"auditor\",\"eligible\""));

        // An emergency account activates global-admin with no approver; every administrator sees the badge.
        person.open("/sign-in");
        Account breakGlass = accounts.create(Actor.SYSTEM, BREAK_GLASS, true, Set.of());
        pim.assign(Actor.SYSTEM, new PimService.NewAssignment(breakGlass.id(), "global-admin", "eligible", null, false, "break-glass"));
        enrolAndSignIn(person, breakGlass, BREAK_GLASS + " key");
        person.open("/me/roles");
        assertThat(person.visible(By.cssSelector("#eligible-roles tr[data-role='global-admin']")).getText()).contains("none (emergency activation)");
        activate = person.visible(By.id("activate"));
        person.choose(activate, "role", "global-admin (at most 1 h)");
        person.fill(activate, "durationMinutes", "20");
        person.fill(activate, "justification", "IdP outage, INC-42");
        person.submit(activate);
        assertThat(person.visible(By.id("message")).getText()).contains("emergency activation without approval");
        assertThat(json(person, "/api/session").path("roles").toString()).contains("global-admin");
        assertThat(lastAudit("pim.emergency_activation")).contains(BREAK_GLASS).contains("IdP outage, INC-42");

        admin.open("/admin");
        WebElement badge = admin.visible(By.cssSelector("#pim-emergency p[data-account-id='" + breakGlass.id() + "']"));
        assertThat(badge.getText()).contains(BREAK_GLASS).contains("global-admin").contains("20 min left");
        assertThat(badge.findElement(By.xpath("..")).getCssValue("background-color")).isEqualTo("rgba(179, 38, 30, 1)");
        Accessibility.assertNoSeriousViolations(admin, "console with the emergency activation badge");
        admin.docsScreenshot("pim-emergency-badge.png");
        person.open("/admin");
        assertThat(person.visible(By.id("pim-emergency")).getText()).contains(BREAK_GLASS);

        clock.advance(Duration.ofMinutes(8));
        admin.open("/admin/pim/roles");
        assertThat(admin.visible(By.cssSelector("#pim-emergency p[data-account-id='" + breakGlass.id() + "'] .time-left")).getText())
                .isEqualTo("12 min left");
        clock.advance(Duration.ofMinutes(13));
        admin.open("/admin");
        admin.visible(By.id("me"));
        assertThat(admin.driver().findElements(By.id("pim-emergency"))).as("gone when it ends").isEmpty();
        admin.open("/admin/pim/roles/global-admin/history");
        assertThat(admin.visible(By.cssSelector("#history tr[data-source='emergency']")).getText()).contains(BREAK_GLASS)
                .contains("emergency, no approval");
    }

    /** Enrols a new virtual key for the account (a single-use administrator link) in the browser, then signs in with it there. */
    private Browser.Key enrolAndSignIn(Browser browser, Account account, String keyName) {
        EnrolmentLink link = enrolments.issueAdministratorLink(Actor.SYSTEM, account.id(), Enrolment.FIRST_ADMIN);
        Browser.Key key = browser.insertOnly(browser.newKey(keyName));
        browser.open(link.url());
        assertThat(browser.visible(By.id("account-name")).getText()).isEqualTo(account.displayName());
        new Console(browser, accounts).enrolOnThisPage();
        browser.open("/sign-in");
        browser.click(By.id("sign-in"));
        browser.waitUntil(d -> !browser.path().startsWith("/sign-in"));
        return key;
    }

    private static RoleSettings settings(PimService pim, String role) {
        return pim.settings().stream().filter(s -> s.role().equals(role)).findFirst().orElseThrow();
    }

    private static tools.jackson.databind.JsonNode json(Browser browser, String path) {
        return new Console(browser, null).json(path);
    }

    private String lastAudit(String action) {
        return jdbc.sql("select detail from audit_event where action = :a order by seq desc").param("a", action)
                .query(String.class).list().get(0);
    }
}
