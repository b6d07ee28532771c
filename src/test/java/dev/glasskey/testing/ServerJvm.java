package dev.glasskey.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Glasskey (server or command) in a second JVM ({@link ApplicationJvm}), with everything it prints
 * (standard output and error together) kept in memory and copied to a log file.
 */
public final class ServerJvm implements AutoCloseable {
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Path log;
    private final Thread reader;

    private ServerJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.reader = new Thread(this::copy, "jvm-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    public static ServerJvm start(List<String> jvmOptions, List<String> args, Path log) {
        return start(jvmOptions, args, java.util.Map.of(), log);
    }

    /** With these environment variables added (e.g. {@code SPRING_DATASOURCE_URL}, as an operator would set them). */
    public static ServerJvm start(List<String> jvmOptions, List<String> args, java.util.Map<String, String> environment, Path log) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(ApplicationJvm.command(jvmOptions, args)).redirectErrorStream(true);
            builder.environment().putAll(environment);
            return new ServerJvm(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A process the caller has set up itself (another working directory, another main class), its output kept like the others'. */
    public static ServerJvm start(ProcessBuilder builder, Path log) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            return new ServerJvm(builder.redirectErrorStream(true).start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs Glasskey to its end (bounded: two minutes): its exit code and everything it printed (a command, or a refused start). */
    public static CommandOutput run(List<String> jvmOptions, List<String> args, java.util.Map<String, String> environment, Path log) {
        try (ServerJvm jvm = start(jvmOptions, args, environment, log)) {
            return jvm.awaitExit(Duration.ofMinutes(2));
        }
    }

    public Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    /** Everything printed so far. */
    public String output() {
        return output.toString();
    }

    public boolean printed(String text) {
        return output.indexOf(text) >= 0;
    }

    /**
     * Waits, bounded by {@code timeout}, until the output holds a match of {@code pattern}, and
     * returns it; fails when the process ends first (its output is in the message).
     */
    public Matcher awaitPrinted(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Matcher m = pattern.matcher(output);
            if (m.find()) {
                return m;
            }
            if (!process.isAlive()) {
                awaitOutputEnd();
                m = pattern.matcher(output);
                if (m.find()) {
                    return m;
                }
                throw new AssertionError("the process ended (exit " + process.exitValue() + ") without printing " + pattern + ":\n" + output);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + timeout + " for " + pattern + "; printed so far:\n" + output);
            }
            sleep(50);
        }
    }

    /** Waits, bounded, for the process to end; returns its exit code with everything it printed. */
    public CommandOutput awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("still running after " + timeout + ":\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        awaitOutputEnd();
        return new CommandOutput(process.exitValue(), output.toString(), "");
    }

    private void awaitOutputEnd() {
        try {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void copy() {
        byte[] buffer = new byte[8192];
        try (InputStream in = process.getInputStream(); var file = Files.newOutputStream(log)) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                file.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis); // polling for output, bounded by the caller's timeout
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills the process (SIGKILL) and waits for it. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
