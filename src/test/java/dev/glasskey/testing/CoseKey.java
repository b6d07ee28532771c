package dev.glasskey.testing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;
import java.util.Map;

/**
 * COSE_Key maps (RFC 9052 §7, RFC 9053) for credential public keys in tests: genuine keys of each
 * algorithm the relying party accepts, and the parts to build broken ones from. Labels: kty 1,
 * alg 3, crv -1 (EC2/OKP), x -2, y -3; RSA n -1, e -2.
 */
public final class CoseKey {
    public static final long ES256 = -7, ES384 = -35, ES512 = -36, EDDSA = -8, ED448 = -53;
    public static final long RS256 = -257, RS384 = -258, RS512 = -259;
    public static final long EC2 = 2, OKP = 1, RSA = 3;
    public static final long P256 = 1, P384 = 2, P521 = 3, ED25519_CRV = 6, ED448_CRV = 7;

    private CoseKey() {
    }

    /** A fresh EC key pair on {@code curve} ("secp256r1", "secp384r1", "secp521r1"). */
    public static ECPublicKey ecKey(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return (ECPublicKey) g.generateKeyPair().getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The affine coordinate as a big-endian unsigned integer of exactly {@code length} bytes. */
    public static byte[] coordinate(BigInteger value, int length) {
        byte[] b = value.toByteArray();
        if (b.length == length) {
            return b;
        }
        if (b.length > length) {
            return Arrays.copyOfRange(b, b.length - length, b.length);
        }
        byte[] padded = new byte[length];
        System.arraycopy(b, 0, padded, length - b.length, b.length);
        return padded;
    }

    /** The COSE map of an EC2 key: {1: 2, 3: alg, -1: crv, -2: x, -3: y}. */
    public static Map<Object, Object> ec2(long alg, long crv, Object x, Object y) {
        return Cbor.map(1L, EC2, 3L, alg, -1L, crv, -2L, x, -3L, y);
    }

    /** A genuine EC2 key of {@code curve} with {@code alg} and {@code crv} as given (consistent or not). */
    public static Map<Object, Object> ec2(long alg, long crv, String curve) {
        ECPublicKey key = ecKey(curve);
        int length = (key.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        return ec2(alg, crv, coordinate(key.getW().getAffineX(), length), coordinate(key.getW().getAffineY(), length));
    }

    /** The raw public key of a fresh Ed25519 or Ed448 key pair (RFC 8032 encoding). */
    public static byte[] edwardsKey(String algorithm) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance(algorithm).generateKeyPair();
            byte[] spki = pair.getPublic().getEncoded();
            int length = algorithm.equals("Ed25519") ? 32 : 57;
            return Arrays.copyOfRange(spki, spki.length - length, spki.length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The COSE map of an OKP key: {1: 1, 3: alg, -1: crv, -2: x}. */
    public static Map<Object, Object> okp(long alg, long crv, Object x) {
        return Cbor.map(1L, OKP, 3L, alg, -1L, crv, -2L, x);
    }

    /** A fresh RSA public key of {@code bits}. */
    public static RSAPublicKey rsaKey(int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(new RSAKeyGenParameterSpec(bits, RSAKeyGenParameterSpec.F4));
            return (RSAPublicKey) g.generateKeyPair().getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The COSE map of an RSA key: {1: 3, 3: alg, -1: n, -2: e}. */
    public static Map<Object, Object> rsa(long alg, Object n, Object e) {
        return Cbor.map(1L, RSA, 3L, alg, -1L, n, -2L, e);
    }

    /** {@link #rsa(long, Object, Object)} of a genuine key. */
    public static Map<Object, Object> rsa(long alg, RSAPublicKey key) {
        return rsa(alg, unsigned(key.getModulus()), unsigned(key.getPublicExponent()));
    }

    public static byte[] unsigned(BigInteger value) {
        byte[] b = value.toByteArray();
        return b[0] == 0 && b.length > 1 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }

    /** A copy of {@code key} with {@code label} set to {@code value} ({@code null} removes it). */
    public static Map<Object, Object> with(Map<Object, Object> key, long label, Object value) {
        return Cbor.with(key, label, value);
    }
}
