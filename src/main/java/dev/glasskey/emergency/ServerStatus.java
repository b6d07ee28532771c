package dev.glasskey.emergency;

import java.util.List;

import dev.glasskey.alert.ChannelStatus;

/**
 * What {@code glasskey status} reads from a running server ({@link StatusEndpoint}) or, with no
 * server running, from the database: the build, the emergency readiness report (whose
 * {@link ReadinessCheck#ALERTING} check judges alerting) and each alert channel's health.
 */
public record ServerStatus(String version, ReadinessReport readiness, List<ChannelStatus> channels) {

    public ServerStatus {
        channels = channels == null ? List.of() : List.copyOf(channels);
    }

    /** The alerting check of the report; null if the report has none. */
    public ReadinessCheck alerting() {
        return readiness.checks().stream().filter(c -> c.id().equals(ReadinessCheck.ALERTING)).findFirst().orElse(null);
    }
}
