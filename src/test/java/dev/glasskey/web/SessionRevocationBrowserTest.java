package dev.glasskey.web;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import dev.glasskey.testing.Browser;
import dev.glasskey.testing.BrowserServerTest;
import dev.glasskey.testing.Console;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Revocation reaches a live browser session at once: an administrator signed in in one browser
 * (say, with a stolen key) is signed out by the very next request after another administrator,
 * in another browser, marks that key lost in the console.
 */
class SessionRevocationBrowserTest extends BrowserServerTest {

    @Test
    void markingAKeyLostSignsItsSessionOutAtTheNextRequest() {
        try (Browser thiefBrowser = Browser.start(baseUrl()); Browser operatorBrowser = Browser.start(baseUrl())) {
            Console thief = new Console(thiefBrowser, accounts);
            Console operator = new Console(operatorBrowser, accounts);
            signInNewAdministrator(thief, "Holder of the stolen key");
            signInNewAdministrator(operator, "Operator on duty");
            String thiefAccount = thief.session().path("accountId").asString();
            String stolenKey = thief.session().path("keyId").asString();
            thiefBrowser.open("/admin");
            assertThat(thiefBrowser.path()).isEqualTo("/admin");

            operatorBrowser.open("/admin");
            String consequence = operator.confirm(By.cssSelector("tr[data-key-id='" + stolenKey + "'] a[href$='/lost']"), "stolen from a car");
            assertThat(consequence).contains("1 credential stops working.").contains("Can no longer sign in: Holder of the stolen key.");
            operator.assertMessage("marked lost: every credential on it stopped working.");

            // The thief's very next request: back at the sign-in page, the session gone.
            thiefBrowser.open("/admin");
            assertThat(thiefBrowser.path()).isEqualTo("/sign-in");
            thiefBrowser.open("/api/session");
            assertThat(thiefBrowser.visible(By.tagName("pre")).getText()).contains("auth.required");
            assertThat(jdbc.sql("select count(*) from spring_session where principal_name = :a").param("a", thiefAccount)
                    .query(Long.class).single()).isZero();
            // The operator's own session is untouched.
            assertThat(operator.session().path("keyId").asString()).isNotEqualTo(stolenKey);
        }
    }
}
