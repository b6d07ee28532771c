package dev.glasskey.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files only their owner may read or write: the data directory (0700) and what is in it (0600) —
 * the embedded database, {@code master.key}, {@code readiness.json}. Created so from the start
 * (the permissions are given at creation, not fixed afterwards), and checked at start-up
 * (docs/OPERATIONS.md, "Secrets at rest"). On a file system without POSIX permissions nothing is
 * checked, and the log says so.
 */
public final class PrivateFiles {
    /** Set to {@code true} to run although the data directory or its files are open to other users. */
    public static final String ALLOW_OPEN_PERMISSIONS = "glasskey.data-dir.allow-open-permissions";
    private static final String DATA_DIR = "glasskey.data-dir";

    private static final Logger log = LoggerFactory.getLogger(PrivateFiles.class);
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static volatile boolean nonPosixReported;

    private PrivateFiles() {}

    /** Whether this file system has POSIX permissions (when not, the log says once that nothing is checked). */
    public static boolean posix() {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return true;
        }
        if (!nonPosixReported) {
            nonPosixReported = true;
            log.warn("This file system has no POSIX permissions: the data directory and its files are not checked for being "
                    + "owner-only (docs/OPERATIONS.md, \"Secrets at rest\"); restrict them with the system's own means");
        }
        return false;
    }

    /** Creates the directory (and missing parents) owner-only, 0700; an existing one is left as it is. */
    public static void createDirectories(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                return;
            }
            if (posix()) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            } else {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory " + dir, e);
        }
    }

    /** Creates an empty file owner-only (0600); false when it already existed. */
    public static boolean createFile(Path file) {
        try {
            if (posix()) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
            } else {
                Files.createFile(file);
            }
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
    }

    /**
     * Writes a file owner-only and atomically: a temporary sibling created 0600, written and
     * forced to disk, then renamed over the file.
     */
    public static void write(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        createFile(tmp);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Refuses to go on ({@link StartupRefusal#OPEN_PERMISSIONS}) when group or others hold any
     * permission on the path, unless {@code allowOpen} (then it warns).
     *
     * @param what what the path is, for the message ("The data directory /srv/glasskey")
     * @param why  what it holds, for the message
     */
    public static void requireOwnerOnly(Path path, String what, String why, boolean allowOpen) {
        if (!posix() || !Files.exists(path)) {
            return;
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getFileAttributeView(path, PosixFileAttributeView.class).readAttributes().permissions();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the permissions of " + path, e);
        }
        if (permissions.stream().noneMatch(OTHERS::contains)) {
            return;
        }
        boolean directory = Files.isDirectory(path);
        String expected = directory ? "rwx------, 700" : "rw-------, 600";
        String problem = what + " is open to other users (" + PosixFilePermissions.toString(permissions) + "; owner-only is " + expected
                + "). " + why;
        if (allowOpen) {
            log.warn("{} Running anyway: {}=true.", problem, ALLOW_OPEN_PERMISSIONS);
            return;
        }
        throw new StartupRefusal(StartupRefusal.OPEN_PERMISSIONS, DATA_DIR, problem,
                "Run 'chmod " + (directory ? "700 " + path + " && chmod 600 " + path + "/*" : "600 " + path) + "' as its owner. If other "
                        + "users may already have read it, rotate the keys it protects (docs/OPERATIONS.md, \"Secrets at rest\"). To run "
                        + "anyway, set " + ALLOW_OPEN_PERMISSIONS + "=true.", null);
    }

    /**
     * Takes group's and others' permissions away from the files directly in {@code dir}: for
     * files another component created there with the process's umask (H2's trace and temporary
     * files). Returns how many were changed.
     */
    public static int tighten(Path dir) {
        if (!posix()) {
            return 0;
        }
        int changed = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (tightenFile(file)) {
                    changed++;
                }
            }
        } catch (IOException e) {
            log.debug("cannot tighten the permissions in {}: {}", dir, e.toString());
        }
        return changed;
    }

    private static boolean tightenFile(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return false;
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().noneMatch(OTHERS::contains)) {
                return false;
            }
            permissions.removeAll(OTHERS);
            Files.setPosixFilePermissions(file, permissions);
            return true;
        } catch (IOException e) {
            // deleted meanwhile (a temporary file), or not ours to change: the directory is 0700 all the same
            return false;
        }
    }
}
