package dev.glasskey.emergency;

import tools.jackson.databind.json.JsonMapper;

/** The readiness report as JSON, for the snapshot file and the command line. */
public final class ReadinessJson {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ReadinessJson() {}

    public static String write(ReadinessReport report) {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
    }

    public static ReadinessReport read(String json) {
        return JSON.readValue(json, ReadinessReport.class);
    }
}
