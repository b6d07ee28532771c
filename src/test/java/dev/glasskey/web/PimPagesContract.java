package dev.glasskey.web;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.glasskey.account.Account;
import dev.glasskey.pim.PimService;
import dev.glasskey.system.Actor;
import dev.glasskey.testing.Client;
import dev.glasskey.testing.Fixtures;
import dev.glasskey.testing.SoftwareAuthenticator;
import dev.glasskey.webauthn.Enrolment;
import dev.glasskey.webauthn.EnrolmentLink;
import dev.glasskey.webauthn.EnrolmentService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PIM's console pages over HTTP with hostile form input (issue 16 §7; house style for pages): every
 * refused form comes back to its page (a redirect, never a 500) with the precise code next to the
 * field it is about and what was typed kept, and leaves the stored state exactly as it was. Read
 * pages with bad filters show the field error; an unknown role's history is the HTML problem page.
 */
interface PimPagesContract extends Fixtures {

    /** A bad activation form: its fields, and the field and code of the refusal. */
    record Bad(String role, String durationMinutes, String justification, String ticket, String field, String code) {}

    @Test
    default void theActivationFormRefusesBadInputNextToItsFieldKeepingWhatWasTyped() {
        Client person = signedInPerson("Page person", "key-custodian");
        String longText = "x".repeat(501);
        List<Bad> corpus = new ArrayList<>(List.of(
                new Bad("key-custodian", "10", "   ", "", "justification", "request.invalid"),
                new Bad("key-custodian", "10", "line\u0007bell", "", "justification", "request.invalid"),
                new Bad("key-custodian", "10", "tab\tinside", "", "justification", "request.invalid"),
                new Bad("key-custodian", "10", longText, "", "justification", "request.invalid"),
                new Bad("key-custodian", "10", "audit", "t".repeat(101), "ticket", "request.invalid"),
                new Bad("key-custodian", "10", "audit", "INC\n1", "ticket", "request.invalid"),
                new Bad("key-custodian", "ten", "audit", "", "durationMinutes", "request.invalid"),
                new Bad("key-custodian", "-5", "audit", "", "durationMinutes", "request.invalid"),
                new Bad("key-custodian", "1e3", "audit", "", "durationMinutes", "request.invalid"),
                new Bad("key-custodian", "99999999999999", "audit", "", "durationMinutes", "request.invalid"),
                new Bad("key-custodian", "٣٠", "audit", "", "durationMinutes", "request.invalid"),
                new Bad("key-custodian", "0", "audit", "", "durationMinutes", "pim.duration_invalid"),
                new Bad("key-custodian", "61", "audit", "", "durationMinutes", "pim.duration_invalid"),
                new Bad("root", "10", "audit", "", "role", "role.unknown"),
                new Bad("", "10", "audit", "", "role", "role.unknown"),
                new Bad("auditor", "10", "audit", "", "role", "pim.not_eligible")));
        String state = storedState();
        for (Bad bad : corpus) {
            Client.Response r = form(person, "/me/roles/activate", "role", bad.role(), "durationMinutes", bad.durationMinutes(),
                    "justification", bad.justification(), "ticket", bad.ticket());
            Client.Response page = r;
            assertThat(page.status()).as(bad + ": " + r).isBetween(400, 403);
            assertThat(fieldError(page.body(), bad.field())).as(bad + " " + page.body()).startsWith("[" + bad.code() + "]");
            if (!bad.justification().isBlank() && bad.justification().chars().noneMatch(Character::isISOControl)) {
                assertThat(page.body()).as(bad + ": justification kept").contains("value=\"" + bad.justification() + "\"");
            }
            if (bad.durationMinutes().matches("[0-9a-z-]+")) {
                assertThat(page.body()).as(bad + ": duration kept").contains("name=\"durationMinutes\"")
                        .contains("value=\"" + bad.durationMinutes() + "\"");
            }
            assertThat(storedState()).as(bad.toString()).isEqualTo(state);
        }
        // A good one, to show the corpus was refused for its faults only.
        Client.Response ok = form(person, "/me/roles/activate", "role", "key-custodian", "durationMinutes", "10", "justification", "audit",
                "ticket", "");
        assertThat(ok.status()).isEqualTo(302);
        Client.Response page = person.getHtml("/me/roles");
        assertThat(page.body()).contains("data-role=\"key-custodian\"").contains("10 min left");
        // Deactivating what is not a running activation of one's own: the code on top, nothing changed.
        String after = storedState();
        for (String id : List.of("nope", "00000000-0000-0000-0000-000000000000", "%E2%80%AE", "a".repeat(300))) {
            Client.Response r = form(person, "/me/roles/" + id + "/deactivate");
            assertThat(r.status()).as(id + ": " + r).isIn(400, 404, 409);
            if (r.status() == 409) {
                assertThat(r.body()).contains("id=\"error\"").contains("[pim.not_active]");
            }
            assertThat(storedState()).isEqualTo(after);
        }
    }

    @Test
    default void approvalsRoleSettingsAndReportsRefuseBadInputOnTheirPages() {
        SignedInClient admin = newAdmin();
        Client http = admin.http();
        String state = storedState();
        // Approvals: unknown requests, a deny without a reason.
        Client.Response approved = form(http, "/me/approvals/00000000-0000-0000-0000-000000000000/approve");
        assertThat(approved.status()).as(approved.toString()).isEqualTo(404);
        assertThat(approved.body()).contains("id=\"error\"").contains("[pim.request_not_found]").contains("<h1>Approvals</h1>");
        Client.Response denied = form(http, "/me/approvals/nope/deny", "reason", "no");
        assertThat(denied.status()).isEqualTo(404);
        assertThat(denied.body()).contains("[pim.request_not_found]");
        denied = form(http, "/me/approvals/nope/deny", "reason", "  ");
        assertThat(denied.status()).isEqualTo(400);
        assertThat(denied.body()).contains("[request.invalid] reason is required");
        assertThat(storedState()).isEqualTo(state);

        // Role settings: each bad field refused next to it, what was typed kept.
        String[][] corpus = {
                {"maxDurationMinutes", "abc", "request.invalid"},
                {"maxDurationMinutes", "0", "pim.settings_invalid"},
                {"maxDurationMinutes", "1441", "pim.settings_invalid"},
                {"approvalsNeeded", "11", "pim.settings_invalid"},
                {"approvalsNeeded", "0", "pim.settings_invalid"},
                {"stepUpMinutes", "61", "pim.settings_invalid"},
                {"stepUpMinutes", "-1", "request.invalid"},
                {"requestTtlMinutes", "4", "pim.settings_invalid"},
                {"requestTtlMinutes", "10081", "pim.settings_invalid"},
        };
        for (String[] bad : corpus) {
            List<String> fields = new ArrayList<>(List.of("maxDurationMinutes", "60", "approvalsNeeded", "1", "stepUpMinutes", "5",
                    "requestTtlMinutes", "1440"));
            fields.set(fields.indexOf(bad[0]) + 1, bad[1]);
            Client.Response r = form(http, "/admin/pim/roles/auditor", fields.toArray(String[]::new));
            assertThat(r.status()).as(String.join(" ", bad)).isEqualTo(400);
            String body = r.body();
            assertThat(fieldError(body, bad[0])).as(String.join(" ", bad)).startsWith("[" + bad[2] + "]");
            assertThat(body).contains("value=\"" + bad[1] + "\"");
            assertThat(storedState()).as(String.join(" ", bad)).isEqualTo(state);
        }
        // Approval required with no approver, or with one that is no account.
        Client.Response r = form(http, "/admin/pim/roles/auditor", "approvalRequired", "true");
        assertThat(r.status()).isEqualTo(400);
        assertThat(fieldError(r.body(), "approvers")).startsWith("[pim.settings_invalid]");
        r = form(http, "/admin/pim/roles/auditor", "approvers", "not-an-account");
        assertThat(r.status()).isEqualTo(400);
        assertThat(fieldError(r.body(), "approvers")).startsWith("[pim.settings_invalid]");
        r = form(http, "/admin/pim/roles/root", "maxDurationMinutes", "5");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("id=\"error\"").contains("[role.unknown]");
        assertThat(storedState()).isEqualTo(state);
        // A box ticked with another value is not ticked: the (unchanged) settings are saved.
        assertThat(form(http, "/admin/pim/roles/auditor", "approvalRequired", "yes please").status()).isEqualTo(302);
        assertThat(storedState()).isEqualTo(state);

        // Reports: bad filters shown next to them; an unknown role's history and export are problems, never a 500.
        assertThat(fieldError(http.getHtml("/admin/pim/assignments?kind=bogus").body(), "kind")).startsWith("[request.invalid]");
        assertThat(fieldError(http.getHtml("/admin/pim/assignments?role=%3Cscript%3E").body(), "role")).startsWith("[role.unknown]");
        Client.Response history = http.getHtml("/admin/pim/roles/root/history");
        assertThat(history.status()).isEqualTo(400);
        assertThat(history.body()).contains("role.unknown");
        assertThat(http.getHtml("/admin/pim/assignments/export?role=root").status()).isEqualTo(400);
        assertThat(storedState()).isEqualTo(state);
    }

    @Test
    default void theCsvExportQuotesEveryFieldAndDefusesFormulas() {
        Client http = newAdmin().http();
        Account sly = accounts().create(Actor.SYSTEM, "=HYPERLINK(\"http://evil\",\"x\") " + System.nanoTime(), false, Set.of());
        bean(PimService.class).assign(Actor.SYSTEM, new PimService.NewAssignment(sly.id(), "auditor", "eligible", null, false,
                "+cmd, \"quoted\""));
        Client.Response csv = http.getHtml("/admin/pim/assignments/export?kind=eligible&role=auditor");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        String line = csv.body().lines().filter(l -> l.contains(sly.id())).findFirst().orElseThrow();
        assertThat(line).startsWith("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\") ").contains(",\"'+cmd, \"\"quoted\"\"\",");
        assertThat(csv.body()).contains("\r\n");
    }

    /** A person with no role but an eligible one, signed in with a security key over HTTP. */
    private Client signedInPerson(String name, String eligibleRole) {
        Account p = accounts().create(Actor.SYSTEM, name + " " + System.nanoTime(), false, Set.of());
        bean(PimService.class).assign(Actor.SYSTEM, new PimService.NewAssignment(p.id(), eligibleRole, "eligible", null, false, "on call"));
        EnrolmentLink link = bean(EnrolmentService.class).issueAdministratorLink(Actor.SYSTEM, p.id(), Enrolment.FIRST_ADMIN);
        SoftwareAuthenticator key = newKey();
        Client c = client();
        Client.Response enrolled = enrol(c, link.token(), key);
        assertThat(enrolled.status()).as(enrolled.toString()).isEqualTo(201);
        Client.Response signedIn = signIn(c, key, p.userHandle());
        assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
        return c;
    }

    /** A browser's form post (urlencoded name, value pairs; Accept text/html), redirects not followed. */
    private static Client.Response form(Client c, String path, String... pairs) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return c.send(HttpRequest.newBuilder(c.uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html").POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** The text of the page's field error of {@code field} ({@code id="error-<field>"}), or "" when there is none. */
    private static String fieldError(String html, String field) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("id=\"error-" + field + "\"[^>]*>([^<]*)<").matcher(html);
        if (m.find()) {
            return org.springframework.web.util.HtmlUtils.htmlUnescape(m.group(1));
        }
        java.util.regex.Matcher m2 = java.util.regex.Pattern.compile("<[^>]*id=\"error-" + field + "\"[^>]*>([^<]*)<").matcher(html);
        return m2.find() ? org.springframework.web.util.HtmlUtils.htmlUnescape(m2.group(1)) : "";
    }
}
