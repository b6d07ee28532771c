package dev.glasskey.webauthn;

import java.time.Clock;
import java.time.Instant;
import java.util.Set;

import org.springframework.stereotype.Component;

import com.yubico.webauthn.data.AuthenticatorData;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.CollectedClientData;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.GlasskeyProperties;
import dev.glasskey.system.Ids;
import dev.glasskey.system.Times;
import dev.glasskey.system.Untrusted;

/**
 * Challenge bookkeeping and the client-side checks we report precisely before Yubico's full
 * verification runs (which repeats them: defence in depth, but its errors are coarse).
 */
@Component
class Ceremonies {
    static final String REGISTRATION = "registration";
    /** A signed-in person adding a passkey of their own (no link). */
    static final String PASSKEY = "passkey";
    static final int OUTSTANDING_PER_LINK = 4;

    private final CeremonyStore store;
    private final Clock clock;
    private final GlasskeyProperties properties;
    private final Set<String> origins;
    private final ByteArray rpIdHash;

    Ceremonies(CeremonyStore store, Clock clock, GlasskeyProperties properties) {
        this.store = store;
        this.clock = clock;
        this.properties = properties;
        this.origins = Set.copyOf(properties.origins());
        this.rpIdHash = new ByteArray(Ids.sha256(properties.rpId().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** The one digest of a browser session id that ceremonies are bound to (the id itself is never stored). */
    static byte[] sessionDigest(String sessionId) {
        return Ids.sha256(("glasskey-session:" + sessionId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static String sessionHash(String sessionId) {
        return java.util.HexFormat.of().formatHex(sessionDigest(sessionId));
    }

    /**
     * Stores an outstanding enrolment challenge. An enrolment link is the only thing an
     * anonymous caller can make us store state for, so the rows per link are bounded: the
     * newest {@link #OUTSTANDING_PER_LINK} stay answerable (a few tabs or retries), older ones go.
     */
    void issue(String kind, String sessionId, ByteArray challenge, String requestJson, String enrolmentTokenHash) {
        Instant expires = Times.now(clock).plus(properties.challengeTtl());
        store.keepNewest(enrolmentTokenHash, OUTSTANDING_PER_LINK - 1);
        store.insert(new CeremonyStore.Pending(challenge.getBase64Url(), kind, sessionHash(sessionId), requestJson,
                enrolmentTokenHash, expires));
    }

    /**
     * Consumes the challenge the client signed over. Single use (WebAuthn L3 §13.4.3): whatever
     * the outcome of the ceremony, the challenge cannot be answered again.
     */
    CeremonyStore.Pending consume(String kind, String sessionId, CollectedClientData clientData) {
        String challenge = clientData.getChallenge().getBase64Url();
        CeremonyStore.Pending pending = store.find(challenge)
                .orElseThrow(() -> new GlasskeyException(ErrorCode.CHALLENGE_UNKNOWN));
        String session = sessionHash(sessionId);
        if (!pending.sessionHash().equals(session)) {
            // Not consumed: the rightful session may still finish its own ceremony.
            throw new GlasskeyException(ErrorCode.CHALLENGE_SESSION_MISMATCH);
        }
        if (!store.consume(challenge, session)) {
            throw new GlasskeyException(ErrorCode.CHALLENGE_UNKNOWN);
        }
        if (!pending.kind().equals(kind)) {
            throw new GlasskeyException(ErrorCode.CEREMONY_TYPE, "This challenge was issued for " + pending.kind() + ", not " + kind + ".");
        }
        if (!Times.now(clock).isBefore(pending.expiresAt())) {
            throw new GlasskeyException(ErrorCode.CHALLENGE_EXPIRED);
        }
        return pending;
    }

    /**
     * WebAuthn L3 §7.1 steps 7, 9 and 10 / §7.2 steps 11, 13 and 14: client data type, origin, and
     * the frame it ran in. L3 leaves {@code crossOrigin} and {@code topOrigin} to the relying party;
     * Glasskey is never embedded in a frame (Spring Security sends X-Frame-Options: DENY), so a ceremony
     * that says it ran in one — or names any top origin — was not started by Glasskey's own page.
     */
    void checkClientData(ClientData clientData, String expectedType) {
        if (!expectedType.equals(clientData.type())) {
            throw new GlasskeyException(ErrorCode.CEREMONY_TYPE, "Client data type is '" + Untrusted.shown(clientData.type())
                    + "', expected '" + expectedType + "'.");
        }
        if (!origins.contains(clientData.origin())) {
            throw new GlasskeyException(ErrorCode.ORIGIN_MISMATCH, "Origin '" + Untrusted.shown(clientData.origin()) + "' is not allowed.");
        }
        if (clientData.crossOrigin() || clientData.topOrigin() != null) {
            throw new GlasskeyException(ErrorCode.CROSS_ORIGIN, clientData.topOrigin() == null
                    ? "The client data says the ceremony ran in a cross-origin frame."
                    : "The client data says the ceremony ran in a frame of '" + Untrusted.shown(clientData.topOrigin()) + "'.");
        }
    }

    /** WebAuthn L3 §7.1 steps 13–15 / §7.2 steps 15–17: RP ID hash, user present, user verified. */
    void checkAuthenticatorData(AuthenticatorData data) {
        if (!rpIdHash.equals(data.getRpIdHash())) {
            throw new GlasskeyException(ErrorCode.RP_ID_MISMATCH);
        }
        if (!data.getFlags().UP) {
            throw new GlasskeyException(ErrorCode.USER_PRESENCE_MISSING);
        }
        if (!data.getFlags().UV) {
            throw new GlasskeyException(ErrorCode.USER_VERIFICATION_MISSING);
        }
    }

    int purgeExpired(Instant before) {
        return store.purgeExpired(before);
    }
}
