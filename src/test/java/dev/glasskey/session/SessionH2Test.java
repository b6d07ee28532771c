package dev.glasskey.session;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.glasskey.testing.H2ServerTest;

import static org.assertj.core.api.Assertions.assertThat;

class SessionH2Test extends H2ServerTest implements SessionContract {

    /**
     * On H2 (one node) the session tables are kept in memory (V25): never written to the file, so never
     * in a backup of it, and a restart signs everyone out. Everything else is in the file as before.
     */
    @Test
    void sessionTablesAreNotWrittenToTheFile() {
        for (String table : List.of("spring_session", "spring_session_attributes")) {
            assertThat(String.join("\n", jdbc().sql("script nodata table " + table).query(String.class).list()))
                    .as(table).containsIgnoringCase("not persistent");
        }
        assertThat(String.join("\n", jdbc().sql("script nodata table account").query(String.class).list()))
                .doesNotContainIgnoringCase("not persistent");
    }
}
