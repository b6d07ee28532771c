package dev.glasskey.system;

/**
 * The server (or a command) refuses to start because of how it is set up: {@code setting} names
 * what to look at, {@code action} says what to change. Reported by {@link StartupRefusalAnalyzer}
 * as Spring Boot reports any failed start (a description and an action, no stack trace), and the
 * process exits with {@link #exitCode()} ({@code GlasskeyApplication.main}, the command line):
 * 1 for a setting, 77 for a data directory open to other users, 78 for the key-encryption key
 * (docs/OPERATIONS.md).
 */
public class StartupRefusal extends RuntimeException {
    /** A setting is wrong (the web identity: base URL, RP ID, origins). */
    public static final int SETTING = 1;
    /** The data directory, the database file or {@code master.key} is open to other users. */
    public static final int OPEN_PERMISSIONS = 77;
    /** The key-encryption key is missing, unusable, or not the one that sealed this database. */
    public static final int KEY_ENCRYPTION_KEY = 78;

    private final int exitCode;
    private final String setting;
    private final String action;

    public StartupRefusal(String setting, String description, String action) {
        this(SETTING, setting, description, action, null);
    }

    public StartupRefusal(int exitCode, String setting, String description, String action, Throwable cause) {
        super(description, cause);
        this.exitCode = exitCode;
        this.setting = setting;
        this.action = action;
    }

    public String setting() {
        return setting;
    }

    public String action() {
        return action;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The refusal somewhere in a chain of causes (Spring wraps what a bean throws), or null. */
    public static StartupRefusal in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StartupRefusal refusal) {
                return refusal;
            }
        }
        return null;
    }
}
