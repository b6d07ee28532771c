package dev.glasskey.emergency;

import java.time.Instant;

/**
 * A drill: a deliberate test sign-in (DOMAIN "Drill"), optionally limited to one account and/or
 * one key; open until it expires or is closed.
 */
public record Drill(String id, String accountId, String keyId, String startedBy, String reason, Instant createdAt,
                    Instant expiresAt, Instant closedAt) {

    public boolean open(Instant now) {
        return closedAt == null && now.isBefore(expiresAt);
    }

    public boolean covers(String accountId, String keyId) {
        return (this.accountId == null || this.accountId.equals(accountId)) && (this.keyId == null || this.keyId.equals(keyId));
    }
}
