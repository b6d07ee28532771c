package dev.glasskey;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;

import dev.glasskey.cli.GlasskeyCommand;
import dev.glasskey.system.StartupRefusal;

/**
 * One jar, two faces: with no arguments (or options only) it runs the server; with a
 * subcommand ({@code glasskey bootstrap}, {@code glasskey --help}) it is the command line.
 *
 * <p>Boot's in-memory user with a generated password is excluded: Glasskey has no password
 * anywhere, least of all a default one.
 */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
public class GlasskeyApplication {

    public static void main(String[] args) {
        if (args.length > 0 && GlasskeyCommand.isCommand(args[0])) {
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
}
