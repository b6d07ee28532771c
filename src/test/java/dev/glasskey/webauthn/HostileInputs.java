package dev.glasskey.webauthn;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import tools.jackson.databind.node.ObjectNode;

import dev.glasskey.testing.Cbor;
import dev.glasskey.testing.Client;
import dev.glasskey.testing.CoseKey;
import dev.glasskey.testing.SoftwareAuthenticator.Tweaks;

import static dev.glasskey.testing.CoseKey.EC2;
import static dev.glasskey.testing.CoseKey.ED25519_CRV;
import static dev.glasskey.testing.CoseKey.ED448_CRV;
import static dev.glasskey.testing.CoseKey.EDDSA;
import static dev.glasskey.testing.CoseKey.ES256;
import static dev.glasskey.testing.CoseKey.ES384;
import static dev.glasskey.testing.CoseKey.ES512;
import static dev.glasskey.testing.CoseKey.ED448;
import static dev.glasskey.testing.CoseKey.P256;
import static dev.glasskey.testing.CoseKey.P384;
import static dev.glasskey.testing.CoseKey.P521;
import static dev.glasskey.testing.CoseKey.RS256;
import static dev.glasskey.testing.CoseKey.RS384;
import static dev.glasskey.testing.CoseKey.RS512;

/**
 * The hostile ceremonies of issue 13, as data for {@link NegativeCorpusContract}: each entry is one
 * distinct attack with the precise refusal it must meet. Distortions of signed bytes go through
 * {@link Tweaks} (so the signature is genuine and only the relying party's checks stand in the way);
 * distortions of unsigned parts edit the response JSON after the authenticator answered.
 */
final class HostileInputs {
    private HostileInputs() {
    }

    /** Who enrols: a person without roles, a person holding global-admin, or an emergency account. */
    enum Who { PERSON, ADMIN, EMERGENCY }

    /** The attestation the key produces. */
    enum Attestation { PACKED, SELF, NONE }

    /** A distorted sign-in and its refusal; {@code accountKnown}: the audit entry names the account. */
    record SignInAttack(String name, Who who, Tweaks tweaks, Function<ObjectNode, String> body, int status, String code,
                        boolean accountKnown) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A distorted registration and its refusal. */
    record EnrolmentAttack(String name, Who who, Attestation attestation, Tweaks tweaks, Function<ObjectNode, String> body,
                           int status, String code) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A genuine key of an accepted algorithm, which must enrol. */
    record AcceptedKey(String name, Map<Object, Object> cose) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String MALFORMED = "ceremony.credential_malformed";
    static final String CROSS_ORIGIN = "ceremony.cross_origin";
    static final String ID_MISMATCH = "ceremony.credential_id_mismatch";
    static final String ID_LENGTH = "ceremony.credential_id_length";
    static final String KEY_INVALID = "registration.public_key_invalid";
    static final String ALG_UNSUPPORTED = "registration.algorithm_unsupported";
    static final String FORMAT_UNSUPPORTED = "attestation.format_unsupported";
    static final String ATTESTATION_INVALID = "attestation.invalid";
    static final String SIGNATURE_INVALID = "assertion.signature_invalid";
    static final String REQUEST_MALFORMED = "request.malformed";

    // ------------------------------------------------------------------------------------------
    // Sign-in
    // ------------------------------------------------------------------------------------------

    static Stream<SignInAttack> signInAttacks() {
        List<SignInAttack> a = new ArrayList<>();
        // Class 1: client data that says it was framed (WebAuthn L3 §7.2 step 14).
        for (Who who : List.of(Who.PERSON, Who.EMERGENCY)) {
            String on = who == Who.EMERGENCY ? " (emergency account)" : "";
            a.add(signIn("crossOrigin true" + on, who, crossOrigin(true, null), 400, CROSS_ORIGIN, false));
            a.add(signIn("crossOrigin true with a foreign topOrigin" + on, who, crossOrigin(true, "https://evil.example"), 400, CROSS_ORIGIN, false));
        }
        a.add(signIn("crossOrigin true, framed by our own origin", Who.PERSON, clientData(n -> n.put("crossOrigin", true)
                .put("topOrigin", n.path("origin").asString())), 400, CROSS_ORIGIN, false));
        a.add(signIn("topOrigin with crossOrigin false", Who.PERSON, crossOrigin(false, "https://evil.example"), 400, CROSS_ORIGIN, false));
        a.add(signIn("topOrigin without crossOrigin", Who.PERSON, clientData(n -> {
            n.remove("crossOrigin");
            n.put("topOrigin", "https://evil.example");
        }), 400, CROSS_ORIGIN, false));
        a.add(signIn("crossOrigin true as the first member", Who.PERSON, clientDataText(json -> "{\"crossOrigin\":true,"
                + json.substring(1).replace(",\"crossOrigin\":false", "")), 400, CROSS_ORIGIN, false));
        a.add(signIn("crossOrigin true spelt with a JSON escape", Who.PERSON, clientDataText(json ->
                json.replace("\"crossOrigin\":false", "\"\\u0063rossOrigin\":true")), 400, CROSS_ORIGIN, false));

        // Class 4: wrong JSON types and shapes inside the signed client data.
        a.add(signIn("origin is a number", Who.PERSON, clientData(n -> n.put("origin", 443)), 400, MALFORMED, false));
        a.add(signIn("origin is null", Who.PERSON, clientData(n -> n.putNull("origin")), 400, MALFORMED, false));
        a.add(signIn("origin is an array", Who.PERSON, clientData(n -> {
            String origin = n.path("origin").asString();
            n.putArray("origin").add(origin);
        }), 400, MALFORMED, false));
        a.add(signIn("origin is missing", Who.PERSON, clientData(n -> n.remove("origin")), 400, MALFORMED, false));
        a.add(signIn("type is a number", Who.PERSON, clientData(n -> n.put("type", 1)), 400, MALFORMED, false));
        a.add(signIn("type is missing", Who.PERSON, clientData(n -> n.remove("type")), 400, MALFORMED, false));
        a.add(signIn("crossOrigin is the string \"true\"", Who.PERSON, clientData(n -> n.put("crossOrigin", "true")), 400, MALFORMED, false));
        a.add(signIn("crossOrigin is the number 1", Who.PERSON, clientData(n -> n.put("crossOrigin", 1)), 400, MALFORMED, false));
        a.add(signIn("topOrigin is a number", Who.PERSON, clientData(n -> n.put("topOrigin", 7)), 400, MALFORMED, false));
        a.add(signIn("tokenBinding is a string", Who.PERSON, clientData(n -> n.put("tokenBinding", "present")), 400, MALFORMED, false));
        a.add(signIn("tokenBinding without status", Who.PERSON, clientData(n -> n.putObject("tokenBinding")), 400, MALFORMED, false));
        a.add(signIn("tokenBinding with an unknown status", Who.PERSON, clientData(n -> n.putObject("tokenBinding").put("status", "bogus")),
                400, MALFORMED, false));
        a.add(signIn("client data is a JSON array", Who.PERSON, clientDataText(json -> "[" + json + "]"), 400, MALFORMED, false));
        a.add(signIn("client data with trailing text after the object", Who.PERSON, clientDataText(json -> json + "{}"), 400, MALFORMED, false));
        a.add(signIn("client data with two origins (first allowed, last foreign)", Who.PERSON, clientDataText(json ->
                json.replace(",\"crossOrigin\"", ",\"origin\":\"https://evil.example\",\"crossOrigin\"")), 400, MALFORMED, false));
        a.add(signIn("client data with two challenges", Who.PERSON, clientDataText(json ->
                json.replace(",\"origin\"", ",\"challenge\":\"AAAA\",\"origin\"")), 400, MALFORMED, false));
        a.add(signIn("client data is not UTF-8", Who.PERSON, Tweaks.defaults(), response("clientDataJSON", b64u(new byte[] {
                (byte) 0xff, (byte) 0xfe, '{', '}'})), 400, MALFORMED, false));

        // Class 4: malformed or empty ECDSA signatures (the credential is known, so is the account).
        a.add(signIn("empty signature", Who.PERSON, Tweaks.defaults(), signature(s -> new byte[0]), 401, SIGNATURE_INVALID, true));
        a.add(signIn("one-byte signature", Who.PERSON, Tweaks.defaults(), signature(s -> new byte[] {0x30}), 401, SIGNATURE_INVALID, true));
        a.add(signIn("signature truncated inside its DER", Who.PERSON, Tweaks.defaults(), signature(s -> Arrays.copyOf(s, s.length - 5)),
                401, SIGNATURE_INVALID, true));
        a.add(signIn("signature with a wrong DER length", Who.PERSON, Tweaks.defaults(), signature(s -> {
            s[1] = (byte) 0x7f;
            return s;
        }), 401, SIGNATURE_INVALID, true));
        a.add(signIn("signature as raw r||s (P1363, not DER)", Who.PERSON, Tweaks.defaults(), signature(s -> new byte[64]),
                401, SIGNATURE_INVALID, true));
        a.add(signIn("signature with r = 0", Who.PERSON, Tweaks.defaults(), signature(s -> hex("3006020100020101")), 401, SIGNATURE_INVALID, true));
        a.add(signIn("signature with trailing bytes after the DER", Who.PERSON, Tweaks.defaults(), signature(s -> concat(s, new byte[] {0, 0})),
                401, SIGNATURE_INVALID, true));
        a.add(signIn("signature that is 4 KiB of zeros", Who.PERSON, Tweaks.defaults(), signature(s -> new byte[4096]), 401, SIGNATURE_INVALID, true));

        // Class 5: lenient encodings of the signed authenticator data (no ED flag: exactly 37 bytes).
        a.add(signIn("one trailing byte after the authenticator data", Who.PERSON, authData(d -> concat(d, new byte[] {0})), 400, MALFORMED, false));
        a.add(signIn("a CBOR map trailing the authenticator data without ED", Who.PERSON,
                authData(d -> concat(d, Cbor.encode(Cbor.map("credProtect", 1L)))), 400, MALFORMED, false));
        a.add(signIn("32 trailing bytes after the authenticator data", Who.PERSON, authData(d -> concat(d, new byte[32])), 400, MALFORMED, false));
        a.add(signIn("ED flag with an indefinite-length extension map", Who.PERSON,
                authData(d -> extensions(d, Cbor.encode(Cbor.indefinite(Cbor.map("credProtect", 1L))))), 400, MALFORMED, false));
        a.add(signIn("ED flag with a tagged extension map", Who.PERSON,
                authData(d -> extensions(d, Cbor.encode(Cbor.tag(55799, Cbor.map("credProtect", 1L))))), 400, MALFORMED, false));
        a.add(signIn("ED flag with a chunked extension name", Who.PERSON,
                authData(d -> extensions(d, concat(new byte[] {(byte) 0xa1}, Cbor.encode(Cbor.chunkedText("cred", "Protect")),
                        Cbor.encode(1L)))), 400, MALFORMED, false));
        a.add(signIn("ED flag with a trailing byte after the extensions", Who.PERSON,
                authData(d -> concat(extensions(d, Cbor.encode(Cbor.map("credProtect", 1L))), new byte[] {0})), 400, MALFORMED, false));
        a.add(signIn("ED flag with no extensions", Who.PERSON, authData(d -> extensions(d, new byte[0])), 400, MALFORMED, false));
        a.add(signIn("ED flag with two equal extension names", Who.PERSON, authData(d -> extensions(d, concat(new byte[] {(byte) 0xa2},
                Cbor.encode("credProtect"), Cbor.encode(1L), Cbor.encode("credProtect"), Cbor.encode(3L)))), 400, MALFORMED, false));
        a.add(signIn("AT flag in an assertion", Who.PERSON, authData(d -> {
            d[32] |= 0x40;
            return d;
        }), 400, MALFORMED, false));

        // Class 2 and 6: ids and the request body.
        a.add(signIn("id differs from rawId", Who.PERSON, Tweaks.defaults(), edit(n -> n.put("id", b64u(new byte[32]))), 400, ID_MISMATCH, false));
        a.add(signIn("truncated JSON", Who.PERSON, Tweaks.defaults(), n -> n.toString().substring(0, n.toString().length() / 2),
                400, REQUEST_MALFORMED, false));
        a.add(signIn("JSON with trailing garbage", Who.PERSON, Tweaks.defaults(), n -> n + " }", 400, REQUEST_MALFORMED, false));
        a.add(signIn("a JSON array instead of an object", Who.PERSON, Tweaks.defaults(), n -> "[" + n + "]", 400, REQUEST_MALFORMED, false));
        a.add(signIn("a bare JSON number", Who.PERSON, Tweaks.defaults(), n -> "42", 400, REQUEST_MALFORMED, false));
        a.add(signIn("two \"response\" members", Who.PERSON, Tweaks.defaults(), n -> n.toString().replaceFirst("\\{",
                "{\"response\":{},"), 400, REQUEST_MALFORMED, false));
        return a.stream();
    }

    // ------------------------------------------------------------------------------------------
    // Registration
    // ------------------------------------------------------------------------------------------

    static Stream<EnrolmentAttack> enrolmentAttacks() {
        List<EnrolmentAttack> a = new ArrayList<>();
        // Class 1: framed registration (WebAuthn L3 §7.1 step 10), for every kind of account.
        for (Who who : Who.values()) {
            a.add(enrol("crossOrigin true (" + who + ")", who, crossOrigin(true, null), 400, CROSS_ORIGIN));
        }
        a.add(enrol("crossOrigin true with a foreign topOrigin", Who.PERSON, crossOrigin(true, "https://evil.example"), 400, CROSS_ORIGIN));
        a.add(enrol("topOrigin with crossOrigin false", Who.PERSON, crossOrigin(false, "https://evil.example"), 400, CROSS_ORIGIN));
        a.add(enrol("topOrigin without crossOrigin", Who.EMERGENCY, clientData(n -> {
            n.remove("crossOrigin");
            n.put("topOrigin", "https://evil.example");
        }), 400, CROSS_ORIGIN));

        // Class 4: wrong JSON types inside the client data.
        a.add(enrol("origin is a number", Who.PERSON, clientData(n -> n.put("origin", 443)), 400, MALFORMED));
        a.add(enrol("origin is an object", Who.EMERGENCY, clientData(n -> n.putObject("origin")), 400, MALFORMED));
        a.add(enrol("type is a boolean", Who.PERSON, clientData(n -> n.put("type", true)), 400, MALFORMED));
        a.add(enrol("challenge is a number", Who.PERSON, clientData(n -> n.put("challenge", 12345)), 400, MALFORMED));
        a.add(enrol("crossOrigin is null", Who.PERSON, clientData(n -> n.putNull("crossOrigin")), 400, MALFORMED));
        a.add(enrol("tokenBinding status is a number", Who.PERSON, clientData(n -> n.putObject("tokenBinding").put("status", 1)), 400, MALFORMED));
        a.add(enrol("client data with two types", Who.PERSON, clientDataText(json -> json.replace(",\"challenge\"",
                ",\"type\":\"webauthn.get\",\"challenge\"")), 400, MALFORMED));

        // Class 2: the credential id is the one the authenticator attested, 16..1023 bytes (L3 §7.1 step 26).
        a.add(enrol("id differs from rawId", Who.PERSON, Tweaks.defaults(), edit(n -> n.put("id", b64u(new byte[32]))), 400, ID_MISMATCH));
        a.add(enrol("id and rawId agree but are not the attested id", Who.PERSON, Tweaks.defaults(), sameIds(id -> new byte[32]), 400, ID_MISMATCH));
        a.add(enrol("id and rawId with one bit flipped", Who.EMERGENCY, Tweaks.defaults(), sameIds(id -> {
            id[0] ^= 1;
            return id;
        }), 400, ID_MISMATCH));
        a.add(enrol("id and rawId one byte longer than attested", Who.PERSON, Tweaks.defaults(), sameIds(id -> concat(id, new byte[] {7})),
                400, ID_MISMATCH));
        a.add(enrol("id and rawId one byte shorter than attested", Who.PERSON, Tweaks.defaults(),
                sameIds(id -> Arrays.copyOf(id, id.length - 1)), 400, ID_MISMATCH));
        a.add(enrol("only rawId, not the attested one", Who.PERSON, Tweaks.defaults(), edit(n -> {
            n.remove("id");
            n.put("rawId", b64u(new byte[32]));
        }), 400, ID_MISMATCH));
        a.add(enrol("only id, not the attested one", Who.ADMIN, Tweaks.defaults(), edit(n -> {
            n.remove("rawId");
            n.put("id", b64u(new byte[20]));
        }), 400, ID_MISMATCH));
        for (int length : new int[] {0, 1, 8, 15, 1024, 1500}) {
            a.add(enrol("attested credential id of " + length + " bytes", Who.PERSON, Tweaks.defaults().withCredentialIdLength(length),
                    400, ID_LENGTH));
        }

        // Class 3: COSE keys that cannot be right (L3 §6.5.1.1, RFC 9053), refused before anything is stored.
        byte[] x = new byte[32];
        byte[] y = new byte[32];
        Arrays.fill(x, (byte) 1);
        Arrays.fill(y, (byte) 2);
        Map<Object, Object> good = CoseKey.ec2(ES256, P256, "secp256r1");
        a.add(key("P-384 key under ES256", CoseKey.ec2(ES256, P384, "secp384r1"), KEY_INVALID));
        a.add(key("P-384 coordinates labelled P-256", CoseKey.ec2(ES256, P256, "secp384r1"), KEY_INVALID));
        a.add(key("P-256 key under ES384", CoseKey.ec2(ES384, P256, "secp256r1"), KEY_INVALID));
        a.add(key("P-521 key under ES256", CoseKey.ec2(ES256, P521, "secp521r1"), KEY_INVALID));
        a.add(key("P-256 key under ES512", CoseKey.ec2(ES512, P256, "secp256r1"), KEY_INVALID));
        a.add(key("point not on the curve", CoseKey.ec2(ES256, P256, x, y), KEY_INVALID));
        a.add(key("genuine point with y + 1", CoseKey.with(good, -3, plusOne((byte[]) good.get(-3L))), KEY_INVALID));
        a.add(key("x equal to the field prime", CoseKey.with(good, -2,
                hex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff")), KEY_INVALID));
        a.add(key("all-zero point", CoseKey.ec2(ES256, P256, new byte[32], new byte[32]), KEY_INVALID));
        a.add(key("compressed point (y = true)", CoseKey.with(good, -3, true), KEY_INVALID));
        a.add(key("compressed point (y = false)", CoseKey.with(good, -3, false), KEY_INVALID));
        a.add(key("y missing", CoseKey.with(good, -3, null), KEY_INVALID));
        a.add(key("x of 31 bytes", CoseKey.with(good, -2, Arrays.copyOf((byte[]) good.get(-2L), 31)), KEY_INVALID));
        a.add(key("x of 33 bytes", CoseKey.with(good, -2, concat(new byte[] {0}, (byte[]) good.get(-2L))), KEY_INVALID));
        a.add(key("x is a text string", CoseKey.with(good, -2, "x"), KEY_INVALID));
        a.add(key("kty missing", CoseKey.with(good, 1, null), KEY_INVALID));
        a.add(key("kty OKP with ES256 and EC2 parameters", CoseKey.with(good, 1, CoseKey.OKP), KEY_INVALID));
        a.add(key("kty RSA with ES256 and EC2 parameters", CoseKey.with(good, 1, CoseKey.RSA), KEY_INVALID));
        a.add(key("kty Symmetric (4)", CoseKey.with(good, 1, 4L), KEY_INVALID));
        a.add(key("kty as text \"EC2\"", CoseKey.with(good, 1, "EC2"), KEY_INVALID));
        a.add(key("alg missing", CoseKey.with(good, 3, null), KEY_INVALID));
        a.add(key("alg as text \"ES256\"", CoseKey.with(good, 3, "ES256"), KEY_INVALID));
        a.add(key("alg RS256 on an EC2 key", CoseKey.with(good, 3, RS256), KEY_INVALID));
        a.add(key("alg EdDSA on an EC2 key", CoseKey.with(good, 3, EDDSA), KEY_INVALID));
        a.add(key("alg 2^31 - 1", CoseKey.with(good, 3, (long) Integer.MAX_VALUE), ALG_UNSUPPORTED));
        a.add(key("alg -2^63", CoseKey.with(good, 3, Long.MIN_VALUE), ALG_UNSUPPORTED));
        a.add(key("alg 2^64 - 1", CoseKey.with(good, 3, Cbor.raw(hex("1bffffffffffffffff"))), ALG_UNSUPPORTED));
        a.add(key("alg -2^64", CoseKey.with(good, 3, Cbor.raw(hex("3bffffffffffffffff"))), ALG_UNSUPPORTED));
        a.add(key("alg -65535 (unassigned)", CoseKey.with(good, 3, -65535L), ALG_UNSUPPORTED));
        a.add(key("alg ES256K (-47, not offered)", CoseKey.with(good, 3, -47L), ALG_UNSUPPORTED));
        a.add(key("curve 99", CoseKey.with(good, -1, 99L), KEY_INVALID));
        a.add(key("curve as text \"P-256\"", CoseKey.with(good, -1, "P-256"), KEY_INVALID));
        a.add(key("a key id (optional parameter 2)", CoseKey.with(good, 2, new byte[] {1, 2}), KEY_INVALID));
        a.add(key("private key d (-4) included", CoseKey.with(good, -4, new byte[32]), KEY_INVALID));
        a.add(key("text label \"1\" for kty", swapLabel(good, 1L, "1"), KEY_INVALID));
        a.add(key("a CBOR array instead of a map", List.of(2L, ES256, P256, x, y), KEY_INVALID));
        a.add(key("an empty map", Map.of(), KEY_INVALID));
        a.add(key("Ed25519 under ES256", CoseKey.okp(ES256, ED25519_CRV, CoseKey.edwardsKey("Ed25519")), KEY_INVALID));
        a.add(key("Ed25519 x of 31 bytes", CoseKey.okp(EDDSA, ED25519_CRV, new byte[31]), KEY_INVALID));
        a.add(key("Ed25519 x that is no curve point", CoseKey.okp(EDDSA, ED25519_CRV,
                hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")), KEY_INVALID));
        a.add(key("Ed448 key labelled Ed25519", CoseKey.okp(EDDSA, ED25519_CRV, CoseKey.edwardsKey("Ed448")), KEY_INVALID));
        a.add(key("Ed448 key under the polymorphic EdDSA (the library verifies Ed25519 only)",
                CoseKey.okp(EDDSA, ED448_CRV, CoseKey.edwardsKey("Ed448")), KEY_INVALID));
        a.add(key("Ed25519 key under Ed448", CoseKey.okp(ED448, ED25519_CRV, CoseKey.edwardsKey("Ed25519")), KEY_INVALID));
        a.add(key("OKP curve X25519 (4, a key-agreement curve)", CoseKey.okp(EDDSA, 4L, new byte[32]), KEY_INVALID));
        a.add(key("RSA key of 1024 bits", CoseKey.rsa(RS256, CoseKey.rsaKey(1024)), KEY_INVALID));
        a.add(key("RSA exponent 1", CoseKey.rsa(RS256, CoseKey.unsigned(rsa2048().getModulus()), new byte[] {1}), KEY_INVALID));
        a.add(key("RSA even exponent", CoseKey.rsa(RS256, CoseKey.unsigned(rsa2048().getModulus()), new byte[] {1, 0, 0}), KEY_INVALID));
        a.add(key("RSA without exponent", CoseKey.with(CoseKey.rsa(RS256, rsa2048()), -2, null), KEY_INVALID));
        a.add(key("RSA key under ES256", CoseKey.rsa(ES256, rsa2048()), KEY_INVALID));

        // Class 3: attestation formats we cannot verify are refused for every account.
        a.add(format("format 'android-key' (person)", Who.PERSON, "android-key"));
        a.add(format("unknown format 'foo' (person)", Who.PERSON, "foo"));
        a.add(format("empty format (person)", Who.PERSON, ""));
        a.add(format("format 'PACKED' (case differs)", Who.PERSON, "PACKED"));
        a.add(format("format 'none ' (trailing space)", Who.PERSON, "none "));
        a.add(format("unknown format (administrator)", Who.ADMIN, "x-custom"));
        a.add(format("unknown format (emergency, no allow-list)", Who.EMERGENCY, "x-custom"));

        // Class 4: attestation statements that do not verify, never a 500 (L3 §8).
        a.add(stmt("packed alg RS256 with an EC certificate", s -> put(s, "alg", RS256)));
        a.add(stmt("packed alg ES384 with an ES256 signature", s -> put(s, "alg", ES384)));
        a.add(stmt("packed alg EdDSA with an EC certificate", s -> put(s, "alg", EDDSA)));
        a.add(stmt("packed alg 2^40", s -> put(s, "alg", 1L << 40)));
        a.add(stmt("packed alg as text", s -> put(s, "alg", "ES256")));
        a.add(stmt("packed alg missing", s -> put(s, "alg", null)));
        a.add(stmt("packed sig empty", s -> put(s, "sig", new byte[0])));
        a.add(stmt("packed sig of three bytes", s -> put(s, "sig", new byte[] {0x30, 1, 0})));
        a.add(stmt("packed sig as text", s -> put(s, "sig", "signature")));
        a.add(stmt("packed sig missing", s -> put(s, "sig", null)));
        a.add(stmt("packed x5c empty", s -> put(s, "x5c", List.of())));
        a.add(stmt("packed x5c with garbage", s -> put(s, "x5c", List.of(new byte[] {1, 2, 3}))));
        a.add(stmt("packed x5c not an array", s -> put(s, "x5c", ((List<?>) s.get("x5c")).get(0))));
        a.add(stmt("packed x5c certificate truncated", s -> put(s, "x5c", List.of(Arrays.copyOf((byte[]) ((List<?>) s.get("x5c")).get(0), 100)))));
        a.add(stmt("packed x5c certificate whose key point is off the curve", s ->
                put(s, "x5c", List.of(flipInPublicKey((byte[]) ((List<?>) s.get("x5c")).get(0))))));
        a.add(stmt("packed with an ecdaaKeyId", s -> put(s, "ecdaaKeyId", new byte[16])));
        a.add(fmt("fido-u2f format with a packed statement", "fido-u2f"));
        a.add(fmt("tpm format with a packed statement", "tpm"));
        a.add(fmt("apple format with a packed statement", "apple"));
        a.add(fmt("android-safetynet format with a packed statement", "android-safetynet"));
        a.add(enrol("none format with a packed statement", Who.PERSON, Tweaks.defaults(), attestation(o -> put(o, "fmt", "none")),
                400, ATTESTATION_INVALID));
        a.add(new EnrolmentAttack("self attestation with alg EdDSA", Who.PERSON, Attestation.SELF, Tweaks.defaults(),
                attestation(o -> put(o, "attStmt", put(stmt(o), "alg", EDDSA))), 400, ATTESTATION_INVALID));
        a.add(new EnrolmentAttack("self attestation with another credential key", Who.PERSON, Attestation.SELF,
                Tweaks.defaults().withCredentialPublicKey(Cbor.encode(good)), String::valueOf, 400, ATTESTATION_INVALID));
        a.add(enrol("batch certificate AAGUID differs from the authenticator data", Who.PERSON,
                Tweaks.defaults().withAttestedAaguid(UUID.fromString("00000000-0000-0000-0000-00000000abcd")), 400, ATTESTATION_INVALID));
        a.add(enrol("batch certificate AAGUID differs from an all-zero one", Who.EMERGENCY,
                Tweaks.defaults().withAttestedAaguid(new UUID(0, 0)), 400, ATTESTATION_INVALID));

        // Class 4: the attestation object's own shape.
        a.add(enrol("attStmt is an array", Who.PERSON, Tweaks.defaults(), attestation(o -> put(o, "attStmt", List.of())), 400, MALFORMED));
        a.add(enrol("attStmt missing", Who.PERSON, Tweaks.defaults(), attestation(o -> put(o, "attStmt", null)), 400, MALFORMED));
        a.add(enrol("authData missing", Who.PERSON, Tweaks.defaults(), attestation(o -> put(o, "authData", null)), 400, MALFORMED));
        a.add(enrol("authData as a text string", Who.PERSON, Tweaks.defaults(), attestation(o -> put(o, "authData", "authData")), 400, MALFORMED));
        a.add(enrol("fmt missing", Who.PERSON, Tweaks.defaults(), attestation(o -> put(o, "fmt", null)), 400, MALFORMED));
        a.add(enrol("fmt is a number", Who.PERSON, Tweaks.defaults(), attestation(o -> put(o, "fmt", 1L)), 400, MALFORMED));

        // Class 5: lenient encodings of the attestation object (it has exactly one encoding).
        a.add(enrol("a zero byte after the attestation object", Who.PERSON, Tweaks.defaults(),
                attestationBytes(o -> concat(o, new byte[] {0})), 400, MALFORMED));
        a.add(enrol("a second map after the attestation object", Who.PERSON, Tweaks.defaults(),
                attestationBytes(o -> concat(o, Cbor.encode(Cbor.map("fmt", "none")))), 400, MALFORMED));
        a.add(enrol("100 trailing bytes after the attestation object", Who.EMERGENCY, Tweaks.defaults(),
                attestationBytes(o -> concat(o, new byte[100])), 400, MALFORMED));
        a.add(enrol("attestation object as an indefinite-length map", Who.PERSON, Tweaks.defaults(),
                attestation(Cbor::indefinite), 400, MALFORMED));
        a.add(enrol("attStmt as an indefinite-length map", Who.PERSON, Tweaks.defaults(),
                attestation(o -> put(o, "attStmt", Cbor.indefinite(stmt(o)))), 400, MALFORMED));
        a.add(enrol("x5c as an indefinite-length array", Who.PERSON, Tweaks.defaults(),
                attestation(o -> put(o, "attStmt", put(stmt(o), "x5c", Cbor.indefinite(stmt(o).get("x5c"))))), 400, MALFORMED));
        a.add(enrol("authData as a chunked byte string", Who.PERSON, Tweaks.defaults(),
                attestation(o -> put(o, "authData", chunks((byte[]) o.get("authData")))), 400, MALFORMED));
        a.add(enrol("sig as a chunked byte string", Who.PERSON, Tweaks.defaults(),
                attestation(o -> put(o, "attStmt", put(stmt(o), "sig", chunks((byte[]) stmt(o).get("sig"))))), 400, MALFORMED));
        a.add(enrol("fmt as a chunked text string", Who.PERSON, Tweaks.defaults(),
                attestation(o -> put(o, "fmt", Cbor.chunkedText("pac", "ked"))), 400, MALFORMED));
        a.add(enrol("the key \"fmt\" as a chunked text string", Who.PERSON, Tweaks.defaults(),
                attestation(o -> swapLabel(o, "fmt", Cbor.chunkedText("f", "mt"))), 400, MALFORMED));
        a.add(enrol("authData under tag 24 (embedded CBOR)", Who.PERSON, Tweaks.defaults(),
                attestation(o -> put(o, "authData", Cbor.tag(24, o.get("authData")))), 400, MALFORMED));
        a.add(enrol("fmt under tag 0", Who.PERSON, Tweaks.defaults(), attestation(o -> put(o, "fmt", Cbor.tag(0, o.get("fmt")))), 400, MALFORMED));
        a.add(enrol("attestation object under the self-describe tag 55799", Who.ADMIN, Tweaks.defaults(),
                attestation(o -> Cbor.tag(55799, o)), 400, MALFORMED));
        a.add(enrol("alg as a bignum (tag 3)", Who.PERSON, Tweaks.defaults(),
                attestation(o -> put(o, "attStmt", put(stmt(o), "alg", Cbor.tag(3, new byte[] {6})))), 400, MALFORMED));
        a.add(enrol("two \"fmt\" keys", Who.PERSON, Tweaks.defaults(), attestationBytes(o -> duplicateFmt(o)), 400, MALFORMED));
        a.add(enrol("COSE key as an indefinite-length map", Who.PERSON,
                Tweaks.defaults().withCredentialPublicKey(Cbor.encode(Cbor.indefinite(good))), 400, MALFORMED));
        a.add(enrol("COSE key under a tag", Who.PERSON, Tweaks.defaults().withCredentialPublicKey(Cbor.encode(Cbor.tag(1, good))), 400, MALFORMED));
        a.add(enrol("COSE x as a chunked byte string", Who.PERSON,
                Tweaks.defaults().withCredentialPublicKey(Cbor.encode(CoseKey.with(good, -2, chunks((byte[]) good.get(-2L))))), 400, MALFORMED));
        a.add(enrol("COSE key with two kty labels", Who.PERSON, Tweaks.defaults().withCredentialPublicKey(concat(new byte[] {(byte) 0xa6},
                Cbor.encode(1L), Cbor.encode(EC2), Arrays.copyOfRange(Cbor.encode(good), 1, Cbor.encode(good).length))), 400, MALFORMED));
        a.add(enrol("ED flag with an indefinite-length extension map", Who.PERSON,
                Tweaks.defaults().withAuthenticatorData(d -> extensions(d, Cbor.encode(Cbor.indefinite(Cbor.map("credProtect", 2L))))),
                400, MALFORMED));
        a.add(enrol("ED flag with a tagged extension", Who.PERSON,
                Tweaks.defaults().withAuthenticatorData(d -> extensions(d, Cbor.encode(Cbor.map("credProtect", Cbor.tag(0, 2L))))),
                400, MALFORMED));
        a.add(enrol("trailing bytes after the COSE key without ED", Who.PERSON,
                Tweaks.defaults().withAuthenticatorData(d -> concat(d, new byte[] {0})), 400, MALFORMED));
        a.add(enrol("trailing bytes after the extensions", Who.PERSON, Tweaks.defaults().withAuthenticatorData(d ->
                concat(extensions(d, Cbor.encode(Cbor.map("credProtect", 2L))), new byte[] {0})), 400, MALFORMED));

        // Class 6: the request body itself is not well-formed JSON.
        a.add(enrol("truncated JSON", Who.PERSON, Tweaks.defaults(), n -> n.toString().substring(0, n.toString().length() / 2),
                400, REQUEST_MALFORMED));
        a.add(enrol("JSON with trailing garbage", Who.PERSON, Tweaks.defaults(), n -> n + "]", 400, REQUEST_MALFORMED));
        a.add(enrol("two \"id\" members", Who.PERSON, Tweaks.defaults(), n -> n.toString().replaceFirst("\\{", "{\"id\":\"AAAA\","),
                400, REQUEST_MALFORMED));
        a.add(enrol("a JSON string instead of an object", Who.PERSON, Tweaks.defaults(), n -> "\"" + n.path("id").asString() + "\"",
                400, REQUEST_MALFORMED));
        return a.stream();
    }

    /** Genuine keys of every algorithm the relying party offers: each must enrol. */
    static Stream<AcceptedKey> acceptedKeys() {
        return Stream.of(
                new AcceptedKey("ES256 on P-256", CoseKey.ec2(ES256, P256, "secp256r1")),
                new AcceptedKey("ES384 on P-384", CoseKey.ec2(ES384, P384, "secp384r1")),
                new AcceptedKey("ES512 on P-521", CoseKey.ec2(ES512, P521, "secp521r1")),
                new AcceptedKey("EdDSA on Ed25519", CoseKey.okp(EDDSA, ED25519_CRV, CoseKey.edwardsKey("Ed25519"))),
                new AcceptedKey("Ed448", CoseKey.okp(ED448, ED448_CRV, CoseKey.edwardsKey("Ed448"))),
                new AcceptedKey("RS256 of 2048 bits", CoseKey.rsa(RS256, rsa2048())),
                new AcceptedKey("RS384 of 2048 bits", CoseKey.rsa(RS384, rsa2048())),
                new AcceptedKey("RS512 of 3072 bits", CoseKey.rsa(RS512, CoseKey.rsaKey(3072))));
    }

    // ------------------------------------------------------------------------------------------
    // Builders
    // ------------------------------------------------------------------------------------------

    private static SignInAttack signIn(String name, Who who, Tweaks tweaks, int status, String code, boolean accountKnown) {
        return new SignInAttack(name, who, tweaks, String::valueOf, status, code, accountKnown);
    }

    private static SignInAttack signIn(String name, Who who, Tweaks tweaks, Function<ObjectNode, String> body, int status,
                                       String code, boolean accountKnown) {
        return new SignInAttack(name, who, tweaks, body, status, code, accountKnown);
    }

    private static EnrolmentAttack enrol(String name, Who who, Tweaks tweaks, int status, String code) {
        return new EnrolmentAttack(name, who, Attestation.PACKED, tweaks, String::valueOf, status, code);
    }

    private static EnrolmentAttack enrol(String name, Who who, Tweaks tweaks, Function<ObjectNode, String> body, int status, String code) {
        return new EnrolmentAttack(name, who, Attestation.PACKED, tweaks, body, status, code);
    }

    private static EnrolmentAttack key(String name, Object cose, String code) {
        return enrol(name, Who.PERSON, Tweaks.defaults().withCredentialPublicKey(Cbor.encode(cose)), 400, code);
    }

    private static EnrolmentAttack format(String name, Who who, String fmt) {
        return enrol(name, who, Tweaks.defaults(), attestation(o -> put(o, "fmt", fmt)), 400, FORMAT_UNSUPPORTED);
    }

    private static EnrolmentAttack fmt(String name, String fmt) {
        return enrol(name, Who.PERSON, Tweaks.defaults(), attestation(o -> put(o, "fmt", fmt)), 400, ATTESTATION_INVALID);
    }

    private static EnrolmentAttack stmt(String name, UnaryOperator<Map<Object, Object>> change) {
        return enrol(name, Who.PERSON, Tweaks.defaults(), attestation(o -> put(o, "attStmt", change.apply(stmt(o)))), 400, ATTESTATION_INVALID);
    }

    private static Tweaks crossOrigin(boolean crossOrigin, String topOrigin) {
        return clientData(n -> {
            n.put("crossOrigin", crossOrigin);
            if (topOrigin != null) {
                n.put("topOrigin", topOrigin);
            }
        });
    }

    /** Rewrites the signed client data as a JSON object. */
    static Tweaks clientData(Consumer<ObjectNode> change) {
        return Tweaks.defaults().withClientDataJson(json -> {
            ObjectNode node = (ObjectNode) Client.JSON.readTree(json);
            change.accept(node);
            return node.toString();
        });
    }

    /** Rewrites the signed client data as text. */
    static Tweaks clientDataText(UnaryOperator<String> change) {
        return Tweaks.defaults().withClientDataJson(change);
    }

    static Tweaks authData(UnaryOperator<byte[]> change) {
        return Tweaks.defaults().withAuthenticatorData(change);
    }

    /** Sets the ED flag (§6.1 bit 7) and appends {@code extensions}. */
    static byte[] extensions(byte[] authData, byte[] extensions) {
        authData[32] |= (byte) 0x80;
        return concat(authData, extensions);
    }

    static Function<ObjectNode, String> edit(Consumer<ObjectNode> change) {
        return node -> {
            change.accept(node);
            return node.toString();
        };
    }

    static Function<ObjectNode, String> response(String member, String value) {
        return edit(n -> ((ObjectNode) n.path("response")).put(member, value));
    }

    static Function<ObjectNode, String> signature(UnaryOperator<byte[]> change) {
        return edit(n -> {
            ObjectNode r = (ObjectNode) n.path("response");
            r.put("signature", b64u(change.apply(fromB64u(r.path("signature").asString()))));
        });
    }

    /** Sets id and rawId to the same value, derived from the attested id. */
    static Function<ObjectNode, String> sameIds(UnaryOperator<byte[]> change) {
        return edit(n -> {
            String id = b64u(change.apply(fromB64u(n.path("rawId").asString())));
            n.put("id", id).put("rawId", id);
        });
    }

    /** Decodes the attestation object, lets {@code change} return its replacement, encodes that. */
    static Function<ObjectNode, String> attestation(Function<Map<Object, Object>, Object> change) {
        return attestationBytes(bytes -> Cbor.encode(change.apply(Cbor.mapTree(bytes))));
    }

    static Function<ObjectNode, String> attestationBytes(UnaryOperator<byte[]> change) {
        return edit(n -> {
            ObjectNode r = (ObjectNode) n.path("response");
            r.put("attestationObject", b64u(change.apply(fromB64u(r.path("attestationObject").asString()))));
        });
    }

    @SuppressWarnings("unchecked")
    static Map<Object, Object> stmt(Map<Object, Object> attestationObject) {
        return (Map<Object, Object>) attestationObject.get("attStmt");
    }

    /** {@code map} with {@code key} set to {@code value} ({@code null} removes it). */
    static Map<Object, Object> put(Map<Object, Object> map, Object key, Object value) {
        return Cbor.with(map, key, value);
    }

    /** {@code map} with the key {@code from} replaced by {@code to}, in the same position. */
    static Map<Object, Object> swapLabel(Map<Object, Object> map, Object from, Object to) {
        Map<Object, Object> copy = new java.util.LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k.equals(from) ? to : k, v));
        return copy;
    }

    static Cbor.Chunked chunks(byte[] bytes) {
        int half = bytes.length / 2;
        return Cbor.chunkedBytes(Arrays.copyOf(bytes, half), Arrays.copyOfRange(bytes, half, bytes.length));
    }

    /** The attestation object's map with one more entry: a second "fmt" (map header count + 1, entry prepended). */
    static byte[] duplicateFmt(byte[] attestationObject) {
        Map<Object, Object> o = Cbor.mapTree(attestationObject);
        byte[] body = Arrays.copyOfRange(Cbor.encode(o), 1, Cbor.encode(o).length);
        return concat(Cbor.head(5, o.size() + 1), Cbor.encode("fmt"), Cbor.encode("none"), body);
    }

    /** The certificate with the last byte of its public key (the EC point's y) flipped: a point off the curve. */
    static byte[] flipInPublicKey(byte[] certificate) {
        try {
            var cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(certificate));
            byte[] spki = cert.getPublicKey().getEncoded();
            for (int at = 0; at + spki.length <= certificate.length; at++) {
                if (Arrays.equals(certificate, at, at + spki.length, spki, 0, spki.length)) {
                    byte[] flipped = certificate.clone();
                    flipped[at + spki.length - 1] ^= 1;
                    return flipped;
                }
            }
            throw new IllegalStateException("public key not found in the certificate");
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] plusOne(byte[] coordinate) {
        byte[] b = new BigInteger(1, coordinate).add(BigInteger.ONE).toByteArray();
        return CoseKey.coordinate(new BigInteger(1, b), coordinate.length);
    }

    private static java.security.interfaces.RSAPublicKey rsa2048;

    static synchronized java.security.interfaces.RSAPublicKey rsa2048() {
        if (rsa2048 == null) {
            rsa2048 = CoseKey.rsaKey(2048);
        }
        return rsa2048;
    }

    // ------------------------------------------------------------------------------------------
    // Anonymous abuse: refusals of a request's shape or access, and text no field stores unbounded
    // ------------------------------------------------------------------------------------------

    /**
     * A request refused for its shape or access before any service judges it (405, 413, 415,
     * {@code auth.*}, {@code request.*}): audited all the same, counted into the aggregated
     * {@code request.refused} entry of its window and address. Sent without cookies.
     */
    record ShapeRefusal(String name, String method, String path, String contentType, String body, int status, String code) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<ShapeRefusal> shapeRefusals() {
        String json = "application/json";
        String form = "application/x-www-form-urlencoded";
        String big = "{\"id\":\"" + "A".repeat(70 * 1024) + "\"}";
        String bigForm = "grant_type=client_credentials&client_id=" + "a".repeat(70 * 1024);
        return Stream.of(
                new ShapeRefusal("GET of the sign-in response", "GET", "/api/webauthn/sign-in", null, null, 405, "request.method_not_allowed"),
                new ShapeRefusal("PUT of sign-in options", "PUT", "/api/webauthn/sign-in/options", json, "{}", 405, "request.method_not_allowed"),
                new ShapeRefusal("PATCH of the sign-in response", "PATCH", "/api/webauthn/sign-in", json, "{}", 405, "request.method_not_allowed"),
                new ShapeRefusal("DELETE of enrolment options", "DELETE", "/api/enrolments/some-link/options", null, null, 405, "request.method_not_allowed"),
                new ShapeRefusal("GET of a drill sign-in", "GET", "/api/drills/some-drill/sign-in", null, null, 405, "request.method_not_allowed"),
                new ShapeRefusal("sign-in as text/plain", "POST", "/api/webauthn/sign-in", "text/plain", "{}", 415, "request.unsupported_media_type"),
                new ShapeRefusal("sign-in as XML", "POST", "/api/webauthn/sign-in", "application/xml", "<id/>", 415, "request.unsupported_media_type"),
                new ShapeRefusal("sign-in without a content type", "POST", "/api/webauthn/sign-in", null, "{}", 415, "request.unsupported_media_type"),
                new ShapeRefusal("enrolment credential as a form", "POST", "/api/enrolments/some-link/credential", form, "id=1", 415, "request.unsupported_media_type"),
                new ShapeRefusal("drill sign-in as text/plain", "POST", "/api/drills/some-drill/sign-in", "text/plain", "{}", 415, "request.unsupported_media_type"),
                new ShapeRefusal("sign-in over the size limit", "POST", "/api/webauthn/sign-in", json, big, 413, "request.too_large"),
                new ShapeRefusal("enrolment credential over the size limit", "POST", "/api/enrolments/some-link/credential", json, big, 413, "request.too_large"),
                new ShapeRefusal("token request over the size limit", "POST", "/oauth2/token", form, bigForm, 413, "request.too_large"),
                new ShapeRefusal("a path the firewall refuses", "GET", "/api/webauthn/../accounts", null, null, 400, "request.malformed"),
                new ShapeRefusal("a semicolon parameter in the path", "GET", "/api/webauthn/sign-in;x=1", null, null, 400, "request.malformed"),
                new ShapeRefusal("account list without a session", "GET", "/api/accounts", null, null, 401, "auth.required"),
                new ShapeRefusal("audit log without a session", "GET", "/api/audit", null, null, 401, "auth.required"),
                new ShapeRefusal("session without a session", "GET", "/api/session", null, null, 401, "auth.required"),
                new ShapeRefusal("a path nobody serves", "GET", "/api/no-such-thing", null, null, 401, "auth.required"),
                new ShapeRefusal("account creation without a CSRF token", "POST", "/api/accounts", json, "{}", 403, "auth.csrf"),
                new ShapeRefusal("sign-out without a CSRF token", "POST", "/sign-out", json, "{}", 403, "auth.csrf"));
    }

    /**
     * Text a client may send where a value is expected: every field that keeps it must keep it
     * bounded and printable, or the request is refused — never a 500.
     */
    record HostileText(String name, String value) {
        @Override
        public String toString() {
            return name;
        }

        /** Only visible ASCII and spaces: what a client id may be made of (RFC 6749 Appendix A.1, VSCHAR). */
        boolean vschar() {
            return value.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
        }
    }

    static Stream<HostileText> hostileTexts() {
        return Stream.of(
                new HostileText("500 characters", "c".repeat(500)),
                new HostileText("5000 characters", "c".repeat(5000)),
                new HostileText("60000 characters, just inside the form size limit", "c".repeat(60_000)),
                new HostileText("exactly the column width", "c".repeat(100)),
                new HostileText("one over the column width", "c".repeat(101)),
                new HostileText("an emoji across the cut", "c".repeat(199) + "\uD83D\uDE00" + "c"),
                new HostileText("4000 emoji", "\uD83D\uDE00".repeat(4000)),
                new HostileText("a right-to-left override", "client\u202Egnp.exe"),
                new HostileText("zero-width characters and a byte order mark", "\u200B\u200D\uFEFFclient"),
                new HostileText("3000 combining accents", "e" + "\u0301".repeat(3000)),
                new HostileText("SQL", "x' or '1'='1'; drop table audit_event; --"),
                new HostileText("markup", "<script>alert(1)</script>"),
                new HostileText("what an aggregated detail looks like", "{\"refusals\":999999,\"codes\":{}}"),
                new HostileText("a NUL", "gk\u0000client"),
                new HostileText("only a NUL", "\u0000"),
                new HostileText("line breaks and an escape sequence", "client\r\nforged: entry\u001B[31m"),
                new HostileText("DEL", "client\u007F"),
                new HostileText("a noncharacter", "client\uFFFF"));
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static String b64u(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] fromB64u(String value) {
        return Base64.getUrlDecoder().decode(value);
    }
}
