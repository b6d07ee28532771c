package dev.glasskey;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ScheduledTasksObservationAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcObservationAutoConfiguration;

import dev.glasskey.cli.GlasskeyCommand;
import dev.glasskey.system.StartupRefusal;

/**
 * One jar, two faces: with no arguments (or options only) it runs the server; with a
 * subcommand ({@code glasskey bootstrap}, {@code glasskey --help}) it is the command line.
 *
 * <p>Boot's in-memory user with a generated password is excluded: Glasskey has no password
 * anywhere, least of all a default one.
 *
 * <p>Micrometer's observations are excluded too: with an observation registry present, every request
 * is timed per URI and Spring Security wraps each of its ~20 filters in an observation, which cost
 * 0.45 ms of server CPU per sign-in (20 %, bench/ab.sh interleaved, docs/PERFORMANCE.md). Glasskey's
 * own meters (system/Metrics) count what an operator alerts on; the JVM, process and connection-pool
 * meters stay.
 */
@SpringBootApplication(exclude = {UserDetailsServiceAutoConfiguration.class, ObservationAutoConfiguration.class,
        ScheduledTasksObservationAutoConfiguration.class, WebMvcObservationAutoConfiguration.class})
public class GlasskeyApplication {

    public static void main(String[] args) {
        // A server option (--name=value) is never a command: the server then skips loading the CLI's ~30
        // command classes and picocli that GlasskeyCommand.isCommand reads the names from (~100 ms of start-up).
        if (args.length > 0 && !isServerOption(args[0]) && GlasskeyCommand.isCommand(args[0])) {
            System.exit(GlasskeyCommand.run(args));
        }
        try {
            SpringApplication.run(GlasskeyApplication.class, args);
        } catch (RuntimeException e) {
            // A refused start has been reported in one paragraph by Spring Boot (StartupRefusalAnalyzer): exit with
            // its own code. (Boot's ExitCodeGenerator route is not taken: publishing its exit event on a context whose
            // refresh failed fails in turn.)
            StartupRefusal refused = StartupRefusal.in(e);
            if (refused != null) {
                System.exit(refused.exitCode());
            }
            throw e;
        }
    }

    private static boolean isServerOption(String arg) {
        return arg.startsWith("--") && arg.indexOf('=') > 2;
    }
}
