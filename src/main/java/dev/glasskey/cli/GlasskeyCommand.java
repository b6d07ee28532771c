package dev.glasskey.cli;

import java.util.Set;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import dev.glasskey.GlasskeyApplication;
import dev.glasskey.system.StartupRefusal;

/** The {@code glasskey} command line: thin commands, each calling one feature service. */
@Command(name = "glasskey", mixinStandardHelpOptions = true, versionProvider = GlasskeyCommand.Version.class,
        description = "Glasskey: emergency (break-glass) access with FIDO2 security keys.",
        subcommands = {ServeCommand.class, BootstrapCommand.class, ReadinessCommand.class, AuditCommand.class,
                ClientCommand.class, KeysCommand.class, MdsCommand.class, CommandLine.HelpCommand.class})
public class GlasskeyCommand {
    private static final Set<String> COMMANDS = Set.of("serve", "bootstrap", "readiness", "audit", "client", "keys", "mds",
            "help", "--help", "-h", "--version", "-V");

    public static boolean isCommand(String first) {
        return COMMANDS.contains(first);
    }

    public static int run(String... args) {
        return new CommandLine(new GlasskeyCommand())
                // A refused start (open permissions, a wrong key-encryption key) was already reported by Spring Boot in one
                // paragraph: exit with its own code, without a stack trace.
                .setExecutionExceptionHandler((e, commandLine, parsed) -> {
                    StartupRefusal refused = StartupRefusal.in(e);
                    if (refused == null) {
                        throw e;
                    }
                    return refused.exitCode();
                })
                .execute(args);
    }

    /**
     * A Spring context without the web server, on the same configuration (and so the same data
     * directory) as the server. Migrations run, but no first-start link is printed.
     */
    static ConfigurableApplicationContext offlineContext(String... extraArgs) {
        SpringApplication app = new SpringApplication(GlasskeyApplication.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.setLogStartupInfo(false);
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(extraArgs));
        args.add("--glasskey.first-start.enabled=false");
        if (args.stream().noneMatch(a -> a.startsWith("--logging.level.root="))) {
            args.add("--logging.level.root=warn");
        }
        return app.run(args.toArray(String[]::new));
    }

    /**
     * For a command whose context refused to start (open permissions, a wrong key-encryption key):
     * prints the one paragraph and returns the exit code; null for any other failure.
     */
    static Integer refusedStart(RuntimeException e) {
        StartupRefusal refused = StartupRefusal.in(e);
        if (refused == null) {
            return null;
        }
        System.err.println(refused.getMessage() + " " + refused.action());
        return refused.exitCode();
    }

    /**
     * The configuration the server would see (its files, the environment, these arguments),
     * without starting anything: for commands that need a setting but no database.
     */
    static org.springframework.core.env.ConfigurableEnvironment offlineEnvironment(String... extraArgs) {
        SpringApplication app = new SpringApplication(ConfigurationOnly.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.setLogStartupInfo(false);
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(extraArgs));
        args.add("--logging.level.root=warn");
        try (ConfigurableApplicationContext context = app.run(args.toArray(String[]::new))) {
            return context.getEnvironment();
        }
    }

    /** An empty context: configuration is read, no bean of ours is made. */
    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    static class ConfigurationOnly {
    }

    static class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = GlasskeyCommand.class.getPackage().getImplementationVersion();
            return new String[] {"glasskey " + (v == null ? "development build" : v)};
        }
    }
}
