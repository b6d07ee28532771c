package dev.glasskey.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.glasskey.testing.Client;
import dev.glasskey.testing.CommandOutput;

/**
 * Runs several {@code glasskey} commands one after the other in this JVM (arguments separated by
 * {@code ;;}), each with its output captured, and prints one JSON line per command: a second
 * process for commands that must meet a database held by the test's server, without a JVM start
 * per command.
 */
public final class CommandBatch {
    public static final String NEXT = ";;";

    private CommandBatch() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        List<String> current = new ArrayList<>();
        List<List<String>> commands = new ArrayList<>();
        for (String a : args) {
            if (a.equals(NEXT)) {
                commands.add(current);
                current = new ArrayList<>();
            } else {
                current.add(a);
            }
        }
        commands.add(current);
        for (List<String> command : commands) {
            CommandOutput result = CommandOutput.capture(() -> GlasskeyCommand.run(command.toArray(String[]::new)));
            out.println(Client.JSON.writeValueAsString(Map.of("args", command, "exit", result.exitCode(), "out", result.out(), "err", result.err())));
        }
        System.exit(0);
    }
}
