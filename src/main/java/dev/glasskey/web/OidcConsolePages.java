package dev.glasskey.web;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.glasskey.oidc.ClientService;
import dev.glasskey.oidc.OidcClient;
import dev.glasskey.oidc.SigningKey;
import dev.glasskey.oidc.SigningKeys;
import dev.glasskey.system.Actors;
import dev.glasskey.system.GlasskeyException;

/**
 * Issue 18: the OpenID Connect clients area (list with search, filter and paging; a detail page with
 * redirect URIs, grants, authentication method, scopes and the tokens that work now; a register
 * form) and the signing keys area (each key's state, times and kid). Registering goes through the
 * same {@link ClientService} as {@code POST /api/clients}; removing a client and rotating the keys
 * are destructive and go through {@link ConfirmPages}.
 */
@Controller
class OidcConsolePages {
    private final ClientService clients;
    private final SigningKeys signingKeys;

    OidcConsolePages(ClientService clients, SigningKeys signingKeys) {
        this.clients = clients;
        this.signingKeys = signingKeys;
    }

    @GetMapping("/admin/clients")
    String clients(@RequestParam(required = false) String q, @RequestParam(required = false) String type,
                   @RequestParam(required = false) String grant, @RequestParam(defaultValue = "1") int page, Model model) {
        String needle = q == null || q.isBlank() ? null : q.strip().toLowerCase(Locale.ROOT);
        List<OidcClient> all = clients.list().stream()
                .filter(c -> needle == null || c.name().toLowerCase(Locale.ROOT).contains(needle)
                        || c.clientId().toLowerCase(Locale.ROOT).contains(needle)
                        || c.redirectUris().stream().anyMatch(u -> u.toLowerCase(Locale.ROOT).contains(needle)))
                .filter(c -> type == null || type.isBlank() || c.type().equals(type))
                .filter(c -> grant == null || grant.isBlank() || c.grantTypes().contains(grant))
                .sorted(Comparator.comparing((OidcClient c) -> c.name().toLowerCase(Locale.ROOT)).thenComparing(OidcClient::clientId))
                .toList();
        model.addAttribute("me", Actors.current());
        model.addAttribute("page", AreaPages.Page.of(all, page));
        model.addAttribute("q", q);
        model.addAttribute("type", type);
        model.addAttribute("grant", grant);
        return "clients";
    }

    @GetMapping("/admin/clients/{clientId}")
    String client(@PathVariable String clientId, Model model) {
        return detail(clients.get(clientId), null, model);
    }

    private String detail(OidcClient client, String secret, Model model) {
        model.addAttribute("me", Actors.current());
        model.addAttribute("client", client);
        model.addAttribute("live", clients.liveTokens(client.clientId()));
        model.addAttribute("secret", secret);
        return "client";
    }

    /**
     * The register form. The new client's page is the answer itself (200), not a redirect: a
     * confidential client's secret is shown this once, and a flash attribute would keep it in the
     * session, a database row (docs/OPERATIONS.md, "Secrets at rest"). A refusal goes back to the
     * list with the error under the form and what was typed kept.
     */
    @PostMapping("/admin/clients")
    String register(@RequestParam(required = false) String name, @RequestParam(required = false) String clientId,
                    @RequestParam(defaultValue = "confidential") String type, @RequestParam(required = false) String redirectUris,
                    @RequestParam(required = false) List<String> grantTypes, @RequestParam(required = false) String scopes,
                    @RequestParam(required = false) String idTokenSignedResponseAlg, Model model, RedirectAttributes flash) {
        try {
            OidcClient.Created created = clients.register(Actors.current(), new OidcClient.Registration(blank(clientId), name, type,
                    grantTypes, lines(redirectUris), null, words(scopes), blank(idTokenSignedResponseAlg), null, null));
            model.addAttribute("message", "Client '" + created.client().name() + "' registered.");
            return detail(created.client(), created.clientSecret(), model);
        } catch (GlasskeyException e) {
            ConsolePages.refused(flash, "new-client", ConsolePages.typed("name", name, "clientId", clientId, "type", type,
                    "redirectUris", redirectUris, "grantTypes", grantTypes == null ? "" : String.join(",", grantTypes),
                    "scopes", scopes, "idTokenSignedResponseAlg", idTokenSignedResponseAlg), e);
            return "redirect:/admin/clients#new-client";
        }
    }

    @GetMapping("/admin/signing-keys")
    String signingKeys(@RequestParam(required = false) String state, Model model) {
        List<SigningKey.View> all = signingKeys.list().stream()
                .filter(k -> state == null || state.isBlank() || k.state().equals(state))
                .sorted(Comparator.comparing(SigningKey.View::createdAt).reversed().thenComparing(SigningKey.View::algorithm))
                .toList();
        model.addAttribute("me", Actors.current());
        model.addAttribute("keys", all);
        model.addAttribute("state", state);
        return "signing-keys";
    }

    /** One URI a line (blank lines ignored); null when none, so the service's own rule applies. */
    private static List<String> lines(String text) {
        return text == null || text.isBlank() ? null : text.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Space- or comma-separated scope tokens; null when none (the service's defaults). */
    private static List<String> words(String text) {
        return text == null || text.isBlank() ? null : Arrays.stream(text.strip().split("[\\s,]+")).toList();
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
