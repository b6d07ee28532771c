package dev.glasskey.cli;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

import dev.glasskey.testing.CommandOutput;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18: {@code glasskey <command> --help} works for every command and subcommand (it used to
 * exit 2 with "Unknown option"): usage on standard output, exit code 0, nothing opened. The tree
 * is walked from picocli's own model, so a command added later is held to it too.
 */
class CommandLineHelpTest {

    @Test
    void everyCommandAndSubcommandAnswersHelpWithItsUsage() {
        List<CommandLine> all = new ArrayList<>();
        collect(new CommandLine(new GlasskeyCommand()), all);
        assertThat(all).extracting(c -> c.getCommandSpec().qualifiedName())
                .contains("glasskey status", "glasskey client add", "glasskey client list", "glasskey client remove", "glasskey keys rotate",
                        "glasskey keys list", "glasskey keys rewrap", "glasskey audit verify", "glasskey audit export",
                        "glasskey audit rotate-key", "glasskey mds load", "glasskey mds status", "glasskey bootstrap",
                        "glasskey readiness", "glasskey serve", "glasskey help");
        for (CommandLine command : all) {
            String name = command.getCommandSpec().qualifiedName();
            List<String> words = new ArrayList<>(List.of(name.split(" ")).subList(1, name.split(" ").length));
            for (String help : List.of("--help", "-h")) {
                List<String> args = new ArrayList<>(words);
                args.add(help);
                CommandOutput out = CommandOutput.capture(() -> GlasskeyCommand.run(args.toArray(String[]::new)));
                assertThat(out.exitCode()).as("%s %s: %s", name, help, out).isZero();
                // (picocli's own help command puts its one-line description first)
                assertThat(out.out()).as("%s %s", name, help).contains("Usage: " + name).contains("-h, --help");
                assertThat(out.out().lines().filter(l -> l.startsWith("Usage: ")).findFirst()).as("%s %s", name, help)
                        .hasValueSatisfying(l -> assertThat(l).startsWith("Usage: " + name + " ["));
                assertThat(out.err()).as("%s %s", name, help).isEmpty();
            }
            if (words.size() == 1) {
                // "glasskey help client" says the same (picocli's help command takes one level).
                List<String> args = new ArrayList<>(List.of("help"));
                args.addAll(words);
                CommandOutput out = CommandOutput.capture(() -> GlasskeyCommand.run(args.toArray(String[]::new)));
                assertThat(out.exitCode()).as("help %s: %s", name, out).isZero();
                assertThat(out.out().lines().filter(l -> l.startsWith("Usage: ")).findFirst()).as("help %s", name)
                        .hasValueSatisfying(l -> assertThat(l).startsWith("Usage: " + name + " ["));
            }
        }
    }

    @Test
    void theUsageOfStatusAndOfTheDatabaseCommandsNamesTheirExitCodes() {
        CommandOutput status = CommandOutput.capture(() -> GlasskeyCommand.run("status", "--help"));
        assertThat(status.out()).contains("Exit codes: 0 the server is running and ready").contains("4 the server is not running")
                .contains("--url").contains("--data-dir");
        CommandOutput top = CommandOutput.capture(() -> GlasskeyCommand.run("--help"));
        assertThat(top.out()).contains("status").contains("client").contains("keys").contains("audit");
    }

    @Test
    void theJarIsTheCommandLineForEverySubcommandAndTheServerOtherwise() {
        for (String first : List.of("status", "serve", "bootstrap", "readiness", "audit", "client", "keys", "mds", "help", "--help", "-h",
                "--version", "-V")) {
            assertThat(GlasskeyCommand.isCommand(first)).as(first).isTrue();
        }
        for (String first : List.of("--server.port=8080", "--glasskey.data-dir=/tmp/x", "--spring.config.location=file:x")) {
            assertThat(GlasskeyCommand.isCommand(first)).as(first).isFalse();
        }
        CommandOutput version = CommandOutput.capture(() -> GlasskeyCommand.run("--version"));
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("glasskey ");
        CommandOutput unknown = CommandOutput.capture(() -> GlasskeyCommand.run("client", "add", "--name", "x", "--no-such-option"));
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option: '--no-such-option'");
    }

    private static void collect(CommandLine command, List<CommandLine> into) {
        into.add(command);
        command.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
    }
}
