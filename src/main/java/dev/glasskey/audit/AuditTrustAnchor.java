package dev.glasskey.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Base64;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Service;

import dev.glasskey.system.PrivateFiles;
import dev.glasskey.system.ServerKeys;
import dev.glasskey.system.Times;

/**
 * The audit trust anchor outside the database: the file of pinned audit-signing public keys
 * ({@code glasskey.audit.trusted-keys}, by default {@code audit-trusted-keys.pem} in the data
 * directory). Verification trusts a checkpoint only when a key in this file verifies it, so a
 * database writer who re-signs a rewritten chain with a key of their own, or inserts a public key
 * row, is reported as untrusted.
 *
 * <p>On the server's first start (no file yet) the active audit-signing public key is written to
 * it (mode 0600) and printed with its fingerprint, for the operator to keep elsewhere; a rotation
 * ({@link AuditKeyRotation}) appends the new key. At every later start the file is read and the active key
 * checked against it: a key that is not pinned (someone replaced the key row, or the file was
 * copied from another installation) is logged as an error, and its checkpoints verify as untrusted.
 * The file is never rewritten from the database at a later start.
 */
@Service
@Order(1)
public class AuditTrustAnchor implements ApplicationRunner {
    /** The setting naming the file (its default is in application.properties: the data directory's {@code audit-trusted-keys.pem}). */
    public static final String PROPERTY = "glasskey.audit.trusted-keys";
    /**
     * Internal switch: false in the contexts of {@code glasskey audit verify} and {@code export},
     * which must never trust a key they have just read from the database they are checking.
     */
    public static final String PIN_ON_START = "glasskey.audit.pin-on-start";
    private static final Logger log = LoggerFactory.getLogger(AuditTrustAnchor.class);

    private final Path file;
    private final ServerKeys serverKeys;
    private final Clock clock;
    private final boolean pinOnStart;
    private final boolean server;

    AuditTrustAnchor(@Value("${" + PROPERTY + "}") String file,
                     ServerKeys serverKeys, Clock clock, @Value("${" + PIN_ON_START + ":true}") boolean pinOnStart,
                     @Value("${glasskey.first-start.enabled:true}") boolean server) {
        this.file = Path.of(file).toAbsolutePath().normalize();
        this.serverKeys = serverKeys;
        this.clock = clock;
        this.pinOnStart = pinOnStart;
        this.server = server;
    }

    /** The configured file. */
    public Path file() {
        return file;
    }

    /**
     * The pinned keys as the file holds them now (read at every call, so a key appended by hand or
     * by a rotation on another node counts without a restart). A missing or unreadable file pins
     * nothing, and the verification result says why.
     */
    public PinnedKeys pinned() {
        return PinnedKeys.readOrNone(file);
    }

    /**
     * At start: pins the active key when nothing is pinned yet (the installation's first start),
     * else checks that it is pinned. The verification and export commands pin nothing
     * ({@link #PIN_ON_START}); the server prints the pinned key's fingerprint.
     */
    @Override
    public void run(ApplicationArguments args) {
        if (!pinOnStart) {
            return;
        }
        ServerKeys.SigningKey active = serverKeys.signingKey(ServerKeys.AUDIT_SIGNING);
        if (!Files.exists(file)) {
            append(active.id(), active.publicKey(), true);
            String fingerprint = AuditIntegrity.fingerprint(active.publicKey());
            log.warn("Pinned audit-signing key {} (SHA-256 {}) in {}", active.id(), fingerprint, file);
            if (!server) {
                return;
            }
            System.out.println("""

                    ============================================================================
                     Audit checkpoints are signed with key %s. Its public key is pinned in
                       %s
                     SHA-256 fingerprint:
                       %s
                     Keep a copy of that file (or this fingerprint) away from the database:
                     'glasskey audit verify' trusts only keys pinned there.
                    ============================================================================
                    """.formatted(active.id(), file, fingerprint));
            return;
        }
        PinnedKeys pinned = pinned();
        if (pinned.pins(active.publicKey())) {
            log.info("Audit checkpoints verify against {} pinned key(s) in {}: {}", pinned.keys().size(), file, pinned.fingerprints());
        } else {
            log.error("The active audit-signing key {} (SHA-256 {}) is NOT pinned in {}{}: checkpoints it signs will verify as "
                            + "untrusted. If you rotated the key on another node, copy that node's file here; otherwise the key in the "
                            + "database was replaced (docs/OPERATIONS.md, 'Verifying the audit log').", active.id(),
                    AuditIntegrity.fingerprint(active.publicKey()), file, pinned.note() == null ? "" : " (" + pinned.note() + ")");
        }
    }

    /** Appends one PEM block with a comment line naming the key; creates the file 0600 (and its directory) when asked. */
    void append(String keyId, PublicKey key, boolean create) {
        String block = "# Glasskey audit-signing key " + keyId + ", SHA-256 " + AuditIntegrity.fingerprint(key) + ", pinned "
                + Times.now(clock) + "\n-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        try {
            if (create) {
                // Owner-only like everything in the data directory (docs/OPERATIONS.md, "Secrets at rest").
                PrivateFiles.createDirectories(file.getParent());
                if (PrivateFiles.createFile(file)) {
                    Files.writeString(file, "# Audit-signing public keys trusted by 'glasskey audit verify' and GET /api/audit/verify.\n"
                            + "# Keep a copy away from the database; see docs/OPERATIONS.md, 'Verifying the audit log'.\n",
                            StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
                }
                // else another process made it first: append to it.
            }
            Files.writeString(file, block, StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the pinned audit keys to " + file, e);
        }
    }
}
