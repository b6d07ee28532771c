package dev.glasskey.system;

/**
 * Who performs an action, as recorded in the audit log.
 *
 * @param id   account id, or a fixed word for non-account actors ({@code cli}, {@code system}, {@code anonymous})
 * @param name display name at the time of the action
 */
public record Actor(String id, String name) {
    public static final Actor SYSTEM = new Actor("system", "Glasskey");
    public static final Actor CLI = new Actor("cli", "local command line");
    public static final Actor ANONYMOUS = new Actor("anonymous", "not signed in");

    public String label() {
        return id.equals(name) ? id : id + " (" + name + ")";
    }
}
