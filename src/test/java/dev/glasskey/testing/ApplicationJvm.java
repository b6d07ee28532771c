package dev.glasskey.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.glasskey.GlasskeyApplication;

/** The command line that runs Glasskey (server or CLI) in a second JVM: this JVM's {@code java}, the application's main class. */
public final class ApplicationJvm {
    private ApplicationJvm() {}

    /** With this JVM's class path. */
    public static List<String> command(List<String> jvmOptions, List<String> args) {
        return command(jvmOptions, System.getProperty("java.class.path"), args);
    }

    public static List<String> command(List<String> jvmOptions, String classPath, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, GlasskeyApplication.class.getName()));
        command.addAll(args);
        return command;
    }

    /**
     * Runs Glasskey (a command, or a server that is expected to stop by itself) in a second JVM
     * with these environment variables added, until it exits (at most two minutes): its exit code
     * and everything it printed (standard error merged into {@link CommandOutput#out()}).
     */
    public static CommandOutput run(List<String> jvmOptions, Map<String, String> environment, List<String> args) {
        ProcessBuilder builder = new ProcessBuilder(command(jvmOptions, args)).redirectErrorStream(true);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("the second JVM did not finish: " + text);
            }
            return new CommandOutput(process.exitValue(), text, "");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
