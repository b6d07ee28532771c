package dev.glasskey.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.glasskey.account.AccountService;
import dev.glasskey.alert.AlertService;
import dev.glasskey.emergency.ChangePreview;
import dev.glasskey.key.KeyService;
import dev.glasskey.key.SecurityKey;
import dev.glasskey.oidc.ClientService;
import dev.glasskey.oidc.OidcProperties;
import dev.glasskey.oidc.SigningKey;
import dev.glasskey.oidc.SigningKeys;
import dev.glasskey.system.Actors;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Notes;
import dev.glasskey.system.Problems;
import dev.glasskey.webauthn.CredentialService;
import dev.glasskey.webauthn.EnrolmentService;

/**
 * Issue 18: every destructive action in the console — disable an account, revoke a credential or an
 * enrolment link, mark a key lost, retire a key, delete an alert channel or rule, delete an OpenID
 * Connect client, rotate the token signing keys — first shows what it will do
 * (credentials that stop working, accounts that can no longer sign in, readiness before and
 * after, and whether the lockout guard will refuse it; {@link ChangePreview}) and asks for a note,
 * which the change's audit entry keeps. The GET shows the confirmation; the POST, with its note,
 * makes the change through the same service as the API. A refused POST shows the confirmation
 * again with the error next to its field and the typed note kept.
 */
@Controller
class ConfirmPages {
    private final AccountService accounts;
    private final KeyService keys;
    private final CredentialService credentials;
    private final AlertService alerts;
    private final ChangePreview preview;
    private final ClientService clients;
    private final SigningKeys signingKeys;
    private final OidcProperties oidc;
    private final EnrolmentService enrolments;

    ConfirmPages(AccountService accounts, KeyService keys, CredentialService credentials, AlertService alerts, ChangePreview preview,
                 ClientService clients, SigningKeys signingKeys, OidcProperties oidc, EnrolmentService enrolments) {
        this.accounts = accounts;
        this.keys = keys;
        this.credentials = credentials;
        this.alerts = alerts;
        this.preview = preview;
        this.clients = clients;
        this.signingKeys = signingKeys;
        this.oidc = oidc;
        this.enrolments = enrolments;
    }

    /** What the confirmation page shows. */
    record Confirmation(String title, String action, String button, String cancel, List<String> facts, ChangePreview.Consequence consequence) {}

    // --- accounts -------------------------------------------------------------------------------------------

    @GetMapping("/admin/accounts/{id}/disable")
    String confirmDisable(@PathVariable String id, Model model) {
        return show(model, disable(id), null, null);
    }

    @PostMapping("/admin/accounts/{id}/disable")
    String disable(@PathVariable String id, @RequestParam(required = false) String note, Model model, RedirectAttributes flash,
                   HttpServletRequest request, HttpServletResponse response) {
        return act(model, flash, request, response, () -> disable(id), note, "/admin",
                () -> "Account '" + accounts.setEnabled(Actors.current(), id, false, Notes.required(note)).displayName() + "' disabled.");
    }

    private Confirmation disable(String id) {
        var account = accounts.get(id);
        var c = preview.disableAccount(id);
        return new Confirmation("Disable account '" + account.displayName() + "'?", "/admin/accounts/" + id + "/disable",
                "Disable account", "/admin", List.of((account.emergency() ? "Emergency account" : "Account")
                + " '" + account.displayName() + "': its sessions end and its OpenID Connect tokens are revoked."), c);
    }

    // --- credentials ----------------------------------------------------------------------------------------

    @GetMapping("/admin/credentials/{id}/revoke")
    String confirmRevoke(@PathVariable String id, Model model) {
        return show(model, revoke(id), null, null);
    }

    @PostMapping("/admin/credentials/{id}/revoke")
    String revoke(@PathVariable String id, @RequestParam(required = false) String note, Model model, RedirectAttributes flash,
                  HttpServletRequest request, HttpServletResponse response) {
        return act(model, flash, request, response, () -> revoke(id), note, "/admin",
                () -> "Credential on key '" + credentials.revoke(Actors.current(), id, Notes.required(note)).keyLabel() + "' revoked.");
    }

    private Confirmation revoke(String id) {
        var v = credentials.get(id);
        var owner = accounts.get(v.credential().accountId());
        return new Confirmation("Revoke the credential of '" + owner.displayName() + "' on key '" + v.keyLabel() + "'?",
                "/admin/credentials/" + id + "/revoke", "Revoke credential", "/admin",
                List.of("Revoking is permanent: the key must be enrolled again to sign in to this account with it."),
                preview.revokeCredential(id));
    }

    // --- keys -----------------------------------------------------------------------------------------------

    @GetMapping("/admin/keys/{id}/lost")
    String confirmLost(@PathVariable String id, Model model) {
        return show(model, keyStatus(id, SecurityKey.Status.LOST), null, null);
    }

    @PostMapping("/admin/keys/{id}/lost")
    String lost(@PathVariable String id, @RequestParam(required = false) String note, Model model, RedirectAttributes flash,
                HttpServletRequest request, HttpServletResponse response) {
        return act(model, flash, request, response, () -> keyStatus(id, SecurityKey.Status.LOST), note, "/admin",
                () -> "Key '" + keys.markLost(Actors.current(), id, Notes.required(note)).label()
                        + "' marked lost: every credential on it stopped working.");
    }

    @GetMapping("/admin/keys/{id}/retire")
    String confirmRetire(@PathVariable String id, Model model) {
        return show(model, keyStatus(id, SecurityKey.Status.RETIRED), null, null);
    }

    @PostMapping("/admin/keys/{id}/retire")
    String retire(@PathVariable String id, @RequestParam(required = false) String note, Model model, RedirectAttributes flash,
                  HttpServletRequest request, HttpServletResponse response) {
        return act(model, flash, request, response, () -> keyStatus(id, SecurityKey.Status.RETIRED), note, "/admin",
                () -> "Key '" + keys.retire(Actors.current(), id, Notes.required(note)).label()
                        + "' retired: every credential on it stopped working.");
    }

    private Confirmation keyStatus(String id, SecurityKey.Status status) {
        SecurityKey key = keys.get(id);
        boolean lost = status == SecurityKey.Status.LOST;
        return new Confirmation((lost ? "Mark key '" : "Retire key '") + key.label() + "'" + (lost ? " lost?" : "?"),
                "/admin/keys/" + id + (lost ? "/lost" : "/retire"), lost ? "Mark lost" : "Retire key", "/admin",
                List.of("Key '" + key.label() + "'" + (key.location() == null ? "" : ", kept at " + key.location())
                        + (key.custodian() == null ? "" : ", custodian " + key.custodian()) + ". This cannot be undone: "
                        + "a key found again must be enrolled again as a new inventory key."),
                preview.keyStatus(id, status));
    }

    // --- alert channels and rules ---------------------------------------------------------------------------

    @GetMapping("/admin/alerts/channels/{id}/delete")
    String confirmDeleteChannel(@PathVariable String id, Model model) {
        return show(model, deleteChannel(id), null, null);
    }

    @PostMapping("/admin/alerts/channels/{id}/delete")
    String deleteChannel(@PathVariable String id, @RequestParam(required = false) String note, Model model, RedirectAttributes flash,
                         HttpServletRequest request, HttpServletResponse response) {
        return act(model, flash, request, response, () -> deleteChannel(id), note, "/admin/alerts", () -> {
            alerts.delete(Actors.current(), id, Notes.required(note));
            return "Channel deleted.";
        });
    }

    private Confirmation deleteChannel(String id) {
        var channel = alerts.channels().stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new GlasskeyException(ErrorCode.ALERT_CHANNEL_NOT_FOUND, "No alert channel '" + id + "'."));
        List<String> facts = new ArrayList<>();
        facts.add("Alerts stop going to " + channel.type() + " channel '" + channel.name() + "'.");
        if (channel.pending() > 0) {
            facts.add(channel.pending() + " undelivered alert(s) queued for it are dropped.");
        }
        if (channel.receivesCheckpoints()) {
            facts.add("It receives the audit log's checkpoints: their copy outside the database stops here.");
        }
        return new Confirmation("Delete alert channel '" + channel.name() + "'?", "/admin/alerts/channels/" + id + "/delete",
                "Delete channel", "/admin/alerts", facts, preview.deleteChannel(id));
    }

    @GetMapping("/admin/alerts/rules/{id}/delete")
    String confirmDeleteRule(@PathVariable String id, Model model) {
        return show(model, deleteRule(id), null, null);
    }

    @PostMapping("/admin/alerts/rules/{id}/delete")
    String deleteRule(@PathVariable String id, @RequestParam(required = false) String note, Model model, RedirectAttributes flash,
                      HttpServletRequest request, HttpServletResponse response) {
        return act(model, flash, request, response, () -> deleteRule(id), note, "/admin/alerts", () -> {
            alerts.deleteRule(Actors.current(), id, Notes.required(note));
            return "Rule '" + id + "' deleted.";
        });
    }

    private Confirmation deleteRule(String id) {
        var rule = alerts.rules().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new GlasskeyException(ErrorCode.ALERT_RULE_NOT_FOUND, "No alert rule '" + id + "'."));
        return new Confirmation("Delete alert rule '" + id + "'?", "/admin/alerts/rules/" + id + "/delete", "Delete rule",
                "/admin/alerts", List.of("Events matching it (" + String.join(", ", rule.actions()) + ") no longer raise a "
                + rule.severity().value() + " alert: " + rule.description() + ". To silence it for a while, turn it off instead."),
                null);
    }

    // --- OpenID Connect clients and signing keys ------------------------------------------------------------

    @GetMapping("/admin/clients/{clientId}/delete")
    String confirmDeleteClient(@PathVariable String clientId, Model model) {
        return show(model, deleteClient(clientId), null, null);
    }

    @PostMapping("/admin/clients/{clientId}/delete")
    String deleteClient(@PathVariable String clientId, @RequestParam(required = false) String note, Model model, RedirectAttributes flash,
                        HttpServletRequest request, HttpServletResponse response) {
        return act(model, flash, request, response, () -> deleteClient(clientId), note, "/admin/clients", () -> {
            String name = clients.get(clientId).name();
            clients.remove(Actors.current(), clientId, Notes.required(note));
            return "Client '" + name + "' deleted; the tokens issued to it are revoked.";
        });
    }

    private Confirmation deleteClient(String clientId) {
        var client = clients.get(clientId);
        var live = clients.liveTokens(clientId);
        return new Confirmation("Delete client '" + client.name() + "'?", "/admin/clients/" + clientId + "/delete", "Delete client",
                "/admin/clients/" + clientId, List.of(
                        live.refreshTokens() + (live.refreshTokens() == 1 ? " active refresh token is" : " active refresh tokens are")
                                + " revoked: the people signed in to '" + client.name() + "' through Glasskey must sign in again"
                                + " once the client is registered anew.",
                        live.accessTokens() + (live.accessTokens() == 1 ? " unexpired access token stops" : " unexpired access tokens stop")
                                + " working at token introspection (a resource server that only checks the signature accepts it until it expires).",
                        "Client id '" + client.clientId() + "' is freed; its redirect URIs (" + String.join(", ", client.redirectUris())
                                + ") no longer receive codes. This cannot be undone: registering again gives a new secret."),
                null);
    }

    @GetMapping("/admin/signing-keys/rotate")
    String confirmRotate(Model model) {
        return show(model, rotate(), null, null);
    }

    @PostMapping("/admin/signing-keys/rotate")
    String rotate(@RequestParam(required = false) String note, Model model, RedirectAttributes flash,
                  HttpServletRequest request, HttpServletResponse response) {
        return act(model, flash, request, response, this::rotate, note, "/admin/signing-keys", () -> {
            signingKeys.rotate(Actors.current(), Duration.ZERO, Notes.required(note));
            return "Signing keys rotated: the new keys sign from now on.";
        });
    }

    private Confirmation rotate() {
        var active = signingKeys.list().stream().filter(k -> k.state().equals("active")).map(SigningKey.View::kid).sorted().toList();
        return new Confirmation("Rotate the token signing keys?", "/admin/signing-keys/rotate", "Rotate keys", "/admin/signing-keys",
                List.of("A new ES256 and a new RS256 key are generated and sign every token from now on.",
                        "The keys in force now (" + String.join(", ", active) + ") stop signing; they stay in the JWK Set for "
                                + ConsoleView.length(oidc.retiredKeyRetention()) + ", so tokens they signed keep verifying until they expire.",
                        "A relying party that pinned a key instead of reading the JWK Set rejects new tokens until it fetches the new keys."),
                null);
    }

    // --- enrolment links ------------------------------------------------------------------------------------

    @GetMapping("/admin/enrolments/{id}/revoke")
    String confirmRevokeLink(@PathVariable String id, Model model) {
        return show(model, revokeLink(id), null, null);
    }

    @PostMapping("/admin/enrolments/{id}/revoke")
    String revokeLink(@PathVariable String id, @RequestParam(required = false) String note, Model model, RedirectAttributes flash,
                      HttpServletRequest request, HttpServletResponse response) {
        return act(model, flash, request, response, () -> revokeLink(id), note, "/admin/enrolments", () -> {
            enrolments.revoke(Actors.current(), id, Notes.required(note));
            return "Enrolment link revoked.";
        });
    }

    private Confirmation revokeLink(String id) {
        var link = enrolments.get(id);
        var account = accounts.get(link.accountId());
        String key = link.keyId() == null ? "a new key (added to the inventory when enrolled)" : "key '" + keys.get(link.keyId()).label() + "'";
        return new Confirmation("Revoke the enrolment link of '" + account.displayName() + "'?", "/admin/enrolments/" + id + "/revoke",
                "Revoke link", "/admin/enrolments/" + id, List.of("The link for '" + account.displayName() + "' on " + key
                + " stops working now: whoever holds it is told it has expired. No credential changes; issue a new link to enrol."),
                null);
    }

    // --- shared ---------------------------------------------------------------------------------------------

    private static String show(Model model, Confirmation confirmation, String note, Map<String, String> fieldErrors) {
        model.addAttribute("me", Actors.current());
        model.addAttribute("confirmation", confirmation);
        model.addAttribute("note", note);
        model.addAttribute("fieldErrors", fieldErrors == null ? Map.of() : fieldErrors);
        return "confirm";
    }

    /**
     * Makes the change; on success back to {@code done} with the message. A refusal shows the
     * confirmation again, answered with the refusal's status: a field's error next to the field, any
     * other (the lockout guard's, say) above the form; the typed note is kept.
     */
    private static String act(Model model, RedirectAttributes flash, HttpServletRequest request, HttpServletResponse response,
                              Supplier<Confirmation> confirmation, String note, String done, Supplier<String> change) {
        try {
            flash.addFlashAttribute("message", change.get());
            return "redirect:" + done;
        } catch (GlasskeyException e) {
            Problems.markRefused(request, e.errorCode());
            response.setStatus(e.errorCode().status().value());
            String message = "[" + e.errorCode().code() + "] " + e.detail();
            if (e.field() != null) {
                return show(model, confirmation.get(), note, Map.of(e.field(), message));
            }
            model.addAttribute("error", message);
            return show(model, confirmation.get(), note, null);
        }
    }
}
