package dev.glasskey.emergency;

/**
 * One readiness check (DOMAIN rule 4): its verdict, why, and what to do about it.
 *
 * @param id     stable identifier, e.g. {@code emergency.accounts}
 * @param title  what is checked, for people
 * @param status pass, warn or fail
 * @param reason what was found
 * @param fix    what to do; null when the check passes
 */
public record ReadinessCheck(String id, String title, Status status, String reason, String fix) {
    /** The id of the alerting check (channels enabled, tested, none failing), which {@code glasskey status} shows on its own line. */
    public static final String ALERTING = "emergency.alerting";

    /** Ordered from best to worst, so the report's status is the worst of its checks. */
    public enum Status {
        PASS, WARN, FAIL;

        public String value() { return name().toLowerCase(); }

        public Status worst(Status other) {
            return compareTo(other) >= 0 ? this : other;
        }

        /** The {@code glasskey readiness} exit code: 0, 1 or 2. */
        public int exitCode() { return ordinal(); }
    }

    static ReadinessCheck pass(String id, String title, String reason) {
        return new ReadinessCheck(id, title, Status.PASS, reason, null);
    }

    static ReadinessCheck warn(String id, String title, String reason, String fix) {
        return new ReadinessCheck(id, title, Status.WARN, reason, fix);
    }

    static ReadinessCheck fail(String id, String title, String reason, String fix) {
        return new ReadinessCheck(id, title, Status.FAIL, reason, fix);
    }
}
