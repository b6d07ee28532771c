package dev.glasskey.webauthn;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import com.yubico.webauthn.data.AttestationObject;
import com.yubico.webauthn.data.AuthenticatorData;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Untrusted;

/**
 * An attested object has exactly one encoding, so Glasskey accepts exactly that one. Yubico's
 * parsers are lenient: they read past an attestation object's end, ignore bytes after assertion
 * authenticator data without the ED flag, and accept indefinite-length and chunked items, tags and
 * repeated map keys — every one a way for two parsers (or two readings of one credential) to see
 * different things. This walks each CBOR item with Jackson's CBOR parser, the one Yubico decodes the
 * attestation object with, and refuses those encodings as {@code ceremony.credential_malformed}
 * (and a COSE_Key label that is not an integer as {@code registration.public_key_invalid}).
 *
 * <p>Authenticator data layout (WebAuthn L3 §6.1, §6.5.2): rpIdHash 32 ‖ flags 1 ‖ signCount 4, then
 * with AT: AAGUID 16 ‖ L 2 ‖ credentialId L ‖ credentialPublicKey (COSE_Key, CBOR), then with ED the
 * extensions (a CBOR map) — and nothing after.
 */
final class StrictEncoding {
    private static final CBORFactory CBOR = CBORFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final int FIXED = 32 + 1 + 4;
    private static final int AT = 0x40;
    private static final int ED = 0x80;

    private StrictEncoding() {}

    /** Registration: the whole attestation object, then its authenticator data. */
    static void attestationObject(AttestationObject attestation) {
        byte[] bytes = attestation.getBytes().getBytes();
        int end = item(bytes, 0, "the attestation object", false);
        if (end != bytes.length) {
            throw malformed((bytes.length - end) + " byte(s) follow the attestation object.");
        }
        AuthenticatorData data = attestation.getAuthenticatorData();
        int credentialIdLength = data.getAttestedCredentialData().orElseThrow().getCredentialId().size();
        byte[] authData = data.getBytes().getBytes();
        if ((authData[32] & AT) == 0) {
            throw malformed("The authenticator data of a registration must carry attested credential data (AT flag).");
        }
        int key = FIXED + 16 + 2 + credentialIdLength;
        rest(authData, item(authData, key, "the credential public key", true));
    }

    /** Sign-in: no attested credential data; exactly 37 bytes, or the extensions after them when ED is set. */
    static void assertionAuthenticatorData(AuthenticatorData data) {
        byte[] authData = data.getBytes().getBytes();
        if ((authData[32] & AT) != 0) {
            throw malformed("The authenticator data of an assertion carries attested credential data (AT flag).");
        }
        rest(authData, FIXED);
    }

    /** After {@code at}: the extensions iff ED is set (L3 §6.1), then the end. */
    private static void rest(byte[] authData, int at) {
        int end = at;
        if ((authData[32] & ED) != 0) {
            if (at == authData.length) {
                throw malformed("The ED flag is set but the authenticator data carries no extensions.");
            }
            end = item(authData, at, "the authenticator extensions", false);
        }
        if (end != authData.length) {
            throw malformed((authData.length - end) + " byte(s) follow the authenticator data"
                    + ((authData[32] & ED) == 0 ? " (the ED flag is not set)." : "."));
        }
    }

    /**
     * Walks the one CBOR item starting at {@code offset} and returns the offset just after it.
     * Refused: tags (major type 6, including bignums), indefinite lengths (additional information
     * 31: maps, arrays, chunked byte and text strings), repeated map keys, and — for a COSE_Key,
     * whose labels are integers (RFC 9052 §7) — labels of any other type.
     */
    private static int item(byte[] bytes, int offset, String what, boolean integerLabels) {
        if (offset >= bytes.length) {
            throw malformed(capitalised(what) + " is missing.");
        }
        try (JsonParser parser = CBOR.createParser(bytes, offset, bytes.length - offset)) {
            int depth = 0;
            do {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    throw malformed(capitalised(what) + " ends early.");
                }
                if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    depth--;
                    continue;
                }
                int initial = bytes[(int) parser.currentTokenLocation().getByteOffset()] & 0xff;
                if (initial >> 5 == 6 || ((CBORParser) parser).getCurrentTag() >= 0) {
                    throw malformed(capitalised(what) + " contains a CBOR tag.");
                }
                if ((initial & 0x1f) == 31) {
                    throw malformed(capitalised(what) + " contains an indefinite-length or chunked item.");
                }
                if (integerLabels && token == JsonToken.FIELD_NAME && depth == 1 && initial >> 5 > 1) {
                    throw new GlasskeyException(ErrorCode.PUBLIC_KEY_INVALID,
                            "A label of the credential public key is not an integer (RFC 9052 §7).");
                }
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    depth++;
                }
            } while (depth > 0);
            parser.finishToken();
            return (int) parser.currentLocation().getByteOffset();
        } catch (IOException e) {
            // Jackson names the problem (a repeated key, an early end) in its first line; nothing else.
            throw malformed(capitalised(what) + " is not well-formed CBOR: " + Untrusted.reason(e) + ".");
        }
    }

    private static String capitalised(String what) {
        return Character.toUpperCase(what.charAt(0)) + what.substring(1);
    }

    private static GlasskeyException malformed(String detail) {
        return new GlasskeyException(ErrorCode.CREDENTIAL_MALFORMED, detail);
    }
}
