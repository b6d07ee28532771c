package dev.glasskey.audit;

import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.glasskey.system.Actor;
import dev.glasskey.system.ServerKeys;

/** {@code glasskey audit rotate-key}: a new audit-signing key, pinned as it is made. */
@Service
public class AuditKeyRotation {
    private final ServerKeys serverKeys;
    private final AuditIntegrity integrity;
    private final AuditTrustAnchor anchor;
    private final Audit audit;

    AuditKeyRotation(ServerKeys serverKeys, AuditIntegrity integrity, AuditTrustAnchor anchor, Audit audit) {
        this.serverKeys = serverKeys;
        this.integrity = integrity;
        this.anchor = anchor;
        this.audit = audit;
    }

    /** What a rotation did: the new key's id and fingerprint, the retired key, and the file the new key was pinned in. */
    public record Rotation(String keyId, String fingerprint, Path file, String retiredKeyId) {}

    /**
     * The chain head is signed once more with the old key, the old key is retired and a new one
     * made, and its public key appended to the pinned file — before the commit: a failed commit
     * leaves one unused pinned key, never a key in use that is not pinned. Audited (flagged) as
     * {@code audit.key_rotate}.
     */
    @Transactional
    public Rotation rotate(Actor actor) {
        ServerKeys.SigningKey old = serverKeys.signingKey(ServerKeys.AUDIT_SIGNING);
        integrity.checkpoint();
        ServerKeys.SigningKey fresh = serverKeys.rotate(ServerKeys.AUDIT_SIGNING);
        String fingerprint = AuditIntegrity.fingerprint(fresh.publicKey());
        if (!Files.exists(anchor.file())) {
            // Nothing pinned yet (a server of this version never started here): the key in use until
            // now is pinned first, as the server's first start would have, so its checkpoints stay trusted.
            anchor.append(old.id(), old.publicKey(), true);
        }
        anchor.append(fresh.id(), fresh.publicKey(), false);
        audit.record(AuditEvent.success(actor, "audit.key_rotate", fresh.id(), false, "audit-signing key " + old.id() + " retired; "
                + fresh.id() + " (SHA-256 " + fingerprint + ") pinned in " + anchor.file()).flag());
        return new Rotation(fresh.id(), fingerprint, anchor.file(), old.id());
    }
}
