package dev.glasskey.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
}
