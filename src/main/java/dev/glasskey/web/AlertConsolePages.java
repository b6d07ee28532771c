package dev.glasskey.web;

import java.util.Arrays;
import java.util.List;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import dev.glasskey.alert.AlertRule;
import dev.glasskey.alert.AlertService;
import dev.glasskey.alert.ChannelSettings;
import dev.glasskey.system.Actors;
import dev.glasskey.system.GlasskeyException;

/**
 * The console's alert page: channels with their delivery state and a "send test alert" button,
 * the latest deliveries (the outbox), and the rules. Forms post to the same service as the API.
 */
@Controller
class AlertConsolePages {
    private final AlertService alerts;

    AlertConsolePages(AlertService alerts) {
        this.alerts = alerts;
    }

    @GetMapping("/admin/alerts")
    String page(Model model) {
        model.addAttribute("me", Actors.current());
        model.addAttribute("channels", alerts.channels());
        model.addAttribute("deliveries", alerts.deliveries(null, null, 50));
        model.addAttribute("rules", alerts.rules());
        return "alerts";
    }

    @PostMapping("/admin/alerts/channels")
    String create(@RequestParam String name, @RequestParam String type, @RequestParam(defaultValue = "warning") String minSeverity,
                  @RequestParam(required = false) String url, @RequestParam(required = false) String host,
                  @RequestParam(required = false) Integer port, @RequestParam(required = false) String from,
                  @RequestParam(required = false) String to, @RequestParam(required = false) String username,
                  @RequestParam(required = false) String password, @RequestParam(required = false) String transport,
                  @RequestParam(defaultValue = "false") boolean receivesCheckpoints, RedirectAttributes flash, Model model) {
        try {
            List<String> recipients = to == null || to.isBlank() ? null : Arrays.stream(to.split(",")).map(String::strip).toList();
            var channel = alerts.create(Actors.current(), new AlertService.ChannelRequest(name, type, true, minSeverity,
                    new ChannelSettings(blank(url), blank(host), port, blank(from), recipients, blank(username), true,
                            blank(transport), null, null), password, receivesCheckpoints));
            if (channel.secret() != null) {
                // Shown in this answer, not through a flash attribute: flash attributes live in the session, and sessions
                // are rows in the database, where no secret may be kept in clear (docs/OPERATIONS.md, "Secrets at rest").
                model.addAttribute("message", "Channel '" + channel.name() + "' added.");
                model.addAttribute("secret", channel.secret());
                return page(model);
            }
            flash.addFlashAttribute("message", "Channel '" + channel.name() + "' added.");
        } catch (GlasskeyException e) {
            flash.addFlashAttribute("error", "[" + e.errorCode().code() + "] " + e.detail());
        }
        return "redirect:/admin/alerts";
    }

    @PostMapping("/admin/alerts/channels/{id}/test")
    String test(@PathVariable String id, RedirectAttributes flash) {
        return act(flash, () -> {
            var result = alerts.test(Actors.current(), id);
            if (!result.delivered()) {
                throw new GlasskeyException(dev.glasskey.system.ErrorCode.CONFLICT,
                        "Test alert " + result.deliveryId() + " not delivered: " + result.error() + " (it stays queued and is retried).");
            }
            return "Test alert " + result.deliveryId() + " delivered.";
        });
    }

    @PostMapping("/admin/alerts/channels/{id}/enabled")
    String enable(@PathVariable String id, @RequestParam boolean enabled, RedirectAttributes flash) {
        return act(flash, () -> "Channel '" + alerts.update(Actors.current(), id,
                new AlertService.ChannelRequest(null, null, enabled, null, null, null)).name() + "' " + (enabled ? "enabled." : "disabled."));
    }

    @PostMapping("/admin/alerts/rules/{id}")
    String rule(@PathVariable String id, @RequestParam String severity, @RequestParam(defaultValue = "false") boolean enabled,
                RedirectAttributes flash) {
        return act(flash, () -> {
            AlertRule r = alerts.rules().stream().filter(x -> x.id().equals(id)).findFirst()
                    .orElseThrow(() -> new GlasskeyException(dev.glasskey.system.ErrorCode.ALERT_RULE_NOT_FOUND, "No alert rule '" + id + "'."));
            alerts.putRule(Actors.current(), id, new AlertService.RuleRequest(r.description(), String.join(",", r.actions()), r.outcome(),
                    r.reason(), r.emergencyOnly(), r.flaggedOnly(), severity, enabled));
            return "Rule '" + id + "' saved.";
        });
    }

    private static String act(RedirectAttributes flash, java.util.function.Supplier<String> action) {
        try {
            flash.addFlashAttribute("message", action.get());
        } catch (GlasskeyException e) {
            flash.addFlashAttribute("error", "[" + e.errorCode().code() + "] " + e.detail());
        }
        return "redirect:/admin/alerts";
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
