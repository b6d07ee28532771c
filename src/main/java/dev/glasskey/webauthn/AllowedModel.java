package dev.glasskey.webauthn;

import java.time.Instant;

/**
 * A key model on the AAGUID allow-list. Only an attestation chain that verifies to one of its roots
 * proves the model: the vendor roots pinned by hand ({@code rootsPem}), or, when none are pinned
 * ({@code rootsPem} null), the attestation roots the loaded FIDO metadata gives for the AAGUID.
 * Hand-pinned roots take precedence when both exist.
 */
public record AllowedModel(String aaguid, String name, String rootsPem, Instant createdAt) {

    /** Its roots come from the loaded FIDO metadata, not from a pinned PEM. */
    public boolean fromMetadata() {
        return rootsPem == null;
    }
}
