package dev.glasskey.webauthn;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import com.yubico.webauthn.data.ByteArray;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.GlasskeyProperties;
import dev.glasskey.system.ServerKeys;
import dev.glasskey.system.Times;

/**
 * Sign-in challenges without a database write at issue: the challenge carries its own proof.
 *
 * <pre>
 * challenge = nonce (16 random bytes) ‖ expiry (8, epoch seconds)
 *           ‖ HMAC-SHA256(k, "issued"  ‖ nonce ‖ expiry)[0..16]     — we issued it
 *           ‖ HMAC-SHA256(k, "session" ‖ nonce ‖ session hash)[0..16] — to this browser session
 * </pre>
 *
 * The 16 random bytes satisfy WebAuthn L3 §13.4.3 (at least 16 bytes of randomness). Single
 * use is enforced in the database: answering inserts the challenge into {@code used_challenge}
 * in the sign-in's own transaction (a replay finds it there, a racing replay violates its key),
 * and a refused attempt inserts it too. Why not a stored row per challenge, as for enrolment:
 * issuing would cost a durable commit on the sign-in hot path (measured in docs/PERFORMANCE.md).
 * The MAC key is a server secret in the database, so every node verifies every node's challenges.
 */
@Component
class AssertionChallenges {
    private static final int NONCE = 16;
    private static final int TAG = 16;
    private static final int LENGTH = NONCE + 8 + TAG + TAG;
    private static final byte[] ISSUED = "glasskey assertion issued v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SESSION = "glasskey assertion session v1".getBytes(StandardCharsets.US_ASCII);

    private final ServerKeys serverKeys;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final GlasskeyProperties properties;
    private final SecureRandom random = new SecureRandom();
    private volatile SecretKeySpec key;

    AssertionChallenges(ServerKeys serverKeys, JdbcClient jdbc, Clock clock, GlasskeyProperties properties) {
        this.serverKeys = serverKeys;
        this.jdbc = jdbc;
        this.clock = clock;
        this.properties = properties;
    }

    /** A fresh challenge bound to the browser session, valid for the configured TTL. */
    ByteArray issue(String sessionId) {
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        long expiry = Times.now(clock).plus(properties.challengeTtl()).getEpochSecond();
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put(nonce).putLong(expiry);
        b.put(tag(ISSUED, nonce, longBytes(expiry)));
        b.put(tag(SESSION, nonce, Ceremonies.sessionDigest(sessionId)));
        return new ByteArray(b.array());
    }

    /** Why a challenge cannot be answered, checked in this order; null when it can. */
    ErrorCode check(ByteArray challenge, String sessionId) {
        byte[] c = challenge.getBytes();
        if (c.length != LENGTH) {
            return ErrorCode.CHALLENGE_UNKNOWN;
        }
        byte[] nonce = Arrays.copyOfRange(c, 0, NONCE);
        byte[] expiry = Arrays.copyOfRange(c, NONCE, NONCE + 8);
        if (!MessageDigest.isEqual(tag(ISSUED, nonce, expiry), Arrays.copyOfRange(c, NONCE + 8, NONCE + 8 + TAG))) {
            return ErrorCode.CHALLENGE_UNKNOWN;
        }
        if (!MessageDigest.isEqual(tag(SESSION, nonce, Ceremonies.sessionDigest(sessionId)), Arrays.copyOfRange(c, NONCE + 8 + TAG, LENGTH))) {
            return ErrorCode.CHALLENGE_SESSION_MISMATCH;
        }
        if (!Times.now(clock).isBefore(expiresAt(c))) {
            return ErrorCode.CHALLENGE_EXPIRED;
        }
        return null;
    }

    /**
     * Consumes an authentic challenge inside the caller's transaction. Throws the precise refusal;
     * a replay (already answered) is {@code ceremony.challenge_unknown}.
     */
    void consume(ByteArray challenge, String sessionId) {
        ErrorCode refusal = check(challenge, sessionId);
        // An answered challenge is gone, whoever presents it again (the session id changes at sign-in).
        if (refusal != ErrorCode.CHALLENGE_UNKNOWN && used(challenge)) {
            throw new GlasskeyException(ErrorCode.CHALLENGE_UNKNOWN);
        }
        if (refusal != null) {
            throw new GlasskeyException(refusal);
        }
        try {
            markUsed(challenge);
        } catch (DataIntegrityViolationException e) {
            throw new GlasskeyException(ErrorCode.CHALLENGE_UNKNOWN);
        }
    }

    /** After a refused attempt: an authentic challenge of this session cannot be tried again. */
    void burn(ByteArray challenge, String sessionId) {
        ErrorCode refusal = check(challenge, sessionId);
        if (refusal == null || refusal == ErrorCode.CHALLENGE_EXPIRED) {
            if (!used(challenge)) {
                markUsed(challenge);
            }
        }
    }

    int purgeExpired(Instant before) {
        return jdbc.sql("delete from used_challenge where expires_at < :t").param("t", Times.db(before)).update();
    }

    private boolean used(ByteArray challenge) {
        return jdbc.sql("select count(*) from used_challenge where challenge = :c").param("c", challenge.getBase64Url())
                .query(Long.class).single() > 0;
    }

    private void markUsed(ByteArray challenge) {
        jdbc.sql("insert into used_challenge (challenge, expires_at) values (:c, :e)")
                .param("c", challenge.getBase64Url()).param("e", Times.db(expiresAt(challenge.getBytes()))).update();
    }

    private static Instant expiresAt(byte[] c) {
        return Instant.ofEpochSecond(ByteBuffer.wrap(c, NONCE, 8).getLong());
    }

    private byte[] tag(byte[] label, byte[] nonce, byte[] bound) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key());
            mac.update(label);
            mac.update(nonce);
            mac.update(bound);
            return Arrays.copyOf(mac.doFinal(), TAG);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private SecretKeySpec key() {
        SecretKeySpec k = key;
        if (k == null) {
            k = new SecretKeySpec(serverKeys.secret(ServerKeys.CHALLENGE_MAC), "HmacSHA256");
            key = k;
        }
        return k;
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }
}
