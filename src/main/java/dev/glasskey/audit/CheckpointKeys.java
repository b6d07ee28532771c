package dev.glasskey.audit;

import java.security.PublicKey;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a checkpoint's signature is judged with: the keys pinned outside the database (trusted)
 * and the keys its source names by key id — the database's {@code server_key} rows or an
 * export's key lines — which anyone who can write that source could have put there (claimed,
 * never trusted on their own).
 */
public final class CheckpointKeys {
    /** How a checkpoint's signature stands. */
    enum Trust {
        /** It verifies with a pinned key. */
        TRUSTED,
        /** It verifies only with a key its source names, which is not pinned. */
        UNTRUSTED,
        /** It verifies with no key at all (forged or damaged signature, unknown key). */
        INVALID
    }

    private final PinnedKeys pinned;
    private final Map<String, PublicKey> claimed;
    private final Set<String> claimedAndPinned = new HashSet<>();

    public CheckpointKeys(PinnedKeys pinned, Map<String, PublicKey> claimed) {
        this.pinned = pinned;
        this.claimed = new LinkedHashMap<>(claimed);
        claimed.forEach((id, key) -> {
            if (pinned.pins(key)) {
                claimedAndPinned.add(id);
            }
        });
    }

    public PinnedKeys pinned() {
        return pinned;
    }

    Trust judge(AuditCheckpoint c) {
        PublicKey named = claimed.get(c.keyId());
        if (named != null && claimedAndPinned.contains(c.keyId())) {
            return c.verifies(named) ? Trust.TRUSTED : Trust.INVALID;
        }
        // The source does not name a pinned key under this id (its key row was removed or
        // replaced): a pinned key that verifies the signature still makes it trusted.
        for (PublicKey key : pinned.keys()) {
            if (c.verifies(key)) {
                return Trust.TRUSTED;
            }
        }
        return named != null && c.verifies(named) ? Trust.UNTRUSTED : Trust.INVALID;
    }

    /** {@code "id (SHA-256 fingerprint)"} of a key the source names. */
    String describe(String keyId) {
        PublicKey key = claimed.get(keyId);
        return key == null ? keyId + " (unknown key)" : keyId + " (" + AuditIntegrity.fingerprint(key) + ")";
    }

    boolean names(String keyId) {
        return claimed.containsKey(keyId);
    }
}
