package dev.glasskey.system;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Every administrative change runs through {@link #guard}: each registered {@link ChangeGuard}
 * sees the state before and after, in the change's transaction. Judging states rather than
 * kinds of change means a new kind of change cannot slip past a guard.
 */
@Component
public class ChangeGuards {
    /** Resolved on use: the guards read state through the very services that call them. */
    private final ObjectProvider<ChangeGuard> guards;

    public ChangeGuards(ObjectProvider<ChangeGuard> guards) {
        this.guards = guards;
    }

    /**
     * Applies {@code change} (which must do all its writes and its audit entry) between the
     * guards' before and after checks. Must run inside the caller's transaction, so a refusal
     * rolls the whole change back.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public <T> T guard(String change, Supplier<T> apply) {
        List<ChangeGuard.Baseline> baselines = new ArrayList<>();
        for (ChangeGuard guard : guards.orderedStream().toList()) {
            baselines.add(guard.before());
        }
        T result = apply.get();
        for (ChangeGuard.Baseline baseline : baselines) {
            baseline.after(change);
        }
        return result;
    }
}
