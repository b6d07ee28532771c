package dev.glasskey.emergency;

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
import dev.glasskey.key.KeyService;
import dev.glasskey.system.Actors;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Problems;

/** The readiness page, the accounts × keys matrix page, and the custodian's drill page. */
@Controller
class EmergencyPages {
    private final ReadinessService readiness;
    private final DrillService drills;
    private final AccountService accounts;
    private final KeyService keys;

    EmergencyPages(ReadinessService readiness, DrillService drills, AccountService accounts, KeyService keys) {
        this.readiness = readiness;
        this.drills = drills;
        this.accounts = accounts;
        this.keys = keys;
    }

    @GetMapping("/admin/readiness")
    String readiness(Model model) {
        model.addAttribute("me", Actors.current());
        model.addAttribute("report", readiness.report());
        model.addAttribute("drills", drills.recent(20));
        model.addAttribute("emergencyAccounts", accounts.list().stream().filter(a -> a.emergency()).toList());
        model.addAttribute("keys", keys.list().stream().filter(k -> k.active()).toList());
        return "readiness";
    }

    @GetMapping("/admin/matrix")
    String matrix(Model model) {
        model.addAttribute("me", Actors.current());
        Matrix matrix = readiness.matrix();
        model.addAttribute("matrix", matrix);
        model.addAttribute("missingPerKey", matrix.rows().stream().filter(Matrix.Row::enabled).flatMap(r -> r.cells().stream())
                .filter(c -> c.state() == Matrix.CellState.MISSING)
                .collect(java.util.stream.Collectors.groupingBy(Matrix.Cell::keyId, java.util.stream.Collectors.counting())));
        model.addAttribute("interval", readiness.properties().drillInterval().toDays());
        return "matrix";
    }

    @PostMapping("/admin/drills")
    String startDrill(@RequestParam(required = false) String accountId, @RequestParam(required = false) String keyId,
                      @RequestParam(required = false) String reason, RedirectAttributes flash) {
        return act(flash, () -> {
            var drill = drills.start(Actors.current(), EmergencyController.blankToNull(accountId),
                    EmergencyController.blankToNull(keyId), reason);
            flash.addFlashAttribute("drillUrl", drill.url());
            return "Drill started; give the custodians the drill link below. It is open until " + drill.drill().expiresAt() + ".";
        });
    }

    @PostMapping("/admin/drills/{id}/close")
    String closeDrill(@PathVariable String id, RedirectAttributes flash) {
        return act(flash, () -> {
            drills.close(Actors.current(), id);
            return "Drill closed.";
        });
    }

    @PostMapping("/admin/readiness/recheck")
    String recheck(RedirectAttributes flash) {
        return act(flash, () -> "Readiness rechecked: " + readiness.recheck().status().value() + ".");
    }

    /** The custodian's page: no session needed; the drill sign-in opens none. */
    @GetMapping("/drill/{id}")
    String drill(@PathVariable String id, Model model, HttpServletRequest request, HttpServletResponse response) {
        try {
            var view = drills.get(id);
            model.addAttribute("drill", view);
            if (!view.open()) {
                Problems.markRefused(request, ErrorCode.DRILL_CLOSED);
                response.setStatus(HttpServletResponse.SC_GONE);
                model.addAttribute("error", "This drill has expired or was closed; ask an administrator for a new one.");
            } else {
                model.addAttribute("scope", describe(view.drill()));
            }
        } catch (GlasskeyException e) {
            Problems.markRefused(request, e.errorCode());
            response.setStatus(e.errorCode().status().value());
            model.addAttribute("error", "[" + e.errorCode().code() + "] " + e.detail());
        }
        return "drill";
    }

    private String describe(Drill d) {
        String who = d.accountId() == null ? "any emergency account" : "the account '" + accounts.get(d.accountId()).displayName() + "'";
        String on = d.keyId() == null ? "any emergency key" : "the key '" + keys.get(d.keyId()).label() + "'";
        return who + " on " + on;
    }

    private static String act(RedirectAttributes flash, Supplier<String> action) {
        try {
            flash.addFlashAttribute("message", action.get());
        } catch (GlasskeyException e) {
            flash.addFlashAttribute("error", "[" + e.errorCode().code() + "] " + e.detail());
        }
        return "redirect:/admin/readiness";
    }
}
