package dev.glasskey.system;

/**
 * The server (or a command) refuses to start because of how it is set up, with one paragraph
 * saying what is wrong and what to do ({@link StartRefusedFailureAnalyzer} prints it without a
 * stack trace) and its own process exit code (docs/OPERATIONS.md), with which
 * {@code GlasskeyApplication.main} and the command line exit.
 */
public class StartRefused extends RuntimeException {
    /** The data directory, the database file or {@code master.key} is open to other users. */
    public static final int OPEN_PERMISSIONS = 77;
    /** The key-encryption key is missing, unusable, or not the one that sealed this database. */
    public static final int KEY_ENCRYPTION_KEY = 78;

    private final int exitCode;
    private final String action;

    public StartRefused(int exitCode, String problem, String action) {
        super(problem);
        this.exitCode = exitCode;
        this.action = action;
    }

    public StartRefused(int exitCode, String problem, String action, Throwable cause) {
        super(problem, cause);
        this.exitCode = exitCode;
        this.action = action;
    }

    /** What the operator should do. */
    public String action() {
        return action;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The refusal somewhere in a chain of causes (Spring wraps what a bean throws), or null. */
    public static StartRefused in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StartRefused refused) {
                return refused;
            }
        }
        return null;
    }
}
