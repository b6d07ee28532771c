package dev.glasskey.alert;

import java.util.Locale;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

/** How urgent an alert is; a channel receives alerts at or above its minimum severity. */
public enum Severity {
    INFO(6, 3), WARNING(4, 2), CRITICAL(2, 1);

    /** RFC 5424 §6.2.1 Table 2 severity: 6 informational, 4 warning, 2 critical. */
    final int syslog;
    /** Delivery order, stored on each outbox row ({@code alert_delivery.priority}, V11): 1 is sent first. */
    final int priority;

    Severity(int syslog, int priority) {
        this.syslog = syslog;
        this.priority = priority;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Severity parse(String value, String field) {
        if (value != null) {
            for (Severity s : values()) {
                if (s.value().equals(value)) {
                    return s;
                }
            }
        }
        throw new GlasskeyException(ErrorCode.REQUEST_INVALID, field + " must be one of info, warning, critical.");
    }
}
