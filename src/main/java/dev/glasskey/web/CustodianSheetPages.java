package dev.glasskey.web;

import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.glasskey.emergency.MissingLinks;
import dev.glasskey.key.KeyService;
import dev.glasskey.system.Actors;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Problems;
import dev.glasskey.system.QrCodes;

/**
 * Issue 18: the matrix's "issue all missing links" for one key, answered with the printable sheet
 * its custodian takes to the key: the key, its location and custodian, and each account's link as
 * text and as a QR code. The sheet is the answer to the POST itself (like a new webhook's secret),
 * so the single-use links are never kept in the session; printed, the navigation and buttons drop
 * away (the stylesheet's print rules).
 */
@Controller
class CustodianSheetPages {
    private final MissingLinks missingLinks;
    private final KeyService keys;

    CustodianSheetPages(MissingLinks missingLinks, KeyService keys) {
        this.missingLinks = missingLinks;
        this.keys = keys;
    }

    /** One account's entry on the sheet. */
    record Entry(String accountId, String displayName, String url, java.time.Instant expiresAt, String qr) {}

    @PostMapping("/admin/keys/{id}/missing-links")
    String issue(@PathVariable String id, Model model, RedirectAttributes flash, HttpServletRequest request, HttpServletResponse response) {
        var key = keys.get(id);
        try {
            List<Entry> entries = missingLinks.issue(Actors.current(), id).stream()
                    .map(i -> new Entry(i.accountId(), i.displayName(), i.link().url(), i.link().expiresAt(), QrCodes.dataUri(i.link().url())))
                    .toList();
            model.addAttribute("me", Actors.current());
            model.addAttribute("key", key);
            model.addAttribute("entries", entries);
            return "custodian-sheet";
        } catch (GlasskeyException e) {
            Problems.markRefused(request, e.errorCode());
            flash.addFlashAttribute("error", "[" + e.errorCode().code() + "] " + e.detail());
            return "redirect:/admin/matrix";
        }
    }
}
