package dev.glasskey.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import dev.glasskey.GlasskeyApplication;
import dev.glasskey.system.StartupRefusal;
import dev.glasskey.system.Version;

/**
 * The {@code glasskey} command line: thin commands, each calling one feature service. Every
 * command and subcommand takes {@code --help} (usage, exit 0). Exit code 3 means the embedded
 * database is held by a running server ({@link DatabaseHeld}): one line, naming what to do instead.
 */
@Command(name = "glasskey", mixinStandardHelpOptions = true, versionProvider = GlasskeyCommand.VersionProvider.class,
        description = "Glasskey: emergency (break-glass) access with FIDO2 security keys.",
        subcommands = {ServeCommand.class, StatusCommand.class, BootstrapCommand.class, ReadinessCommand.class, AuditCommand.class,
                ClientCommand.class, KeysCommand.class, MdsCommand.class, AccountCommand.class, AccessCommand.class, PimCommand.class, CommandLine.HelpCommand.class})
public class GlasskeyCommand {
    /** The exit code of a command that needs the embedded database while a running server holds it. */
    static final int DATABASE_HELD = 3;

    /** The first words that make the jar the command line: the subcommands' names, and the top command's options. */
    private static final Set<String> COMMANDS = commands();

    public static boolean isCommand(String first) {
        return COMMANDS.contains(first);
    }

    private static Set<String> commands() {
        Set<String> names = new LinkedHashSet<>(List.of("--help", "-h", "--version", "-V"));
        for (Class<?> sub : GlasskeyCommand.class.getAnnotation(Command.class).subcommands()) {
            names.add(sub.getAnnotation(Command.class).name());
        }
        return Set.copyOf(names);
    }

    public static int run(String... args) {
        return new CommandLine(new GlasskeyCommand())
                .setExecutionExceptionHandler((e, commandLine, parsed) -> {
                    if (e instanceof DatabaseHeld) {
                        System.err.println(heldMessage(commandLine));
                        return DATABASE_HELD;
                    }
                    // A refused start (open permissions, a wrong key-encryption key): its one paragraph, its own exit code.
                    Integer refused = refusedStart(e);
                    if (refused == null) {
                        throw e;
                    }
                    return refused;
                })
                .execute(args);
    }

    /**
     * What a command that needs the embedded database says while a server holds it: one line,
     * with what to do instead ({@link WhileServerRuns}).
     */
    static String heldMessage(CommandLine commandLine) {
        String advice = commandLine.getCommand() instanceof WhileServerRuns w ? w.whileServerRuns()
                : "stop the server first, then run the command again";
        return commandLine.getCommandSpec().qualifiedName() + ": the embedded database is in use by a running Glasskey server"
                + " (only one process may open it): " + advice + ".";
    }

    /** A command's advice for when a running server holds the embedded database: the API call that does the same, or what else to do. */
    interface WhileServerRuns {
        String whileServerRuns();
    }

    /**
     * The embedded database is open in another process (a running server): H2 in file mode lets
     * one process open it. Thrown by {@link #offlineContext} in place of the start-up failure, so
     * that every command reports it the same way, in one line.
     */
    static final class DatabaseHeld extends RuntimeException {
        DatabaseHeld(Throwable cause) {
            super("the embedded database is in use by another process", cause);
        }
    }

    static boolean isDatabaseLocked(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DatabaseHeld) {
                return true;
            }
            String m = String.valueOf(t.getMessage());
            if (m.contains("Database may be already in use") || m.contains("file is locked")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A Spring context without the web server, on the same configuration (and so the same data
     * directory) as the server. Migrations run, but no first-start link is printed. A failure to
     * start is the caller's to report, in one line: the start-up failure's own log (Spring Boot's
     * stack trace, the connection pool's) is silenced here, and a database held by a running
     * server becomes {@link DatabaseHeld}.
     */
    static ConfigurableApplicationContext offlineContext(String... extraArgs) {
        SpringApplication app = new SpringApplication(GlasskeyApplication.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.setLogStartupInfo(false);
        List<String> args = new ArrayList<>(List.of(extraArgs));
        args.add("--glasskey.first-start.enabled=false");
        if (args.stream().noneMatch(a -> a.startsWith("--logging.level.root="))) {
            args.add("--logging.level.root=warn");
        }
        // A context that fails to start is reported by the command in one line (a refused start by refusedStart):
        // not by Spring Boot's stack trace, its failure report, the cancelled refresh's warning or the pool's error.
        for (String logger : List.of("org.springframework.boot.SpringApplication", "org.springframework.boot.diagnostics",
                "org.springframework.context", "com.zaxxer.hikari")) {
            args.add("--logging.level." + logger + "=off");
        }
        try {
            return app.run(args.toArray(String[]::new));
        } catch (RuntimeException e) {
            if (StartupRefusal.in(e) == null && isDatabaseLocked(e)) {
                throw new DatabaseHeld(e);
            }
            throw e;
        }
    }

    /**
     * For a command whose context refused to start (open permissions, a wrong key-encryption key):
     * prints the one paragraph and returns the exit code; null for any other failure.
     */
    static Integer refusedStart(Exception e) {
        StartupRefusal refused = StartupRefusal.in(e);
        if (refused == null) {
            return null;
        }
        System.err.println(refused.getMessage() + " " + refused.action());
        return refused.exitCode();
    }

    /**
     * What went wrong, in one line, without a stack trace: the exception's own message, or, for a
     * context that failed to start (Spring's wrappers say which bean, at length), its innermost cause's.
     */
    static String describe(Throwable e) {
        if (e.getMessage() == null || e.getClass().getName().startsWith("org.springframework.")) {
            return rootMessage(e);
        }
        return e.getMessage().lines().findFirst().orElse("");
    }

    /** The first line of the innermost cause's message. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage()).lines().findFirst().orElse(t.getClass().getSimpleName());
    }

    /**
     * The configuration the server would see (its files, the environment, these arguments),
     * without starting anything: for commands that need a setting but no database.
     */
    static org.springframework.core.env.ConfigurableEnvironment offlineEnvironment(String... extraArgs) {
        SpringApplication app = new SpringApplication(ConfigurationOnly.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.setLogStartupInfo(false);
        List<String> args = new ArrayList<>(List.of(extraArgs));
        args.add("--logging.level.root=warn");
        try (ConfigurableApplicationContext context = app.run(args.toArray(String[]::new))) {
            return context.getEnvironment();
        }
    }

    /** An empty context: configuration is read, no bean of ours is made. */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class ConfigurationOnly {
    }

    static class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"glasskey " + Version.current()};
        }
    }
}
