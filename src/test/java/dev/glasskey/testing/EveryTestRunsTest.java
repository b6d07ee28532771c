package dev.glasskey.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test class that Surefire's default name patterns ({@code Test*}, {@code *Test}, {@code *Tests},
 * {@code *TestCase}) do not pick up never runs in {@code ./mvnw test}, silently: the emergency
 * lockout guard's property test did not run for weeks as {@code LockoutGuardProperties}.
 */
class EveryTestRunsTest {
    private static final Pattern TEST_ANNOTATION = Pattern.compile("^\\s*@(Test|Property|ParameterizedTest|Example|RepeatedTest|TestFactory)\\b",
            Pattern.MULTILINE);
    private static final Pattern RUN_BY_SUREFIRE = Pattern.compile("(Test.*|.*Test|.*Tests|.*TestCase)\\.java");

    @Test
    void everyConcreteClassWithTestsIsNamedSoSurefireRunsIt() throws IOException {
        List<String> missed;
        try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
            missed = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !RUN_BY_SUREFIRE.matcher(f.getFileName().toString()).matches())
                    .filter(EveryTestRunsTest::hasConcreteTests)
                    .map(Path::toString).sorted().toList();
        }
        assertThat(missed).as("test classes Surefire never runs").isEmpty();
    }

    private static boolean hasConcreteTests(Path file) {
        try {
            String source = Files.readString(file);
            String name = file.getFileName().toString().replace(".java", "");
            // Contracts are interfaces (or abstract classes) run through their concrete H2 and PostgreSQL tests.
            boolean concrete = !source.contains("interface " + name) && !source.contains("abstract class " + name);
            return concrete && TEST_ANNOTATION.matcher(source).find();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
