package dev.glasskey.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the embedded H2 file proportional to its live data (docs/PERFORMANCE.md, "The H2 file
 * grows with every commit").
 *
 * <p>With {@code WRITE_DELAY=0} (needed so that an acknowledged commit survives SIGKILL) H2
 * writes every commit synchronously as a new chunk and stops its background writer thread —
 * and that thread is what compacts the file: it re-writes the few live pages of mostly dead
 * chunks so that those chunks die and their space is reused. Without it, each commit leaves a
 * chunk behind that still holds one or two live pages (a leaf of a random-key index, say), and
 * the file grows by ~25 KB per commit. This task does that work instead, with H2's public
 * {@link MVStore#compact(int, int)} (the re-write step of H2's own background housekeeping,
 * which runs concurrently with commits in H2's default mode), committing the re-written pages
 * after each step, for at most {@value #MAX_PASS_MILLIS} ms per pass; then it
 * {@link MVStore#sync() fsyncs} the file, so writes reach the disk within one interval rather
 * than whenever the OS gets to them. It does not move chunks or truncate the file (H2 does that
 * at close, within {@code MAX_COMPACT_TIME}): freed space is reused instead.
 *
 * <p>The datasource URL sets {@code RETENTION_TIME=0} as well: with H2's default of 45 s a dead
 * chunk is kept for 45 s, so under load the file holds 45 s worth of commits whatever this
 * task does. And {@code ANALYZE_AUTO=0}: H2's automatic ANALYZE reads without pinning its
 * version, so with no retention it can meet a reused chunk.
 *
 * <p>Runs every {@code glasskey.h2.maintenance-interval} (default 1 s) in the server, only when
 * the datasource is an embedded H2 file database (nothing for PostgreSQL), and does nothing
 * while the file was not written since the previous pass. Each pass also keeps the files H2
 * creates beside the database owner-only.
 */
@Component
@ConditionalOnWebApplication
public class H2FileMaintenance {
    /** Longest time one pass may spend compacting (checked between steps). */
    static final int MAX_PASS_MILLIS = 100;
    /** Compact while less than this percentage of the chunks' space is live (H2's own default). */
    static final int TARGET_FILL_RATE = 90;
    /** Most bytes of live pages one step re-writes. */
    static final int STEP_WRITE_LIMIT = 16 << 20;

    private static final Logger log = LoggerFactory.getLogger(H2FileMaintenance.class);

    private final DataSource dataSource;
    private volatile boolean notH2;
    private long writesSeen = -1;
    private boolean failureLogged;
    private FileTime directoryModified;

    public H2FileMaintenance(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Scheduled(fixedDelayString = "${glasskey.h2.maintenance-interval:PT1S}", initialDelayString = "${glasskey.h2.maintenance-interval:PT1S}")
    void scheduled() {
        if (notH2) return;
        try {
            runOnce();
            failureLogged = false;
        } catch (Exception e) {
            // The database closing under the task, or the like: log once, try again next time.
            if (!failureLogged) {
                log.warn("H2 file maintenance failed (will retry): {}", e.toString());
                failureLogged = true;
            }
        }
    }

    /**
     * One pass: compact and sync the file if it was written since the last pass. Safe to call
     * while other connections commit. Single caller at a time (the scheduler, or a test).
     *
     * @return false when the datasource is not an embedded H2 file database (then never again true)
     */
    public synchronized boolean runOnce() throws SQLException {
        if (notH2) return false;
        try (Connection connection = dataSource.getConnection()) {
            MVStore store = embeddedStore(connection);
            if (store == null) {
                notH2 = true;
                log.debug("datasource is not an embedded H2 file database: no H2 file maintenance");
                return false;
            }
            FileStore<?> file = store.getFileStore();
            long writes = file.getWriteCount();
            if (writes != writesSeen && !store.isClosed()) {
                long deadline = System.nanoTime() + MAX_PASS_MILLIS * 1_000_000L;
                // compact() re-writes the live pages of the emptiest chunks into the current
                // version; commit() stores them, after which those chunks are dead and reusable.
                while (store.compact(TARGET_FILL_RATE, STEP_WRITE_LIMIT)) {
                    store.commit();
                    if (System.nanoTime() - deadline > 0) break;
                }
                store.sync();
                writesSeen = file.getWriteCount();
            }
            keepFilesPrivate(file.getFileName());
            return true;
        }
    }

    /**
     * H2 creates its trace and temporary files beside the database with the process umask: take
     * group's and others' permissions away from them, looking only when the directory changed
     * (docs/OPERATIONS.md, "Secrets at rest"; the launcher also runs with umask 077).
     */
    private void keepFilesPrivate(String databaseFile) {
        try {
            Path dir = Path.of(databaseFile).toAbsolutePath().getParent();
            FileTime modified = Files.getLastModifiedTime(dir);
            if (!modified.equals(directoryModified)) {
                directoryModified = modified;
                int changed = PrivateFiles.tighten(dir);
                if (changed > 0) {
                    log.debug("made {} file(s) in {} owner-only", changed, dir);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("cannot check the files beside {}: {}", databaseFile, e.toString());
        }
    }

    /**
     * Rewrites an embedded H2 database's file so that it holds live data only: H2's
     * {@code SHUTDOWN COMPACT} closes the database and copies what is live into a new file that
     * replaces the old one, so what was overwritten or deleted is gone from the file, not merely
     * unreachable in its free space. The pool's connections to the closed database are let go
     * (the next use opens the new file) and the new file is made owner-only. Used after secrets
     * were re-sealed (docs/OPERATIONS.md, "Secrets at rest"), while nothing else uses the database.
     * ({@link MVStore#compactFile} would do it in place, but trips H2's own assertions on a
     * database that has served a while.)
     *
     * @return false when the datasource is not an embedded H2 file database (nothing done)
     */
    public static boolean rewriteFile(DataSource dataSource) throws SQLException {
        Path dir;
        Connection connection = dataSource.getConnection();
        try {
            MVStore store = embeddedStore(connection);
            if (store == null) {
                return false;
            }
            dir = Path.of(store.getFileStore().getFileName()).toAbsolutePath().getParent();
            Statement statement = connection.createStatement();
            statement.execute("SHUTDOWN COMPACT");
        } finally {
            try {
                connection.close();
            } catch (SQLException closedWithTheDatabase) {
                // expected after SHUTDOWN: the pool lets this connection go below
            }
        }
        if (dataSource.isWrapperFor(HikariDataSource.class)) {
            HikariPoolMXBean pool = dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean();
            if (pool != null) {
                pool.softEvictConnections();
            }
        }
        PrivateFiles.tighten(dir);
        return true;
    }

    /** The MVStore behind an embedded (in-process) persistent H2 connection, else null. */
    private static MVStore embeddedStore(Connection connection) throws SQLException {
        if (!connection.isWrapperFor(JdbcConnection.class)) return null;
        Session session = connection.unwrap(JdbcConnection.class).getSession();
        if (!(session instanceof SessionLocal local)) return null; // H2 over TCP: the server process owns the file
        var database = local.getDatabase();
        if (!database.isPersistent() || database.isReadOnly() || database.getStore() == null) return null;
        MVStore store = database.getStore().getMvStore();
        return store.getFileStore() == null ? null : store;
    }
}
