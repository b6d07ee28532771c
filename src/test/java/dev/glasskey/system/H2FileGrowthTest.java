package dev.glasskey.system;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded H2 file stays proportional to its live data under a stream of small durable
 * commits (docs/PERFORMANCE.md, "The H2 file grows with every commit"). Uses the server's own
 * datasource URL (WRITE_DELAY=0 …) from application.properties, and drives
 * {@link H2FileMaintenance} directly every 1,000 commits in place of its 1 s schedule. Before
 * the fix the file passed 300 MiB at 15,000 commits (~25 KB per commit); now it stays near the
 * live data (~3 MiB of rows and indexes) plus what a pass has not yet reclaimed.
 */
class H2FileGrowthTest {
    private static final int COMMITS = 15_000;
    private static final int COMMITS_PER_PASS = 1_000;
    private static final long BOUND = 32L << 20;

    @Test
    void fileStaysBoundedUnderSmallDurableCommits(@TempDir Path dir) throws Exception {
        String url = serverUrl(dir);
        assertThat(url).contains("WRITE_DELAY=0"); // the durability setting is not traded away
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(url);
        dataSource.setUser("glasskey");
        H2FileMaintenance maintenance = new H2FileMaintenance(dataSource);
        Path file = dir.resolve("glasskey.mv.db");
        long largest = 0;
        try (Connection c = DriverManager.getConnection(url, "glasskey", "")) {
            try (Statement st = c.createStatement()) {
                st.execute("create table counter(id int primary key, n bigint)");
                st.execute("insert into counter values (1, 0)");
                st.execute("create table used_challenge(id uuid primary key, at timestamp, note varchar(100))");
            }
            c.setAutoCommit(false);
            try (PreparedStatement update = c.prepareStatement("update counter set n = n + 1 where id = 1");
                 PreparedStatement insert = c.prepareStatement("insert into used_challenge values (?, current_timestamp, ?)")) {
                for (int i = 1; i <= COMMITS; i++) {
                    // shaped like a sign-in: a counter update and a used-challenge insert, one durable commit
                    update.executeUpdate();
                    insert.setObject(1, UUID.randomUUID());
                    insert.setString(2, "sign-in " + i + " of account " + (i % 100));
                    insert.executeUpdate();
                    c.commit();
                    if (i % COMMITS_PER_PASS == 0) {
                        assertThat(maintenance.runOnce()).isTrue();
                        largest = Math.max(largest, Files.size(file));
                    }
                }
            }
            System.out.printf("H2 file: largest %.1f MiB, at the end %.1f MiB after %d commits%n", largest / 1048576.0, Files.size(file) / 1048576.0, COMMITS);
            assertThat(largest).as("largest H2 file size during %d commits", COMMITS).isLessThan(BOUND);
        }
        // Everything committed is there after a reopen, and the compacted file opens cleanly.
        try (Connection c = DriverManager.getConnection(url, "glasskey", "");
             ResultSet rs = c.createStatement().executeQuery("select (select count(*) from used_challenge), (select n from counter)")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(COMMITS);
            assertThat(rs.getLong(2)).isEqualTo(COMMITS);
        }
    }

    @Test
    void notH2MeansNothingToDo() throws Exception {
        JdbcDataSource memory = new JdbcDataSource();
        memory.setURL("jdbc:h2:mem:maintenance-test;DB_CLOSE_DELAY=-1");
        H2FileMaintenance maintenance = new H2FileMaintenance(memory);
        assertThat(maintenance.runOnce()).isFalse(); // in-memory: no file to look after
        assertThat(maintenance.runOnce()).isFalse();
    }

    /** spring.datasource.url of application.properties, with the data directory filled in. */
    static String serverUrl(Path dataDir) throws Exception {
        Properties properties = new Properties();
        try (InputStream in = H2FileGrowthTest.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        return properties.getProperty("spring.datasource.url").replace("${glasskey.data-dir}", dataDir.toString());
    }
}
