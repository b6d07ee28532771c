package dev.glasskey.web;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;

import dev.glasskey.oidc.ClientService;
import dev.glasskey.oidc.OidcClient;
import dev.glasskey.oidc.SigningKey;
import dev.glasskey.oidc.SigningKeys;
import dev.glasskey.testing.Accessibility;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18's remaining console areas in a real Chromium: OpenID Connect clients (list, search,
 * filter, detail, register with the secret shown once, delete confirmed with what it revokes and
 * an audited note), token signing keys (state, kid with a copy button, rotation confirmed with an
 * audited note), credentials and enrolment links (lists with search and filters, detail pages,
 * revoking through the one confirmation page), and the read-only settings. axe-core finds no
 * serious or critical violation on any of these pages or their confirmations.
 *
 * <p>The database is shared with the other browser tests: every check names its own rows.
 */
class ConsoleAreasBrowserTest extends SignedInConsoleTest {
    static final String ADMIN = "Areas test admin";

    @Autowired
    ClientService clients;
    @Autowired
    SigningKeys signingKeys;

    @Override
    String administrator() {
        return ADMIN;
    }

    @Test
    void clientsAreRegisteredListedShownAndDeletedWithAConfirmation() {
        // A refused registration: the error under the form, what was typed kept, nothing stored.
        admin.open("/admin/clients");
        WebElement form = admin.visible(By.id("new-client"));
        admin.fill(form, "name", "Areas wiki");
        admin.fill(form, "redirectUris", "http://wiki.example/callback");
        admin.submit(form);
        assertThat(admin.visible(By.id("error-new-client")).getText()).startsWith("[client.redirect_uri_invalid]");
        assertThat(admin.visible(By.id("new-client")).findElement(By.name("name")).getAttribute("value")).isEqualTo("Areas wiki");
        assertThat(admin.visible(By.id("new-client")).findElement(By.name("redirectUris")).getAttribute("value"))
                .isEqualTo("http://wiki.example/callback");
        assertThat(clients.list()).noneMatch(c -> c.name().equals("Areas wiki"));
        Accessibility.assertNoSeriousViolations(admin, "clients with a form error");

        form = admin.visible(By.id("new-client"));
        admin.fill(form, "redirectUris", "https://wiki.example/callback\nhttps://wiki.example/other");
        admin.fill(form, "clientId", "areas-wiki");
        admin.submit(form);
        console.assertMessage("Client 'Areas wiki' registered.");
        String secret = admin.visible(By.id("client-secret")).getText();
        assertThat(secret).hasSizeGreaterThan(20);
        assertThat(admin.visible(By.id("client-id")).getText()).isEqualTo("areas-wiki");
        assertThat(admin.visible(By.id("client-type")).getText()).isEqualTo("confidential");
        assertThat(admin.visible(By.id("client-grants")).getText()).isEqualTo("authorization_code, refresh_token");
        assertThat(admin.visible(By.id("client-tokens")).getText()).isEqualTo("0 refresh tokens, 0 access tokens");
        assertThat(admin.driver().findElements(By.cssSelector("#client-redirect-uris li")).stream().map(WebElement::getText).toList())
                .containsExactly("https://wiki.example/callback", "https://wiki.example/other");
        Accessibility.assertNoSeriousViolations(admin, "client registered, secret shown");
        // Shown once: the client's page later has no secret.
        admin.open("/admin/clients/areas-wiki");
        assertThat(admin.driver().findElements(By.id("client-secret"))).isEmpty();
        assertThat(admin.driver().getPageSource()).doesNotContain(secret);
        Accessibility.assertNoSeriousViolations(admin, "client detail");

        clients.register(dev.glasskey.system.Actor.SYSTEM, new OidcClient.Registration("areas-cli", "Areas CLI", "public",
                null, List.of("http://127.0.0.1/callback"), null, null, null, null, null));
        admin.open("/admin/clients?q=areas&type=public");
        assertThat(rows("client-list", "data-client-id")).containsExactly("areas-cli");
        admin.open("/admin/clients?q=wiki.example");
        assertThat(rows("client-list", "data-client-id")).containsExactly("areas-wiki");
        admin.open("/admin/clients?q=areas&grant=refresh_token");
        assertThat(rows("client-list", "data-client-id")).containsExactly("areas-wiki");
        Accessibility.assertNoSeriousViolations(admin, "clients list");
        admin.docsScreenshot("clients.png");

        // Delete: the confirmation says what stops; a blank note is refused and nothing is deleted.
        admin.click(By.linkText("Areas wiki"));
        admin.click(By.id("delete-client"));
        String shown = admin.visible(By.id("consequences")).getText();
        assertThat(shown).contains("0 active refresh tokens are revoked").contains("0 unexpired access tokens stop working")
                .contains("Client id 'areas-wiki' is freed");
        Accessibility.assertNoSeriousViolations(admin, "client delete confirmation");
        admin.fill(admin.visible(By.id("confirm-form")), "note", "   ");
        admin.submit(admin.visible(By.id("confirm-form")));
        assertThat(admin.visible(By.id("error-note")).getText()).startsWith("[request.invalid] Say why");
        assertThat(clients.get("areas-wiki").name()).isEqualTo("Areas wiki");
        admin.fill(admin.visible(By.id("confirm-form")), "note", "wiki moved to the new IdP");
        admin.submit(admin.visible(By.id("confirm-form")));
        console.assertMessage("Client 'Areas wiki' deleted; the tokens issued to it are revoked.");
        assertThat(admin.path()).isEqualTo("/admin/clients");
        assertThat(clients.list()).noneMatch(c -> c.clientId().equals("areas-wiki"));
        assertThat(lastAudit("oidc.client.remove")).contains("(0 refresh tokens, 0 access tokens)")
                .endsWith("; note: wiki moved to the new IdP");
    }

    @Test
    void signingKeysShowTheirStateAndRotatingIsConfirmed() {
        admin.open("/admin/signing-keys");
        List<SigningKey.View> before = signingKeys.list().stream().filter(k -> k.state().equals("active")).toList();
        assertThat(before).hasSize(2);
        for (SigningKey.View k : before) {
            WebElement row = admin.visible(By.cssSelector("#signing-key-list tr[data-kid='" + k.kid() + "']"));
            assertThat(row.getAttribute("data-state")).isEqualTo("active");
            assertThat(row.findElement(By.cssSelector("button.copy")).getAttribute("data-copy")).isEqualTo(k.kid());
            assertThat(k.kid()).endsWith(row.findElement(By.cssSelector(".id code")).getText());
            assertThat(row.getText()).contains("signs every new token");
        }
        Accessibility.assertNoSeriousViolations(admin, "signing keys");
        admin.docsScreenshot("signing-keys.png");

        admin.click(By.id("rotate-keys"));
        String shown = admin.visible(By.id("consequences")).getText();
        assertThat(shown).contains("A new ES256 and a new RS256 key are generated");
        for (SigningKey.View k : before) {
            assertThat(shown).contains(k.kid());
        }
        Accessibility.assertNoSeriousViolations(admin, "rotation confirmation");
        admin.click(By.id("cancel"));
        assertThat(admin.path()).isEqualTo("/admin/signing-keys");
        assertThat(signingKeys.list().stream().filter(k -> k.state().equals("active")).toList()).isEqualTo(before);

        String shownAgain = console.confirm(By.id("rotate-keys"), "yearly rotation");
        assertThat(shownAgain).isEqualTo(shown);
        console.assertMessage("Signing keys rotated");
        assertThat(lastAudit("oidc.keys.rotate")).endsWith("; note: yearly rotation");
        for (SigningKey.View k : before) {
            assertThat(admin.visible(By.cssSelector("#signing-key-list tr[data-kid='" + k.kid() + "']")).getAttribute("data-state"))
                    .isEqualTo("retired");
        }
        admin.open("/admin/signing-keys?state=active");
        assertThat(rows("signing-key-list", "data-kid")).hasSize(2).doesNotContainAnyElementsOf(before.stream().map(SigningKey.View::kid).toList());
    }

    @Test
    void credentialsHaveAListADetailPageAndRevokeThroughTheOneConfirmation() {
        String me = console.account(ADMIN).id();
        String mine = jdbc.sql("select id from credential where account_id = :a").param("a", me).query(String.class).single();
        admin.open("/admin/credentials?q=" + ADMIN.replace(' ', '+') + "&state=usable&kind=regular");
        assertThat(rows("credential-list", "data-credential-id")).containsExactly(mine);
        Accessibility.assertNoSeriousViolations(admin, "credentials list");
        admin.open("/admin/credentials?q=" + ADMIN.replace(' ', '+') + "&state=revoked");
        assertThat(rows("credential-list", "data-credential-id")).isEmpty();
        admin.open("/admin/credentials?q=" + ADMIN.replace(' ', '+') + "&kind=emergency");
        assertThat(rows("credential-list", "data-credential-id")).isEmpty();

        admin.open("/admin/credentials?q=" + mine.substring(0, 8));
        admin.click(By.cssSelector("tr[data-credential-id='" + mine + "'] a[href='/admin/credentials/" + mine + "']"));
        assertThat(admin.visible(By.id("credential-title")).getText()).startsWith(ADMIN + " on ");
        assertThat(admin.visible(By.id("credential-state")).getText()).isEqualTo("usable");
        assertThat(admin.driver().findElements(By.cssSelector(".audit-entries tr[data-seq]"))).as("its registration").isNotEmpty();
        Accessibility.assertNoSeriousViolations(admin, "credential detail");
        // Revoking goes to the same confirmation as from the account's page.
        admin.click(By.id("revoke-credential"));
        assertThat(admin.path()).isEqualTo("/admin/credentials/" + mine + "/revoke");
        assertThat(admin.visible(By.tagName("h1")).getText()).startsWith("Revoke the credential of '" + ADMIN + "'");
    }

    @Test
    void enrolmentLinksAreListedAndAPendingOneIsRevokedWithAConfirmation() {
        admin.open("/admin");
        console.addKey("Areas link key", "Areas drawer", "Ida Custodian");
        WebElement form = admin.visible(By.id("new-account"));
        admin.fill(form, "displayName", "Areas link user");
        admin.submit(form);
        String link = console.issueLink("Areas link user", "Areas link key");
        String id = dev.glasskey.system.Ids.sha256Hex(link.substring(link.lastIndexOf('/') + 1));

        admin.open("/admin/enrolments?q=areas+link&state=pending");
        assertThat(rows("enrolment-list", "data-enrolment-id")).containsExactly(id);
        Accessibility.assertNoSeriousViolations(admin, "enrolment links");
        admin.open("/admin/enrolments?q=areas+link&state=used");
        assertThat(rows("enrolment-list", "data-enrolment-id")).isEmpty();

        admin.open("/admin/enrolments/" + id);
        assertThat(admin.visible(By.id("enrolment-title")).getText()).isEqualTo("Enrolment link for Areas link user");
        assertThat(admin.visible(By.id("enrolment-state")).getText()).isEqualTo("pending");
        Accessibility.assertNoSeriousViolations(admin, "enrolment link detail");
        admin.click(By.id("revoke-link"));
        assertThat(admin.visible(By.id("consequences")).getText()).contains("The link for 'Areas link user' on key 'Areas link key' stops working now");
        Accessibility.assertNoSeriousViolations(admin, "enrolment link revoke confirmation");
        admin.fill(admin.visible(By.id("confirm-form")), "note", "sent to the wrong custodian");
        admin.submit(admin.visible(By.id("confirm-form")));
        console.assertMessage("Enrolment link revoked.");
        assertThat(admin.visible(By.cssSelector("tr[data-enrolment-id='" + id + "']")).getText()).contains("revoked").doesNotContain("ended");
        admin.open("/admin/enrolments?q=areas+link&state=revoked");
        assertThat(rows("enrolment-list", "data-enrolment-id")).containsExactly(id);
        admin.open("/admin/enrolments?q=areas+link&state=expired");
        assertThat(rows("enrolment-list", "data-enrolment-id")).isEmpty();
        admin.open("/admin/enrolments/" + id);
        assertThat(admin.visible(By.id("enrolment-state")).getText()).isEqualTo("revoked");
        assertThat(admin.visible(By.id("enrolment-revoked-by")).getText()).isNotBlank();
        assertThat(admin.driver().findElements(By.id("revoke-link"))).isEmpty();
        Accessibility.assertNoSeriousViolations(admin, "revoked enrolment link detail");
        assertThat(lastAudit("enrolment.revoke")).contains("'Areas link user' on key 'Areas link key' revoked; note: sent to the wrong custodian");

        // Whoever holds the link is told it has ended.
        admin.open(link);
        assertThat(admin.visible(By.id("status")).getText()).startsWith("[enrolment.expired]");
    }

    /**
     * Issue 18: at 1280 × 800 the console's navigation is one line — every area link, the name signed in and the
     * sign-out button side by side, nothing scrolled out of the bar — on every area page; axe-core stays clean.
     */
    @Test
    void theNavigationIsOneLineAt1280Wide() {
        org.openqa.selenium.Dimension before = admin.driver().manage().window().getSize();
        try {
            admin.driver().manage().window().setSize(new org.openqa.selenium.Dimension(1280, 800));
            for (String page : List.of("/admin", "/admin/enrolments", "/admin/audit", "/admin/clients", "/admin/settings")) {
                admin.open(page);
                WebElement nav = admin.visible(By.cssSelector("header nav.top"));
                List<WebElement> links = nav.findElements(By.cssSelector(":scope > a"));
                // 14 areas and the name signed in, which links to "My roles" (PIM; "Approvals" joins them while a request waits).
                assertThat(links).as(page).hasSize(15);
                assertThat(links.stream().map(a -> a.getLocation().getY()).distinct().toList()).as(page + ": one line").hasSize(1);
                // The name and the button sit on that line too: their middles within the links' band.
                int top = links.get(0).getLocation().getY();
                int bottom = top + links.get(0).getSize().getHeight();
                for (WebElement other : List.of(nav.findElement(By.cssSelector(".who")), nav.findElement(By.cssSelector("form button")))) {
                    int middle = other.getLocation().getY() + other.getSize().getHeight() / 2;
                    assertThat(middle).as(page + ": " + other.getText()).isBetween(top, bottom);
                }
                // Nothing overflows the bar, and the last element ends inside the window.
                Object overflow = admin.driver().executeScript(
                        "const n = document.querySelector('header nav.top'); return n.scrollWidth - n.clientWidth;");
                assertThat(((Number) overflow).longValue()).as(page + ": the bar's overflow").isLessThanOrEqualTo(0);
                WebElement signOut = nav.findElement(By.cssSelector("form button"));
                assertThat(signOut.getLocation().getX() + signOut.getSize().getWidth()).as(page).isLessThanOrEqualTo(1280);
                assertThat(admin.visible(By.id("me")).getText()).isEqualTo(ADMIN);
            }
            admin.open("/admin");
            Accessibility.assertNoSeriousViolations(admin, "console at 1280 x 800");
        } finally {
            admin.driver().manage().window().setSize(before);
        }
    }

    @Test
    void theSettingsPageShowsTheEffectiveSettingsAndNoSecret() {
        admin.open("/admin/settings");
        assertThat(setting("glasskey.base-url")).isEqualTo(baseUrl());
        assertThat(setting("glasskey.session.max-age")).isEqualTo("8 h");
        assertThat(setting("glasskey.session.emergency-max-age")).isEqualTo("1 h");
        assertThat(setting("glasskey.rate-limit.sign-in")).matches("\\d+ per .+");
        assertThat(setting("database")).isEqualTo("embedded H2 (in the data directory)");
        assertThat(setting("management port (health, metrics)")).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(setting("alert channels")).matches("\\d+ \\(\\d+ enabled\\)");
        assertThat(setting("glasskey.data-dir")).isNotBlank();
        String page = admin.driver().getPageSource();
        // No setting of the secrets (glasskey.secrets.*), and the database only as its kind: its URL may carry a password.
        assertThat(page).doesNotContain("glasskey.secrets").doesNotContain("jdbc:");
        Accessibility.assertNoSeriousViolations(admin, "settings");
    }

    // --- helpers -----------------------------------------------------------------------------------

    /** The values of {@code attribute} on the rows of a table, in order. */
    List<String> rows(String table, String attribute) {
        return admin.driver().findElements(By.cssSelector("#" + table + " tr[" + attribute + "]")).stream()
                .map(r -> r.getAttribute(attribute)).toList();
    }

    String setting(String name) {
        return admin.visible(By.cssSelector("tr[data-setting='" + name + "'] td:nth-child(2)")).getText();
    }

}
