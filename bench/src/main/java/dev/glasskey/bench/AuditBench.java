package dev.glasskey.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.glasskey.GlasskeyApplication;
import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditChain;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.audit.AuditIntegrity;
import dev.glasskey.audit.AuditVerification;
import dev.glasskey.cli.GlasskeyCommand;
import dev.glasskey.system.Actor;

/**
 * Audit log benchmarks, each on a fresh H2 data directory configured as the server's (file,
 * {@code WRITE_DELAY=0}):
 *
 * <ul>
 * <li>{@code verify}: writes a log of {@code --entries} sign-in-like entries with a correct chain
 *     (JDBC batches, one transaction per 100,000 entries, a signed checkpoint after each), reports
 *     the H2 file size, then times {@code glasskey audit verify} on the database (whole command
 *     and the verification walk alone), {@code glasskey audit export} and {@code audit verify --file}.</li>
 * <li>{@code append}: the marginal cost of {@link Audit#record} inside a write transaction shaped
 *     like a sign-in's (counter update + used-challenge insert, committed durably), with and
 *     without the audit append, on {@code --threads} threads for {@code --seconds} each.</li>
 * </ul>
 *
 * Times are reported with the process's CPU time (both verification threads, JIT and GC).
 * {@code verify} takes {@code --only walk,cli,file} (default all three) and {@code --runs N} (default 3);
 * the export file is written once and reused.
 *
 * Usage: {@code AuditBench verify --entries 1000000 --dir /tmp/x} / {@code AuditBench append --threads 2 --seconds 20 --dir /tmp/y}
 */
public final class AuditBench {
    private AuditBench() {}

    private static String[] database = new String[0];
    private static String[] ARGS = new String[0];

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        ARGS = args;
        long entries = Long.parseLong(option(args, "--entries", "1000000"));
        int threads = Integer.parseInt(option(args, "--threads", "2"));
        int seconds = Integer.parseInt(option(args, "--seconds", "20"));
        Path dir = Path.of(option(args, "--dir", Files.createTempDirectory("glasskey-audit-bench-").toString())).toAbsolutePath();
        dev.glasskey.system.PrivateFiles.createDirectories(dir); // owner-only, or the server refuses to start
        // --pg SCHEMA: the log lives in that (new or reused) schema of the local PostgreSQL test database instead of H2.
        String pg = option(args, "--pg", null);
        if (pg != null) {
            try (var c = java.sql.DriverManager.getConnection(dev.glasskey.testing.Postgres.URL, dev.glasskey.testing.Postgres.USER, "");
                 var st = c.createStatement()) {
                st.execute("create schema if not exists " + pg);
            }
            database = new String[] {"--spring.datasource.url=" + dev.glasskey.testing.Postgres.URL + "?currentSchema=" + pg,
                    "--spring.datasource.username=" + dev.glasskey.testing.Postgres.USER, "--spring.datasource.password="};
        }
        switch (mode) {
            case "verify" -> verify(dir, entries);
            case "append" -> append(dir, threads, seconds);
            default -> throw new IllegalArgumentException("mode: verify | append");
        }
        System.exit(0);
    }

    private static void verify(Path dir, long entries) throws Exception {
        boolean built;
        try (ConfigurableApplicationContext context = context(dir)) {
            built = context.getBean(JdbcClient.class).sql("select seq from audit_head").query(Long.class).single() >= entries;
        }
        if (!built) {
            long t0 = System.nanoTime();
            try (ConfigurableApplicationContext context = context(dir)) {
                build(context, entries);
            }
            double buildS = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "audit.build_entries=%d%naudit.build_s=%.1f%n", entries, buildS);
        }
        System.out.printf(Locale.ROOT, "audit.h2_file_mb=%d%n", sizeMb(dir));

        int runs = Integer.parseInt(option(ARGS, "--runs", "3"));
        String only = option(ARGS, "--only", "walk,cli,file");
        // The verification walk alone, in a started context (--runs runs, the best is reported). CPU is the whole
        // process's (both verification threads, JIT and GC included), from the JVM's process CPU counter.
        if (only.contains("walk")) {
            try (ConfigurableApplicationContext context = context(dir)) {
                AuditIntegrity integrity = context.getBean(AuditIntegrity.class);
                double best = Double.MAX_VALUE;
                double bestCpu = Double.MAX_VALUE;
                for (int run = 0; run < runs; run++) {
                    long s = System.nanoTime();
                    long cpu = processCpu();
                    AuditVerification v = integrity.verifyDatabase(n -> { }, 0);
                    double took = (System.nanoTime() - s) / 1e9;
                    double tookCpu = (processCpu() - cpu) / 1e9;
                    if (!v.intact() || v.entries() != entries) {
                        throw new IllegalStateException("benchmark log does not verify: " + v);
                    }
                    System.out.printf(Locale.ROOT, "audit.verify_walk_run%d_s=%.2f (process CPU %.2f s = %.2f us/entry, %d checkpoints, load %s)%n",
                            run + 1, took, tookCpu, tookCpu * 1e6 / entries, v.checkpoints(), load());
                    best = Math.min(best, took);
                    bestCpu = Math.min(bestCpu, tookCpu);
                }
                System.out.printf(Locale.ROOT, "audit.verify_walk_entries_per_s=%.0f%naudit.verify_walk_entries_per_cpu_s=%.0f%n", entries / best, entries / bestCpu);
            }
        }

        if (database.length > 0) {
            return; // the CLI reads the configured database; the walk above is the figure
        }
        if (only.contains("cli")) {
            // The command as an operator runs it (Spring context start included; a fresh JVM would add ~1 s of JVM start).
            long c0 = System.nanoTime();
            long cpu0 = processCpu();
            int code = GlasskeyCommand.run("audit", "verify", "--data-dir", dir.toString(), "--progress-every", "250000");
            double cliS = (System.nanoTime() - c0) / 1e9;
            System.out.printf(Locale.ROOT, "audit.verify_cli_exit=%d%naudit.verify_cli_s=%.2f (process CPU %.2f s, load %s)%naudit.verify_cli_entries_per_s=%.0f%n",
                    code, cliS, (processCpu() - cpu0) / 1e9, load(), entries / cliS);
        }

        if (only.contains("file")) {
            Path export = dir.resolve("export.jsonl");
            if (!Files.exists(export)) {
                long e0 = System.nanoTime();
                int exported = GlasskeyCommand.run("audit", "export", "--data-dir", dir.toString(), "--output", export.toString());
                System.out.printf(Locale.ROOT, "audit.export_exit=%d%naudit.export_s=%.2f%naudit.export_mb=%d%n", exported,
                        (System.nanoTime() - e0) / 1e9, Files.size(export) >> 20);
            }
            // `audit verify --file` needs no Spring context: the command's time is the verification's.
            double best = Double.MAX_VALUE;
            double bestCpu = Double.MAX_VALUE;
            for (int run = 0; run < runs; run++) {
                long f0 = System.nanoTime();
                long cpu0 = processCpu();
                int fileCode = GlasskeyCommand.run("audit", "verify", "--file", export.toString(), "--quiet");
                double fileS = (System.nanoTime() - f0) / 1e9;
                double cpu = (processCpu() - cpu0) / 1e9;
                if (fileCode != 0) {
                    throw new IllegalStateException("export does not verify: exit " + fileCode);
                }
                System.out.printf(Locale.ROOT, "audit.verify_file_run%d_s=%.2f (process CPU %.2f s = %.2f us/entry, load %s)%n",
                        run + 1, fileS, cpu, cpu * 1e6 / entries, load());
                best = Math.min(best, fileS);
                bestCpu = Math.min(bestCpu, cpu);
            }
            System.out.printf(Locale.ROOT, "audit.verify_file_entries_per_s=%.0f%naudit.verify_file_entries_per_cpu_s=%.0f%n", entries / best, entries / bestCpu);
        }
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String load() throws IOException {
        String[] l = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return l[0] + " " + l[1] + " " + l[2];
    }

    /** Writes {@code entries} chained entries (100,000 per transaction) and signs a checkpoint after each transaction. */
    private static void build(ConfigurableApplicationContext context, long entries) throws Exception {
        DataSource ds = context.getBean(DataSource.class);
        AuditIntegrity integrity = context.getBean(AuditIntegrity.class);
        AuditChain.Hasher hasher = new AuditChain.Hasher();
        // A first start already appends a few entries (signing keys generated): continue the chain from its head.
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        long seq = jdbc.sql("select seq from audit_head where id = 1").query(Long.class).single();
        String prev = jdbc.sql("select hash from audit_head where id = 1").query(String.class).single();
        Instant at = Instant.now().minus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MICROS);
        String[] accounts = new String[200];
        for (int i = 0; i < accounts.length; i++) {
            accounts[i] = UUID.randomUUID().toString();
        }
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("insert into audit_event (seq, at, actor, action, target, outcome, reason,"
                    + " emergency, flagged, client, detail, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement head = c.prepareStatement("update audit_head set seq = ?, hash = ? where id = 1")) {
                while (seq < entries) {
                    seq++;
                    at = at.plus(1731, ChronoUnit.MICROS);
                    String account = accounts[(int) (seq % accounts.length)];
                    String actor = account + " (Account " + (seq % accounts.length) + ")";
                    String detail = "credential " + UUID.nameUUIDFromBytes(account.getBytes(StandardCharsets.UTF_8)) + " on key 'Key " + (seq % accounts.length) + "'";
                    String hash = hasher.hashHex(prev, seq, at.toString(), actor, "signin", account, "success", null, false, false,
                            "127.0.0.1", detail);
                    insert.setLong(1, seq);
                    insert.setObject(2, at.atOffset(ZoneOffset.UTC));
                    insert.setString(3, actor);
                    insert.setString(4, "signin");
                    insert.setString(5, account);
                    insert.setString(6, "success");
                    insert.setString(7, null);
                    insert.setBoolean(8, false);
                    insert.setBoolean(9, false);
                    insert.setString(10, "127.0.0.1");
                    insert.setString(11, detail);
                    insert.setString(12, prev);
                    insert.setString(13, hash);
                    insert.addBatch();
                    prev = hash;
                    if (seq % 10_000 == 0 || seq == entries) {
                        insert.executeBatch();
                    }
                    if (seq % 100_000 == 0 || seq == entries) {
                        head.setLong(1, seq);
                        head.setString(2, prev);
                        head.executeUpdate();
                        c.commit();
                        integrity.checkpoint();
                        System.err.printf("built %,d entries%n", seq);
                    }
                }
            }
        }
    }

    private static void append(Path dir, int threads, int seconds) throws Exception {
        try (ConfigurableApplicationContext context = context(dir)) {
            JdbcClient jdbc = context.getBean(JdbcClient.class);
            Audit audit = context.getBean(Audit.class);
            TransactionTemplate tx = new TransactionTemplate(context.getBean(org.springframework.transaction.PlatformTransactionManager.class));
            jdbc.sql("create table bench_counter (id integer primary key, n bigint not null)").update();
            for (int i = 0; i < threads; i++) {
                jdbc.sql("insert into bench_counter (id, n) values (:i, 0)").param("i", i).update();
            }
            // Warm-up both shapes, then measure each (without, with, without, with) and report the mean of each.
            run(jdbc, audit, tx, threads, 5, false);
            run(jdbc, audit, tx, threads, 5, true);
            double[] without = new double[2];
            double[] with = new double[2];
            for (int r = 0; r < 2; r++) {
                without[r] = run(jdbc, audit, tx, threads, seconds, false);
                with[r] = run(jdbc, audit, tx, threads, seconds, true);
            }
            double a = (without[0] + without[1]) / 2;
            double b = (with[0] + with[1]) / 2;
            System.out.printf(Locale.ROOT, "append.threads=%d%nappend.tx_per_s_without_audit=%.0f (%.0f, %.0f)%nappend.tx_per_s_with_audit=%.0f (%.0f, %.0f)%n",
                    threads, a, without[0], without[1], b, with[0], with[1]);
            System.out.printf(Locale.ROOT, "append.marginal_ms_per_entry=%.3f%n", (1000.0 / b - 1000.0 / a) * threads);
            System.out.printf(Locale.ROOT, "audit.h2_file_mb=%d%n", sizeMb(dir));
        }
    }

    /** Sign-in-shaped durable transactions for {@code seconds} on {@code threads} threads; returns transactions/s. */
    private static double run(JdbcClient jdbc, Audit audit, TransactionTemplate tx, int threads, int seconds, boolean withAudit)
            throws InterruptedException {
        LongAdder done = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(threads);
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                while (!stop.get()) {
                    tx.executeWithoutResult(s -> {
                        jdbc.sql("update bench_counter set n = n + 1 where id = :id").param("id", id).update();
                        jdbc.sql("insert into used_challenge (challenge, expires_at) values (:c, :e)")
                                .param("c", UUID.randomUUID().toString()).param("e", java.time.OffsetDateTime.now(ZoneOffset.UTC)).update();
                        if (withAudit) {
                            audit.record(AuditEvent.success(new Actor(UUID.randomUUID().toString(), "Bench account"), "signin",
                                    "bench-" + id, false, "credential bench on key 'Bench'"));
                        }
                    });
                    done.increment();
                }
                finished.countDown();
            });
            thread.start();
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        finished.await();
        return done.sum() / ((System.nanoTime() - start) / 1e9);
    }

    private static ConfigurableApplicationContext context(Path dir) {
        SpringApplication app = new SpringApplication(GlasskeyApplication.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(database));
        args.addAll(java.util.List.of("--glasskey.data-dir=" + dir, "--glasskey.first-start.enabled=false", "--logging.level.root=warn"));
        return app.run(args.toArray(String[]::new));
    }

    private static long sizeMb(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".db"))
                    .mapToLong(p -> p.toFile().length()).sum() >> 20;
        }
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
