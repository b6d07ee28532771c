package dev.glasskey.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.h2.jdbcx.JdbcDataSource;

import dev.glasskey.system.H2FileMaintenance;

/**
 * The embedded H2 file under a stream of small durable commits, with the server's datasource
 * URL (application.properties), on a fresh directory each run:
 *
 * <ul>
 * <li>{@code commits --count N [--old]}: N sign-in-shaped transactions (counter update +
 *     used-challenge insert, one commit each) on one thread, with {@link H2FileMaintenance}
 *     every second as in the server ({@code --interval-ms} to change); prints commits/s and the
 *     file size (largest, final, after close).
 *     {@code --old}: the URL without {@code RETENTION_TIME=0;ANALYZE_AUTO=0} and no maintenance (before the fix).</li>
 * <li>{@code crash --rounds R --seconds S}: the SIGKILL experiment (shared/design/STACK.md). A
 *     child JVM inserts one row per auto-commit, printing the count after each commit, with the
 *     maintenance every 100 ms (ten times the default, to be killed mid-compaction more often);
 *     after S seconds it is killed with SIGKILL; the database is reopened and the rows counted.
 *     Each round continues on the same database. Every acknowledged (printed) row must be there.</li>
 * </ul>
 */
public final class H2GrowthBench {
    private H2GrowthBench() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String given = option(args, "--dir", null);
        Path dir = (given != null ? Path.of(given) : Files.createTempDirectory(Path.of("/tmp"), "gk-h2-growth-")).toAbsolutePath();
        Files.createDirectories(dir);
        try {
            switch (mode) {
                case "commits" -> commits(dir, Integer.parseInt(option(args, "--count", "200000")), flag(args, "--old"),
                        Long.parseLong(option(args, "--interval-ms", "1000")));
                case "crash" -> crash(dir, Integer.parseInt(option(args, "--rounds", "5")), Integer.parseInt(option(args, "--seconds", "5")));
                case "loop" -> loop(dir);
                default -> throw new IllegalArgumentException("mode: commits | crash");
            }
        } finally {
            if (!mode.equals("loop")) deleteTree(dir);
        }
        System.exit(0);
    }

    private static void commits(Path dir, int count, boolean old, long intervalMillis) throws Exception {
        String url = url(dir, old);
        Path file = dir.resolve("glasskey.mv.db");
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        AtomicLong passes = new AtomicLong();
        try (Connection c = DriverManager.getConnection(url, "glasskey", "")) {
            try (Statement st = c.createStatement()) {
                st.execute("create table counter(id int primary key, n bigint)");
                st.execute("insert into counter values (1, 0)");
                st.execute("create table used_challenge(id uuid primary key, at timestamp, note varchar(100))");
            }
            if (!old) {
                H2FileMaintenance maintenance = new H2FileMaintenance(dataSource(url));
                scheduler.scheduleWithFixedDelay(() -> {
                    try {
                        maintenance.runOnce();
                        passes.incrementAndGet();
                    } catch (Exception e) {
                        e.printStackTrace();
                    }
                }, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
            }
            c.setAutoCommit(false);
            long largest = 0;
            long start = System.nanoTime();
            try (PreparedStatement update = c.prepareStatement("update counter set n = n + 1 where id = 1");
                 PreparedStatement insert = c.prepareStatement("insert into used_challenge values (?, current_timestamp, ?)")) {
                for (int i = 1; i <= count; i++) {
                    update.executeUpdate();
                    insert.setObject(1, UUID.randomUUID());
                    insert.setString(2, "sign-in " + i + " of account " + (i % 100));
                    insert.executeUpdate();
                    c.commit();
                    if (i % 10_000 == 0) {
                        long size = Files.size(file);
                        largest = Math.max(largest, size);
                        System.out.printf(Locale.ROOT, "%d commits, %.1f s, file %.1f MiB%n", i, (System.nanoTime() - start) / 1e9, size / 1048576.0);
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            scheduler.shutdown();
            scheduler.awaitTermination(1, TimeUnit.MINUTES);
            System.out.printf(Locale.ROOT, "h2growth.url=%s%nh2growth.commits=%d%nh2growth.commits_per_s=%.0f%nh2growth.file_mib_largest=%.1f%nh2growth.file_mib_end=%.1f%nh2growth.maintenance_passes=%d%n",
                    url, count, count / seconds, largest / 1048576.0, Files.size(file) / 1048576.0, passes.get());
        }
        System.out.printf(Locale.ROOT, "h2growth.file_mib_after_close=%.1f%n", Files.size(file) / 1048576.0);
    }

    private static void crash(Path dir, int rounds, int seconds) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        long lostTotal = 0;
        for (int round = 1; round <= rounds; round++) {
            Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), H2GrowthBench.class.getName(),
                    "loop", "--dir", dir.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            AtomicLong acknowledged = new AtomicLong(-1);
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        if (!line.isBlank()) acknowledged.set(Long.parseLong(line.trim()));
                    }
                } catch (Exception ignored) {
                    // the child was killed mid-line
                }
            });
            reader.start();
            Thread.sleep(seconds * 1000L);
            child.destroyForcibly(); // SIGKILL
            child.waitFor();
            reader.join();
            long present;
            long fileBytes = Files.size(dir.resolve("glasskey.mv.db"));
            try (Connection c = DriverManager.getConnection(url(dir, false), "glasskey", "");
                 ResultSet rs = c.createStatement().executeQuery("select count(*) from crash_rows")) {
                rs.next();
                present = rs.getLong(1);
            }
            long lost = Math.max(0, acknowledged.get() - present);
            lostTotal += lost;
            System.out.printf(Locale.ROOT, "round %d: last acknowledged %d, present after restart %d, lost %d, file %.1f MiB%n",
                    round, acknowledged.get(), present, lost, fileBytes / 1048576.0);
        }
        System.out.printf(Locale.ROOT, "h2growth.crash_rounds=%d%nh2growth.crash_lost_total=%d%n", rounds, lostTotal);
    }

    /** Child of {@code crash}: inserts until killed; prints the row count after each commit. */
    private static void loop(Path dir) throws Exception {
        String url = url(dir, false);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
        try (Connection c = DriverManager.getConnection(url, "glasskey", "")) {
            try (Statement st = c.createStatement()) {
                st.execute("create table if not exists crash_rows(id bigint primary key, token uuid unique, note varchar(100))");
            }
            long n;
            try (ResultSet rs = c.createStatement().executeQuery("select count(*) from crash_rows")) {
                rs.next();
                n = rs.getLong(1);
            }
            H2FileMaintenance maintenance = new H2FileMaintenance(dataSource(url));
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    maintenance.runOnce();
                } catch (Exception e) {
                    e.printStackTrace();
                }
            }, 100, 100, TimeUnit.MILLISECONDS);
            try (PreparedStatement insert = c.prepareStatement("insert into crash_rows values (?, ?, ?)")) {
                while (true) {
                    insert.setLong(1, ++n);
                    insert.setObject(2, UUID.randomUUID());
                    insert.setString(3, "row " + n);
                    insert.executeUpdate(); // auto-commit: durable when it returns
                    out.println(n);
                    out.flush();
                }
            }
        }
    }

    /** spring.datasource.url of application.properties for this directory; {@code old}: as before the fix. */
    private static String url(Path dir, boolean old) throws Exception {
        Properties properties = new Properties();
        try (InputStream in = H2GrowthBench.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        String url = properties.getProperty("spring.datasource.url").replace("${glasskey.data-dir}", dir.toString());
        return old ? url.replace(";RETENTION_TIME=0", "").replace(";ANALYZE_AUTO=0", "") : url;
    }

    private static JdbcDataSource dataSource(String url) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(url);
        dataSource.setUser("glasskey");
        return dataSource;
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) return args[i + 1];
        }
        return fallback;
    }

    private static boolean flag(String[] args, String name) {
        for (String arg : args) {
            if (arg.equals(name)) return true;
        }
        return false;
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
