package dev.glasskey.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every error code a client may receive is documented in docs/API.md, with its status. */
class ErrorCodeDocumentationTest {

    @Test
    void everyErrorCodeIsDocumentedWithItsStatus() throws IOException {
        String doc = Files.readString(Path.of("docs/API.md"));
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(doc).as(code.name()).contains("| `" + code.code() + "` | " + code.status().value() + " |");
        }
    }

    @Test
    void codesAreUniqueAndDotted() {
        assertThat(java.util.Arrays.stream(ErrorCode.values()).map(ErrorCode::code).distinct().count())
                .isEqualTo(ErrorCode.values().length);
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(code.code()).matches("[a-z_]+(\\.[a-z_]+)?");
        }
    }
}
