package dev.glasskey.system;

/**
 * The server refuses to start because of a setting: {@code setting} names it, {@code action} says
 * what to change. Reported by {@link StartupRefusalAnalyzer} as Spring Boot reports any failed
 * start (a description and an action, no stack trace), with a non-zero exit code.
 */
public class StartupRefusal extends RuntimeException {
    private final String setting;
    private final String action;

    public StartupRefusal(String setting, String description, String action) {
        super(description);
        this.setting = setting;
        this.action = action;
    }

    public String setting() {
        return setting;
    }

    public String action() {
        return action;
    }
}
