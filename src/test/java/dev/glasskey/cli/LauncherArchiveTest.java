package dev.glasskey.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glasskey.testing.ApplicationJvm;
import dev.glasskey.system.SystemConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's class-data-sharing archive ({@code bin/glasskey}) can be made and used with the
 * project's dependencies. When its training run failed, the launcher started without the archive
 * and repeated the training at every start: ~15 s to start instead of ~4.5 s. That happened when
 * the native crypto provider arrived: with the launcher's extracted layout, JDK 17's archive dump
 * crashed (SIGSEGV) on the lambda classes of its signed jar, at every try, so the training run
 * leaves the provider out ({@code -Dglasskey.crypto.native=false}), which the first test holds the
 * launcher to. The second runs the dump on the test class path (the application's classes jarred;
 * the executable jar is not built before the tests): there the crash did not reproduce even with
 * the provider on, so it checks that an archive is made and used, not the crash itself.
 */
class LauncherArchiveTest {

    @Test
    void theLaunchersTrainingRunLeavesTheNativeProviderOut() throws Exception {
        String launcher = Files.readString(Path.of("bin/glasskey"));
        String training = launcher.lines().filter(l -> l.contains("$train_opt")).findFirst().orElseThrow();
        assertThat(training).contains("-D" + SystemConfiguration.NATIVE_PROVIDER_PROPERTY + "=false", "-Dspring.context.exit=onRefresh");
    }

    @Test
    void anArchiveTrainedAsTheLauncherTrainsIsWrittenAndThenUsed(@TempDir Path dir) throws Exception {
        String classPath = jarredClassPath(dir);
        Path archive = dir.resolve("glasskey.jsa");
        Path trainingLog = dir.resolve("training.log");
        int trained = run(trainingLog, classPath, List.of("-XX:ArchiveClassesAtExit=" + archive,
                "-D" + SystemConfiguration.NATIVE_PROVIDER_PROPERTY + "=false"), dir.resolve("train"));
        assertThat(trained).as("training run exit code; its log:%n%s", tail(trainingLog)).isZero();
        assertThat(archive).isNotEmptyFile();

        Path runLog = dir.resolve("run.log");
        int ran = run(runLog, classPath, List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:class+load=info"), dir.resolve("data"));
        assertThat(ran).as("start with the archive; its log:%n%s", tail(runLog)).isZero();
        assertThat(Files.readString(runLog)).contains("source: shared objects file (top)");
    }

    /**
     * The test class path with the application's classes in a jar, as in the launcher's extracted
     * layout (an archive may not be made from class directories); the test classes left out.
     */
    private static String jarredClassPath(Path dir) throws Exception {
        Path classes = Path.of("target/classes");
        Path jar = dir.resolve("glasskey-classes.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar)); var files = Files.walk(classes)) {
            // With its directory entries, as the build's jar has them: without them classpath scanning finds none of the
            // application's components (nor its migrations and templates), and the training run would not be the real one.
            for (Path file : (Iterable<Path>) files.filter(f -> !f.equals(classes)).sorted()::iterator) {
                String name = classes.relativize(file).toString().replace('\\', '/');
                boolean directory = Files.isDirectory(file);
                out.putNextEntry(new java.util.jar.JarEntry(directory ? name + "/" : name));
                if (!directory) {
                    Files.copy(file, out);
                }
                out.closeEntry();
            }
        }
        List<String> entries = new ArrayList<>(List.of(jar.toString()));
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                entries.add(entry);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    /** Starts the application until its context is refreshed, as the launcher's training run does. */
    private static int run(Path log, String classPath, List<String> jvmOptions, Path dataDir) throws Exception {
        List<String> options = new ArrayList<>(jvmOptions);
        options.addAll(List.of("-Xmx512m", "-Dspring.context.exit=onRefresh"));
        List<String> command = ApplicationJvm.command(options, classPath, List.of("--glasskey.data-dir=" + dataDir, "--server.port=0",
                "--glasskey.first-start.enabled=false", "--logging.level.root=warn"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not finish within 120 s: " + tail(log));
        }
        return process.exitValue();
    }

    private static String tail(Path log) throws Exception {
        // The archive dump's own warnings (classes it leaves out) would crowd out why a run failed.
        List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.contains("][cds]")).toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
