package dev.glasskey.alert;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.glasskey.system.Actors;

/** JSON API for alert channels, rules and the delivery state of the outbox. */
@RestController
class AlertController {
    private final AlertService alerts;

    AlertController(AlertService alerts) {
        this.alerts = alerts;
    }

    @GetMapping("/api/alerts/channels")
    List<AlertService.ChannelView> channels() {
        return alerts.channels();
    }

    @GetMapping("/api/alerts/channels/{id}")
    AlertService.ChannelView channel(@PathVariable String id) {
        return alerts.channel(id);
    }

    @PostMapping("/api/alerts/channels")
    @ResponseStatus(HttpStatus.CREATED)
    AlertService.ChannelView create(@RequestBody AlertService.ChannelRequest body) {
        return alerts.create(Actors.current(), body);
    }

    @PutMapping("/api/alerts/channels/{id}")
    AlertService.ChannelView update(@PathVariable String id, @RequestBody AlertService.ChannelRequest body) {
        return alerts.update(Actors.current(), id, body);
    }

    @DeleteMapping("/api/alerts/channels/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(@PathVariable String id, @RequestParam(required = false) String note) {
        alerts.delete(Actors.current(), id, note);
    }

    @PostMapping("/api/alerts/channels/{id}/test")
    AlertService.TestResult test(@PathVariable String id) {
        return alerts.test(Actors.current(), id);
    }

    @GetMapping("/api/alerts/deliveries")
    List<AlertService.DeliveryView> deliveries(@RequestParam(required = false) String status,
                                               @RequestParam(required = false) String channel,
                                               @RequestParam(defaultValue = "100") int limit) {
        return alerts.deliveries(status, channel, limit);
    }

    @GetMapping("/api/alerts/rules")
    List<AlertRule> rules() {
        return alerts.rules();
    }

    @PutMapping("/api/alerts/rules/{id}")
    AlertRule putRule(@PathVariable String id, @RequestBody AlertService.RuleRequest body) {
        return alerts.putRule(Actors.current(), id, body);
    }

    @DeleteMapping("/api/alerts/rules/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void deleteRule(@PathVariable String id, @RequestParam(required = false) String note) {
        alerts.deleteRule(Actors.current(), id, note);
    }
}
