package dev.glasskey.system;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class H2SingleNodeTest {
    @Test
    void aSharedH2DatabaseIsCalledOutAndTheEmbeddedFileIsNot() {
        assertThat(H2SingleNode.verdict("jdbc:h2:file:/srv/glasskey/data/glasskey;WRITE_DELAY=0")).isNull();
        assertThat(H2SingleNode.verdict("jdbc:postgresql://db:5432/glasskey")).isNull();
        assertThat(H2SingleNode.verdict("jdbc:h2:tcp://db:9092/glasskey")).contains("one Glasskey node only").contains("PostgreSQL")
                .doesNotContain("9092/glasskey;");
        assertThat(H2SingleNode.verdict("jdbc:h2:ssl://db/glasskey")).isNotNull();
        assertThat(H2SingleNode.verdict("jdbc:h2:file:./data/glasskey;AUTO_SERVER=TRUE")).isNotNull();
    }
}
