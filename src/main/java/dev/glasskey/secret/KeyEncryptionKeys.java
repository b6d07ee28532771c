package dev.glasskey.secret;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.GlasskeyProperties;
import dev.glasskey.system.PrivateFiles;
import dev.glasskey.system.SealedColumn;
import dev.glasskey.system.Sealing;
import dev.glasskey.system.StartupRefusal;

/**
 * Finds the key-encryption keys (KEKs) and checks them against the database before anything
 * opens a secret (docs/OPERATIONS.md, "Secrets at rest").
 *
 * <p>The current KEK comes from the first source configured, in this order: a PKCS#11 token
 * ({@code glasskey.secrets.pkcs11.library}), {@code glasskey.secrets.kek} ({@code GLASSKEY_KEK}),
 * {@code glasskey.secrets.kek-file}; with none, {@code master.key} in the data directory (made on
 * first start). Previous KEKs (files, values, token labels) only open. The database's check values
 * ({@code secret_kek}) name every KEK that sealed something in it: a start whose keys do not cover
 * them is refused with the ids expected ({@link StartupRefusal#KEY_ENCRYPTION_KEY}), rather than
 * failing later on the first secret it opens.
 */
@Component
class KeyEncryptionKeys {
    /** What every check value seals (under the KEK it names, for its own row). */
    static final String CHECK_PLAINTEXT = "glasskey key-encryption key check";
    private static final Logger log = LoggerFactory.getLogger(KeyEncryptionKeys.class);

    private final SecretsProperties properties;
    private final SecretStore store;
    private final Path dataDir;
    private final boolean allowOpen;

    KeyEncryptionKeys(SecretsProperties properties, SecretStore store, GlasskeyProperties glasskey, Environment environment) {
        this.properties = properties;
        this.store = store;
        this.dataDir = Path.of(glasskey.dataDir()).toAbsolutePath().normalize();
        this.allowOpen = environment.getProperty(PrivateFiles.ALLOW_OPEN_PERMISSIONS, Boolean.class, false);
    }

    /** Whether the current KEK is {@code master.key} (no source configured): then a rewrap makes a new one. */
    boolean masterKeyInUse() {
        return !properties.pkcs11().configured() && properties.kek() == null && properties.kekFile() == null;
    }

    MasterKey masterKey() {
        return new MasterKey(dataDir, allowOpen);
    }

    /** The ring of KEKs, checked against the database's check values. */
    Sealing load() {
        Map<String, String> checks = store.checks();
        List<Sealing.Kek> token = properties.pkcs11().configured() ? Pkcs11Keys.load(properties.pkcs11()) : List.of();
        Sealing.Kek current = token.isEmpty() ? current(checks.keySet()) : token.get(0);
        List<Sealing.Kek> previous = previous(token.isEmpty() ? List.of() : token.subList(1, token.size()));
        if (!token.isEmpty() && (properties.kek() != null || properties.kekFile() != null)) {
            log.warn("Key-encryption key from the PKCS#11 token; glasskey.secrets.kek (GLASSKEY_KEK) and kek-file are also set and ignored");
        }
        Sealing sealing = new Sealing(current, previous);
        verify(sealing, checks);
        log.info("Secrets at rest: sealed under key-encryption key {}{}", current,
                previous.isEmpty() ? "" : "; previous keys that open: " + previous);
        return sealing;
    }

    /** The current KEK when no PKCS#11 token is configured. */
    private Sealing.Kek current(Set<String> sealedBy) {
        if (properties.kek() != null) {
            if (properties.kekFile() != null) {
                log.warn("Key-encryption key from glasskey.secrets.kek (GLASSKEY_KEK); glasskey.secrets.kek-file is also set and ignored");
            }
            return fromBase64(properties.kek(), "glasskey.secrets.kek", "glasskey.secrets.kek (GLASSKEY_KEK)");
        }
        if (properties.kekFile() != null) {
            Path file = Path.of(properties.kekFile());
            warnIfOpen(file);
            return MasterKey.read(file, "kek-file " + file);
        }
        return masterKey().load(sealedBy);
    }

    private List<Sealing.Kek> previous(List<Sealing.Kek> fromToken) {
        if (!properties.pkcs11().configured() && !properties.pkcs11().previousKeyLabels().isEmpty()) {
            throw refused("glasskey.secrets.pkcs11.previous-key-labels is set but no PKCS#11 module is configured.",
                    "Set glasskey.secrets.pkcs11.library (and slot, pin), or remove the previous key labels.", null);
        }
        List<Sealing.Kek> previous = new ArrayList<>(fromToken);
        for (String value : properties.previousKeks()) {
            previous.add(fromBase64(value, "glasskey.secrets.previous-keks", "glasskey.secrets.previous-keks (GLASSKEY_PREVIOUS_KEKS)"));
        }
        for (String file : properties.previousKekFiles()) {
            previous.add(MasterKey.read(Path.of(file), "previous kek-file " + file));
        }
        return previous;
    }

    /**
     * Every KEK the check values name must be in the ring (the current one, or a previous one while
     * rotating), and each of those must open its check value.
     */
    static void verify(Sealing sealing, Map<String, String> checks) {
        Set<String> missing = new LinkedHashSet<>();
        checks.forEach((id, value) -> {
            if (!sealing.holds(id)) {
                missing.add(id);
                return;
            }
            String opened;
            try {
                opened = sealing.open(SealedColumn.KEK_CHECK, id, value);
            } catch (GlasskeyException e) {
                throw refused("The check value of key-encryption key " + id + " does not open: " + e.detail(),
                        "The secret_kek table was altered; restore it from a backup.", e);
            }
            if (!CHECK_PLAINTEXT.equals(opened)) {
                throw refused("The check value of key-encryption key " + id + " is not Glasskey's.",
                        "The secret_kek table was altered; restore it from a backup.", null);
            }
        });
        if (!missing.isEmpty()) {
            throw refused("The configured key-encryption key (id " + sealing.current().id() + ", from " + sealing.current().source()
                    + ") is not the one that sealed this database (expected id " + String.join(" and ", missing) + ").",
                    "Configure the key-encryption key with id " + String.join(" and ", missing) + " — the GLASSKEY_KEK value, kek-file, "
                            + "PKCS#11 key or master.key this database was sealed under (a database restored from a backup needs the "
                            + "key of its time) — or, while rotating with 'glasskey keys rewrap', name it as a previous key "
                            + "(glasskey.secrets.previous-kek-files, previous-keks or pkcs11.previous-key-labels). See "
                            + "docs/OPERATIONS.md, \"Secrets at rest\".", null);
        }
    }

    /**
     * A configured KEK file open to other users is reported, not refused: secrets mounted by an
     * orchestrator are often 0644 inside a container that runs nothing else.
     */
    private static void warnIfOpen(Path file) {
        if (!PrivateFiles.posix()) {
            return;
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"))) {
                log.warn("The key-encryption key file {} is open to other users ({}): make it readable by the server's user only",
                        file, PosixFilePermissions.toString(permissions));
            }
        } catch (IOException e) {
            // read() reports a file it cannot read
        }
    }

    /** A KEK from its base64 text (standard or URL-safe alphabet, surrounding white space ignored): 32 bytes, AES-256. */
    static Sealing.Kek fromBase64(String text, String source, String setting) {
        byte[] key;
        try {
            String compact = text.strip();
            key = compact.contains("-") || compact.contains("_") ? Base64.getUrlDecoder().decode(compact)
                    : Base64.getDecoder().decode(compact);
        } catch (IllegalArgumentException e) {
            throw refused(setting + " is not base64.", "Give 32 random bytes in base64, e.g. from 'openssl rand -base64 32'.", null);
        }
        if (key.length != 32) {
            throw refused(setting + " holds " + key.length + " bytes; a key-encryption key is 32 bytes (AES-256).",
                    "Give 32 random bytes in base64, e.g. from 'openssl rand -base64 32'.", null);
        }
        return fromBytes(key, source);
    }

    static Sealing.Kek fromBytes(byte[] key, String source) {
        SecretKeySpec spec = new SecretKeySpec(key, "AES");
        return new Sealing.Kek(Sealing.keyCheckValue(spec, null), spec, null, source);
    }

    static StartupRefusal refused(String problem, String action, Throwable cause) {
        return new StartupRefusal(StartupRefusal.KEY_ENCRYPTION_KEY, "glasskey.secrets", problem, action, cause);
    }
}
