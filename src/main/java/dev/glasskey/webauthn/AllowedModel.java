package dev.glasskey.webauthn;

import java.time.Instant;

/**
 * A key model on the AAGUID allow-list, with the vendor attestation roots pinned for it.
 * Only an attestation chain that verifies to one of these roots proves the model.
 */
public record AllowedModel(String aaguid, String name, String rootsPem, Instant createdAt) {
}
