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
        return command(jvmOptions, classPath, GlasskeyApplication.class.getName(), args);
    }

    /** Another main class (a test's driver) on this JVM's class path, started as Glasskey would be. */
    public static List<String> command(Class<?> mainClass, List<String> jvmOptions, List<String> args) {
        return command(jvmOptions, System.getProperty("java.class.path"), mainClass.getName(), args);
    }

    private static List<String> command(List<String> jvmOptions, String classPath, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Every Glasskey a test starts takes a free management port, as it takes a free server port: several run at once.
        if (jvmOptions.stream().noneMatch(o -> o.startsWith("-Dmanagement.server.port="))) {
            command.add("-Dmanagement.server.port=0");
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, mainClass));
        command.addAll(args);
        return command;
    }
}
