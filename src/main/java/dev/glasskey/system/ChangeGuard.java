package dev.glasskey.system;

/**
 * Judges the state <em>after</em> an administrative change, inside the change's transaction.
 * Services call every guard after applying a change; a guard that objects throws a
 * {@link GlasskeyException}, which rolls the change back. (The lockout guard of the
 * emergency feature implements this; lower features need not know it.)
 */
public interface ChangeGuard {
    void afterChange(String change);
}
