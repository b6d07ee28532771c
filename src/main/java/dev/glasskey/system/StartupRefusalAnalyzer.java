package dev.glasskey.system;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a {@link StartupRefusal} as "APPLICATION FAILED TO START", with the setting to fix. */
class StartupRefusalAnalyzer extends AbstractFailureAnalyzer<StartupRefusal> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StartupRefusal cause) {
        return new FailureAnalysis("Glasskey refuses to start: " + cause.getMessage(),
                cause.setting() == null ? cause.action() : cause.action() + " (setting: " + cause.setting() + ")", cause);
    }
}
