package dev.glasskey.system;

import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The embedded H2 database serves one node. Several nodes need PostgreSQL (docs/OPERATIONS.md,
 * "Running several nodes"): a server pointed at an H2 server ({@code jdbc:h2:tcp:} or
 * {@code ssl:}) or at a file shared through {@code AUTO_SERVER=TRUE} says so at start.
 */
@Component
@ConditionalOnWebApplication
class H2SingleNode {
    private static final Logger log = LoggerFactory.getLogger(H2SingleNode.class);
    private final Environment environment;

    H2SingleNode(Environment environment) {
        this.environment = environment;
    }

    @EventListener(ApplicationReadyEvent.class)
    void sayWhatIsSupported() {
        String message = verdict(environment.getProperty("spring.datasource.url", ""));
        if (message != null) {
            log.warn(message);
        }
    }

    /** The warning for a datasource URL, or null when it is not a shared H2 database. */
    static String verdict(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        if (!u.startsWith("jdbc:h2:")) {
            return null;
        }
        if (u.startsWith("jdbc:h2:tcp:") || u.startsWith("jdbc:h2:ssl:") || u.contains("auto_server=true")) {
            return "The database is H2 shared with other processes (" + url.replaceAll(";.*", "") + "): H2 supports one Glasskey"
                    + " node only. Several nodes need PostgreSQL (docs/OPERATIONS.md, \"Running several nodes\").";
        }
        return null;
    }
}
