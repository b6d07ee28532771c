package dev.glasskey.system;

import java.util.List;

import org.springframework.stereotype.Component;

/** All registered {@link ChangeGuard}s, called in order. */
@Component
public class ChangeGuards {
    private final List<ChangeGuard> guards;

    public ChangeGuards(List<ChangeGuard> guards) {
        this.guards = List.copyOf(guards);
    }

    public void check(String change) {
        for (ChangeGuard guard : guards) {
            guard.afterChange(change);
        }
    }
}
