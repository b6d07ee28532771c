package dev.glasskey.system;

/**
 * Judges the state <em>after</em> an administrative change against the state before it, inside
 * the change's transaction. {@link ChangeGuards#guard} asks every guard for a {@link Baseline}
 * before the change is applied and hands it the change afterwards; a guard that objects throws
 * a {@link GlasskeyException}, which rolls the change back, so stored state is exactly as before.
 * (The lockout guard of the emergency feature implements this; lower features need not know it.)
 */
public interface ChangeGuard {

    /** Called before the change is applied; may lock what it needs so concurrent changes serialise. */
    Baseline before();

    /** What a guard remembered of the state before the change. */
    interface Baseline {
        /** Called after the change was applied, in the same transaction; throws to refuse it. */
        void after(String change);
    }
}
