package dev.glasskey.cli;

import java.util.List;
import java.util.concurrent.Callable;

import org.springframework.boot.SpringApplication;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import dev.glasskey.GlasskeyApplication;

@Command(mixinStandardHelpOptions = true, name = "serve", description = "Run the server (the default when no command is given).")
class ServeCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", description = "Spring Boot options, e.g. --server.port=8443")
    List<String> options = List.of();

    @Override
    public Integer call() {
        SpringApplication.run(GlasskeyApplication.class, options.toArray(String[]::new));
        // Keep the JVM alive: the web server's threads do the work.
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
