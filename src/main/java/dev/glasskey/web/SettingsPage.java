package dev.glasskey.web;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

import dev.glasskey.alert.AlertService;
import dev.glasskey.emergency.EmergencyProperties;
import dev.glasskey.oidc.OidcProperties;
import dev.glasskey.session.SessionProperties;
import dev.glasskey.system.Actors;
import dev.glasskey.system.GlasskeyProperties;
import dev.glasskey.system.RateLimitProperties;
import dev.glasskey.system.Version;

/**
 * Issue 18: the settings an operator needs to know in force, read-only (they are changed in the
 * configuration and take effect at the next start; README "Configuration reference"). Only
 * values that are no secret are on this page: no key-encryption key, PIN, channel password or
 * database password, and the database URL only as its kind and host (its query may hold a
 * password).
 */
@Controller
class SettingsPage {
    private static final Pattern POSTGRES = Pattern.compile("jdbc:postgresql://(?:[^@/]*@)?([^/?]*)/([^?;]*).*");

    private final GlasskeyProperties glasskey;
    private final SessionProperties sessions;
    private final RateLimitProperties limits;
    private final EmergencyProperties emergency;
    private final OidcProperties oidc;
    private final AlertService alerts;
    private final Environment env;
    private final ConsoleView view;

    SettingsPage(GlasskeyProperties glasskey, SessionProperties sessions, RateLimitProperties limits, EmergencyProperties emergency,
                 OidcProperties oidc, AlertService alerts, Environment env, ConsoleView view) {
        this.glasskey = glasskey;
        this.sessions = sessions;
        this.limits = limits;
        this.emergency = emergency;
        this.oidc = oidc;
        this.alerts = alerts;
        this.env = env;
        this.view = view;
    }

    /** One group of settings: each row the property, its value as a person reads it. */
    record Group(String id, String title, Map<String, String> rows) {}

    @GetMapping("/admin/settings")
    String settings(Model model) {
        List<Group> groups = new ArrayList<>();
        Map<String, String> server = new LinkedHashMap<>();
        server.put("glasskey.base-url", glasskey.baseUrl());
        server.put("glasskey.rp-id", glasskey.rpId());
        server.put("glasskey.rp-name", glasskey.rpName());
        server.put("glasskey.origins", String.join(", ", glasskey.origins()));
        server.put("glasskey.data-dir", glasskey.dataDir());
        server.put("database", database(env.getProperty("spring.datasource.url", "")));
        server.put("management port (health, metrics)", management());
        server.put("glasskey.trusted-proxies", glasskey.trustedProxies() == null || glasskey.trustedProxies().isEmpty()
                ? "none" : String.join(", ", glasskey.trustedProxies()));
        server.put("version", Version.current());
        groups.add(new Group("settings-server", "Server", server));

        Map<String, String> session = new LinkedHashMap<>();
        session.put("glasskey.session.max-age", view.duration(sessions.maxAge()));
        session.put("glasskey.session.emergency-max-age", view.duration(sessions.emergencyMaxAge()));
        session.put("glasskey.session.idle-timeout", view.duration(sessions.idleTimeout()));
        session.put("glasskey.challenge-ttl", view.duration(glasskey.challengeTtl()));
        session.put("glasskey.enrolment-ttl", view.duration(glasskey.enrolmentTtl()));
        groups.add(new Group("settings-sessions", "Sessions and links", session));

        Map<String, String> rate = new LinkedHashMap<>();
        rate.put("glasskey.rate-limit.enabled", limits.enabled() ? "on (per node)" : "OFF: no request is limited");
        rate.put("glasskey.rate-limit.sign-in", limit(limits.signIn()));
        rate.put("glasskey.rate-limit.credential-failures", limit(limits.credentialFailures()));
        rate.put("glasskey.rate-limit.enrolment", limit(limits.enrolment()));
        rate.put("glasskey.rate-limit.enrolment-link", limit(limits.enrolmentLink()));
        rate.put("glasskey.rate-limit.drill", limit(limits.drill()));
        rate.put("glasskey.rate-limit.drill-id", limit(limits.drillId()));
        rate.put("glasskey.rate-limit.authorize", limit(limits.authorize()));
        rate.put("glasskey.rate-limit.token", limit(limits.token()));
        groups.add(new Group("settings-rate-limits", "Rate limits", rate));

        Map<String, String> readiness = new LinkedHashMap<>();
        readiness.put("glasskey.emergency.minimum-usable-accounts", String.valueOf(emergency.minimumUsableAccounts()));
        readiness.put("glasskey.emergency.drill-interval", view.duration(emergency.drillInterval()));
        readiness.put("glasskey.emergency.drill-warning", view.duration(emergency.drillWarning()));
        readiness.put("glasskey.emergency.drill-link-ttl", view.duration(emergency.drillLinkTtl()));
        readiness.put("glasskey.emergency.scheduled-drills", Boolean.TRUE.equals(emergency.scheduledDrills()) ? "on" : "off");
        var channels = alerts.channels();
        readiness.put("alert channels", channels.size() + " (" + channels.stream().filter(AlertService.ChannelView::enabled).count()
                + " enabled)");
        groups.add(new Group("settings-emergency", "Emergency readiness and alerts", readiness));

        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("glasskey.oidc.authorization-code-ttl", view.duration(oidc.authorizationCodeTtl()));
        tokens.put("glasskey.oidc.access-token-ttl", view.duration(oidc.accessTokenTtl()));
        tokens.put("glasskey.oidc.id-token-ttl", view.duration(oidc.idTokenTtl()));
        tokens.put("glasskey.oidc.refresh-token-ttl", view.duration(oidc.refreshTokenTtl()));
        tokens.put("glasskey.oidc.retired-key-retention", view.duration(oidc.retiredKeyRetention()));
        groups.add(new Group("settings-oidc", "OpenID Connect", tokens));

        model.addAttribute("me", Actors.current());
        model.addAttribute("groups", groups);
        return "settings";
    }

    private String limit(RateLimitProperties.Limit l) {
        return l.requests() + " per " + view.duration(l.per());
    }

    /** Where the management endpoints listen; the actual port when it was chosen at start ({@code 0}). */
    private String management() {
        String address = env.getProperty("management.server.address", "127.0.0.1");
        String port = env.getProperty("local.management.port", env.getProperty("management.server.port", "same as the server"));
        return port.equals("-1") ? "off" : address + ":" + port;
    }

    /** The kind of database and where, never the URL's parameters (a password may be among them). */
    static String database(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return "embedded H2 (in the data directory)";
        }
        Matcher m = POSTGRES.matcher(url);
        if (m.matches()) {
            return "PostgreSQL, " + m.group(1) + ", database " + m.group(2);
        }
        return url.isBlank() ? "unknown" : "other";
    }
}
