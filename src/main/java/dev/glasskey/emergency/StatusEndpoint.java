package dev.glasskey.emergency;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.stereotype.Component;

import dev.glasskey.alert.AlertReadiness;
import dev.glasskey.system.Version;

/**
 * {@code GET /actuator/status} on the management port (docs/OPERATIONS.md, "Health and metrics"):
 * the version, the emergency readiness report computed now (not recorded: a recheck is the
 * API's) and the alert channels' health, for {@code glasskey status} and for monitoring on the
 * host. Kept off the health endpoint on purpose: an emergency set-up that fails readiness (a
 * drill overdue) must not take the server out of a load balancer.
 */
@Component
@Endpoint(id = "status")
public class StatusEndpoint {
    private final ReadinessService readiness;
    private final AlertReadiness alerts;

    StatusEndpoint(ReadinessService readiness, AlertReadiness alerts) {
        this.readiness = readiness;
        this.alerts = alerts;
    }

    @ReadOperation
    public ServerStatus status() {
        return of(readiness, alerts);
    }

    /** The status as this process reads it from the database (the endpoint's answer, and the command line's without a server). */
    public static ServerStatus of(ReadinessService readiness, AlertReadiness alerts) {
        return new ServerStatus(Version.current(), readiness.report(), alerts.channels());
    }
}
