package dev.glasskey.secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.glasskey.system.PrivateFiles;
import dev.glasskey.system.Sealing;

/**
 * The default key-encryption key: {@code master.key} in the data directory, 32 random bytes
 * (base64, one line), created 0600 on first start when no other source is configured. It must
 * be kept apart from the database's backups (docs/OPERATIONS.md, "Secrets at rest"): a backup
 * of the database alone then holds only sealed secrets.
 *
 * <p>{@code glasskey keys rewrap} replaces it: the new key is written to {@code master.key.new}
 * first, every secret is re-sealed under it in one transaction, then the file is renamed over
 * {@code master.key}. A start that finds {@code master.key.new} finishes or undoes that by what
 * the database says (its check values name the key that sealed it).
 */
final class MasterKey {
    static final String FILE = "master.key";
    static final String NEXT = "master.key.new";
    private static final Logger log = LoggerFactory.getLogger(MasterKey.class);

    private final Path dataDir;
    private final boolean allowOpen;

    MasterKey(Path dataDir, boolean allowOpen) {
        this.dataDir = dataDir;
        this.allowOpen = allowOpen;
    }

    Path file() {
        return dataDir.resolve(FILE);
    }

    /**
     * The key, created on first start (never for a database already sealed). The data directory
     * and the file must be owner-only.
     *
     * @param sealedBy the ids of the keys the database's check values name (to settle a rotation
     *                 interrupted between its commit and its rename)
     */
    Sealing.Kek load(Set<String> sealedBy) {
        PrivateFiles.createDirectories(dataDir);
        PrivateFiles.requireOwnerOnly(dataDir, "The data directory " + dataDir, "It holds the key-encryption key (master.key) that "
                + "seals every secret in the database.", allowOpen);
        Path file = file();
        Path next = dataDir.resolve(NEXT);
        if (Files.exists(next)) {
            settleInterruptedRotation(file, next, sealedBy);
        }
        if (!Files.exists(file)) {
            if (!sealedBy.isEmpty()) {
                throw KeyEncryptionKeys.refused("No key-encryption key is configured and " + dataDir + " has no master.key, but the "
                        + "secrets in this database are sealed under key-encryption key " + String.join(" and ", sealedBy) + ".",
                        "Configure that key (GLASSKEY_KEK, glasskey.secrets.kek-file or the PKCS#11 token), or put back the master.key "
                                + "this database was sealed under (docs/OPERATIONS.md, \"Secrets at rest\").", null);
            }
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            write(file, key);
            Sealing.Kek kek = KeyEncryptionKeys.fromBytes(key, "master.key in " + dataDir);
            log.info("Generated the key-encryption key {} (id {}): it seals every secret in the database. Keep a copy apart from the "
                    + "database backups (docs/OPERATIONS.md, \"Secrets at rest\")", file, kek.id());
            return kek;
        }
        PrivateFiles.requireOwnerOnly(file, "The key-encryption key " + file, "Anyone who can read it and the database can read "
                + "every secret Glasskey keeps.", allowOpen);
        return read(file, "master.key in " + dataDir);
    }

    /** Writes a new key to {@code master.key.new} (the first step of a rotation) and returns it. */
    Sealing.Kek createNext() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        write(dataDir.resolve(NEXT), key);
        return KeyEncryptionKeys.fromBytes(key, "master.key in " + dataDir);
    }

    /** Renames {@code master.key.new} over {@code master.key} (the last step of a rotation, after the commit). */
    void promoteNext() {
        try {
            Files.move(dataDir.resolve(NEXT), file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("every secret is sealed under " + dataDir.resolve(NEXT) + " now, but it could not be renamed to "
                    + FILE + ": rename it by hand before the next start", e);
        }
    }

    /** Removes {@code master.key.new} (a rotation that did not commit). */
    void discardNext() {
        try {
            Files.deleteIfExists(dataDir.resolve(NEXT));
        } catch (IOException e) {
            log.warn("cannot remove {}: {}", dataDir.resolve(NEXT), e.toString());
        }
    }

    private void settleInterruptedRotation(Path file, Path next, Set<String> sealedBy) {
        PrivateFiles.requireOwnerOnly(next, "The key-encryption key " + next, "It may seal every secret in the database.", allowOpen);
        Sealing.Kek nextKey = read(next, NEXT);
        if (sealedBy.contains(nextKey.id())) {
            promoteNext();
            log.warn("Finished a key-encryption key rotation that stopped after its commit: {} (id {}) is now {}", NEXT, nextKey.id(), file);
        } else {
            discardNext();
            log.warn("Removed {} (id {}): left by a key-encryption key rotation that did not commit; {} still seals the database",
                    next, nextKey.id(), file);
        }
    }

    static Sealing.Kek read(Path file, String source) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw KeyEncryptionKeys.refused("The key-encryption key file " + file + " cannot be read (" + e.getMessage() + ").",
                    "Check the path and that the server's user may read it.", e);
        }
        return KeyEncryptionKeys.fromBase64(text, source, file.toString());
    }

    private static void write(Path file, byte[] key) {
        try {
            PrivateFiles.write(file, (Base64.getEncoder().encodeToString(key) + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the key-encryption key " + file, e);
        }
    }
}
