package dev.glasskey.webauthn;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.bouncycastle.math.ec.rfc8032.Ed448;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.yubico.webauthn.data.ByteArray;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Untrusted;

/**
 * Validates a credential public key (a COSE_Key, WebAuthn L3 §6.5.1.1, RFC 9052 §7, RFC 9053)
 * completely before anything is stored: its algorithm is one we offer, its key type and curve are
 * the ones that algorithm means, it carries exactly the required parameters (L3: {@code alg} and no
 * other optional ones), and the key itself is valid — an EC point on its curve (Bouncy Castle checks
 * it; no curve arithmetic here), an Ed25519/Ed448 point that decodes, an RSA modulus of at least
 * 2048 bits. A key that fails here would be listed as usable and never sign in, or sign in with a
 * weaker key than its algorithm claims (a P-384 point under ES256).
 *
 * <p>Labels are read as text by Jackson; {@link StrictEncoding} has already refused a COSE_Key whose
 * labels are not integers, or repeat.
 */
final class CoseKeys {
    private static final ObjectMapper CBOR = new CBORMapper();

    private CoseKeys() {}

    private enum Kty { OKP, EC2, RSA }

    /** An algorithm we offer (Yubico's default pubKeyCredParams) and the key it needs. */
    private record Algorithm(String name, Kty kty, Set<Long> curves) {}

    private static final long P256 = 1, P384 = 2, P521 = 3, ED25519 = 6, ED448 = 7;

    private static final Map<Long, Algorithm> ACCEPTED = Map.of(
            -7L, new Algorithm("ES256", Kty.EC2, Set.of(P256)),
            -35L, new Algorithm("ES384", Kty.EC2, Set.of(P384)),
            -36L, new Algorithm("ES512", Kty.EC2, Set.of(P521)),
            // Yubico verifies EdDSA (-8) on Ed25519 only; Ed448 keys come under the fully-specified Ed448 (-53).
            -8L, new Algorithm("EdDSA", Kty.OKP, Set.of(ED25519)),
            -53L, new Algorithm("Ed448", Kty.OKP, Set.of(ED448)),
            -257L, new Algorithm("RS256", Kty.RSA, Set.of()),
            -258L, new Algorithm("RS384", Kty.RSA, Set.of()),
            -259L, new Algorithm("RS512", Kty.RSA, Set.of()));

    private static final Map<Long, Kty> KEY_TYPES = Map.of(1L, Kty.OKP, 2L, Kty.EC2, 3L, Kty.RSA);

    /** RFC 9053 §7.1.1 (EC2), §7.2 (OKP); RFC 8230 §4 (RSA): the labels each key type consists of. */
    private static final Map<Kty, Set<String>> LABELS = Map.of(
            Kty.EC2, Set.of("1", "3", "-1", "-2", "-3"),
            Kty.OKP, Set.of("1", "3", "-1", "-2"),
            Kty.RSA, Set.of("1", "3", "-1", "-2"));

    private static final Map<Long, String> EC_CURVES = Map.of(P256, "P-256", P384, "P-384", P521, "P-521");
    private static final int MIN_RSA_BITS = 2048;

    /** The key's COSE algorithm identifier, once the key is known to be right. */
    static long validate(ByteArray cose) {
        JsonNode key;
        try {
            key = CBOR.readTree(cose.getBytes());
        } catch (IOException e) {
            throw invalid("The credential public key is not a CBOR map.");
        }
        if (key == null || !key.isObject()) {
            throw invalid("The credential public key is not a COSE_Key map.");
        }
        JsonNode algNode = key.get("3");
        if (algNode == null || !algNode.isIntegralNumber()) {
            throw invalid("The credential public key has no integer alg (3), which WebAuthn L3 §6.5.1.1 requires.");
        }
        Algorithm alg = algNode.canConvertToLong() ? ACCEPTED.get(algNode.longValue()) : null;
        if (alg == null) {
            throw new GlasskeyException(ErrorCode.ALGORITHM_UNSUPPORTED, "COSE algorithm " + Untrusted.shown(algNode.asText())
                    + " is not one Glasskey accepts.");
        }
        JsonNode ktyNode = key.get("1");
        Kty kty = ktyNode != null && ktyNode.isIntegralNumber() && ktyNode.canConvertToLong() ? KEY_TYPES.get(ktyNode.longValue()) : null;
        if (kty != alg.kty()) {
            throw invalid("Algorithm " + alg.name() + " needs key type " + alg.kty() + ", the key says "
                    + (ktyNode == null ? "nothing" : Untrusted.shown(ktyNode.asText())) + ".");
        }
        for (Iterator<String> labels = key.fieldNames(); labels.hasNext(); ) {
            String label = labels.next();
            if (!LABELS.get(kty).contains(label)) {
                throw invalid("Parameter " + Untrusted.shown(label) + " is not part of an " + kty + " public key (WebAuthn L3 §6.5.1.1).");
            }
        }
        switch (kty) {
            case EC2 -> ec2(key, alg);
            case OKP -> okp(key, alg);
            case RSA -> rsa(key, alg);
        }
        return algNode.longValue();
    }

    /** RFC 9053 §7.1.1: crv, x and y as byte strings of the field's length; the point on the curve. */
    private static void ec2(JsonNode key, Algorithm alg) {
        long crv = curve(key, alg);
        X9ECParameters curve = ECNamedCurveTable.getByName(EC_CURVES.get(crv));
        int length = (curve.getCurve().getFieldSize() + 7) / 8;
        byte[] x = bytes(key, "-2", "x", length);
        JsonNode y = key.get("-3");
        if (y != null && y.isBoolean()) {
            throw invalid("The EC point is compressed (y is a sign bit); WebAuthn keys carry both coordinates.");
        }
        byte[] yBytes = bytes(key, "-3", "y", length);
        try {
            curve.getCurve().validatePoint(new BigInteger(1, x), new BigInteger(1, yBytes));
        } catch (IllegalArgumentException e) {
            throw invalid("The EC point is not on " + EC_CURVES.get(crv) + ".");
        }
    }

    /** RFC 9053 §7.2: crv and x; the point decodes and is not of small order (RFC 8032 §5.1.3, §5.2.3). */
    private static void okp(JsonNode key, Algorithm alg) {
        long crv = curve(key, alg);
        byte[] x = bytes(key, "-2", "x", crv == ED25519 ? Ed25519.PUBLIC_KEY_SIZE : Ed448.PUBLIC_KEY_SIZE);
        boolean valid = crv == ED25519 ? Ed25519.validatePublicKeyFull(x, 0) : Ed448.validatePublicKeyFull(x, 0);
        if (!valid) {
            throw invalid("The " + (crv == ED25519 ? "Ed25519" : "Ed448") + " public key is not a valid curve point.");
        }
    }

    /** RFC 8230 §4: n and e without leading zeros; Bouncy Castle checks the modulus, we its size and e. */
    private static void rsa(JsonNode key, Algorithm alg) {
        byte[] n = bytes(key, "-1", "n", -1);
        byte[] e = bytes(key, "-2", "e", -1);
        if (n.length == 0 || n[0] == 0 || e.length == 0 || e[0] == 0) {
            throw invalid("The RSA modulus and exponent must be unsigned integers without leading zeros (RFC 8230 §4).");
        }
        BigInteger modulus = new BigInteger(1, n);
        BigInteger exponent = new BigInteger(1, e);
        if (modulus.bitLength() < MIN_RSA_BITS) {
            throw invalid("The RSA modulus has " + modulus.bitLength() + " bits; at least " + MIN_RSA_BITS + " are required.");
        }
        if (!exponent.testBit(0) || exponent.compareTo(BigInteger.valueOf(3)) < 0 || exponent.compareTo(modulus) >= 0) {
            throw invalid("The RSA public exponent must be odd, at least 3 and below the modulus.");
        }
        try {
            new RSAKeyParameters(false, modulus, exponent);
        } catch (IllegalArgumentException ex) {
            throw invalid("The RSA modulus is not a valid modulus.");
        }
    }

    private static long curve(JsonNode key, Algorithm alg) {
        JsonNode crv = key.get("-1");
        if (crv == null || !crv.isIntegralNumber() || !crv.canConvertToLong() || !alg.curves().contains(crv.longValue())) {
            throw invalid("Algorithm " + alg.name() + " needs curve " + alg.curves() + " (crv, -1), the key says "
                    + (crv == null ? "nothing" : Untrusted.shown(crv.asText())) + ".");
        }
        return crv.longValue();
    }

    /** A byte string parameter, of exactly {@code length} bytes unless {@code length} is negative. */
    private static byte[] bytes(JsonNode key, String label, String name, int length) {
        JsonNode value = key.get(label);
        if (value == null || !value.isBinary()) {
            throw invalid("Parameter " + name + " (" + label + ") is " + (value == null ? "missing" : "not a byte string") + ".");
        }
        try {
            byte[] bytes = value.binaryValue();
            if (length >= 0 && bytes.length != length) {
                throw invalid("Parameter " + name + " (" + label + ") has " + bytes.length + " bytes, not " + length + ".");
            }
            return bytes;
        } catch (IOException e) {
            throw invalid("Parameter " + name + " (" + label + ") is not a byte string.");
        }
    }

    private static GlasskeyException invalid(String detail) {
        return new GlasskeyException(ErrorCode.PUBLIC_KEY_INVALID, detail);
    }
}
