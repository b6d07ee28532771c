package dev.glasskey.emergency;

import java.time.Instant;

/** One (account, key) pair validated by a drill sign-in. */
public record DrillResult(String id, String drillId, String accountId, String keyId, String credentialId, Instant at) {}
