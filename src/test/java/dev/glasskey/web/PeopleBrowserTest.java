package dev.glasskey.web;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import dev.glasskey.people.PeopleService;
import dev.glasskey.system.Actor;
import dev.glasskey.testing.Browser;
import dev.glasskey.testing.BrowserServerTest;
import dev.glasskey.testing.Fixtures;
import dev.glasskey.testing.QrImages;
import dev.glasskey.totp.Totp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15 in a real Chromium: an invited person opens the setup link, sets a password, scans the
 * QR code (the test decodes the image the page shows with ZXing and computes codes from it, as an
 * app would), confirms the first code, sees ten recovery codes, then signs in on the sign-in page
 * with "Use a password and code", lands on their own page, which says how they signed in, and on
 * the security-info page gets new recovery codes and adds a passkey (Chromium's virtual platform
 * authenticator); signed out, the sign-in page's autofill request (mediation "conditional") signs
 * them in with it, no button pressed.
 */
class PeopleBrowserTest extends BrowserServerTest {

    @Test
    void anInvitedPersonSetsUpSignsInWithACodeAddsAPasskeyAndSignsInWithAutofill() throws Exception {
        PeopleService.Invitation invitation = bean(PeopleService.class).invite(Actor.SYSTEM, "Ana Lima",
                "ana." + System.nanoTime() + "@example.org", Set.of()); // no role: a person who lands on the signed-in page (auditors now reach the console, issue 16)
        String password = "four words make a passphrase";
        try (Browser browser = Browser.start(baseUrl())) {
            try {
                browser.open(invitation.link().url());
                assertThat(browser.visible(By.id("account-name")).getText()).isEqualTo("Ana Lima");
                WebElement passwordForm = browser.visible(By.id("password-step"));
                browser.fill(passwordForm, "password", "too short");
                passwordForm.findElement(By.cssSelector("button[type=submit]")).click();
                browser.waitUntil(d -> d.findElement(By.id("status")).getText().contains("password.too_short"));
                browser.fill(passwordForm, "password", password);
                passwordForm.findElement(By.cssSelector("button[type=submit]")).click();

                WebElement qr = browser.visible(By.id("qr-code"));
                String uri = QrImages.decode(qr.getAttribute("src"));
                String secret = Fixtures.secretOf(uri);
                assertThat(browser.visible(By.id("manual-key")).getText().replace(" ", "")).isEqualTo(secret);
                WebElement confirm = browser.visible(By.id("confirm-step"));
                browser.fill(confirm, "code", code(secret));
                confirm.findElement(By.cssSelector("button[type=submit]")).click();
                browser.visible(By.id("recovery-step"));
                List<String> recovery = browser.driver().findElements(By.cssSelector("#recovery-codes li")).stream().map(WebElement::getText).toList();
                assertThat(recovery).hasSize(10);

                clock.advance(Totp.STEP);
                browser.open("/sign-in");
                browser.click(By.cssSelector("#password-option summary"));
                WebElement signIn = browser.visible(By.id("password-sign-in"));
                browser.fill(signIn, "signInName", invitation.account().signInName());
                browser.fill(signIn, "password", password);
                browser.fill(signIn, "code", code(secret));
                browser.submit(signIn);
                assertThat(browser.path()).isEqualTo("/");
                assertThat(browser.visible(By.id("method")).getText()).isEqualTo("a password and code");
                assertThat(browser.visible(By.id("acr")).getText()).isEqualTo("mfa");
                assertThat(browser.visible(By.id("amr")).getText()).isEqualTo("pwd, otp, mfa");

                // Security info: the person's own methods, and new recovery codes shown once.
                browser.click(By.id("security-info-link"));
                assertThat(browser.visible(By.id("password-and-app")).getText()).isEqualTo("Set up");
                assertThat(browser.visible(By.id("recovery-left")).getText()).isEqualTo("10");
                browser.click(By.id("new-recovery-codes"));
                browser.waitUntil(d -> d.findElements(By.cssSelector("#recovery-codes li")).size() == 10);
                assertThat(browser.driver().findElements(By.cssSelector("#recovery-codes li")).stream().map(WebElement::getText).toList())
                        .doesNotContainAnyElementsOf(recovery);

                // A passkey of their own, from Security info, on the computer's platform authenticator.
                assertThat(browser.driver().findElements(By.cssSelector("#keys li"))).isEmpty();
                Browser.Key laptop = browser.insertOnly(browser.newPlatformAuthenticator("Ana's laptop"));
                browser.click(By.id("add-passkey"));
                browser.waitUntil(d -> d.findElements(By.cssSelector("#keys li")).size() == 1);
                assertThat(browser.visible(By.cssSelector("#keys li .key-label")).getText()).startsWith("Passkey of Ana Lima");
                assertThat(laptop.credentials()).hasSize(1);
                assertThat(Browser.b64u(laptop.credentials().get(0).getUserHandle())).isEqualTo(invitation.account().userHandle());

                // Signed out, the sign-in page offers the passkey on the name field (autofill, mediation "conditional"):
                // the person opens "Use a password and code" and picks it there — no key button pressed.
                browser.click(By.cssSelector("header form button[type=submit]"));
                browser.waitUntil(d -> browser.path().equals("/sign-in"));
                browser.click(By.cssSelector("#password-option summary"));
                try {
                    browser.driver().findElement(By.id("sign-in-name")).click();
                } catch (org.openqa.selenium.WebDriverException answeredAlready) {
                    // Chromium's virtual authenticator may answer the autofill request before the field is focused.
                }
                browser.waitUntil(d -> browser.path().equals("/"));
                assertThat(browser.visible(By.id("method")).getText()).isEqualTo("a security key");
                assertThat(browser.visible(By.id("amr")).getText()).isEqualTo("hwk, user, mfa");
                assertThat(browser.visible(By.id("acr")).getText()).isEqualTo("phr");
            } catch (AssertionError | RuntimeException e) {
                browser.saveArtifacts("people-setup-and-sign-in");
                throw e;
            }
        }
    }

    private String code(String secret) {
        return Totp.code(secret, Totp.step(clock.instant()));
    }
}
