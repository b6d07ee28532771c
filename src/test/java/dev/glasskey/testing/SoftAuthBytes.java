package dev.glasskey.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.UUID;

/** Byte helpers shared by the software authenticator: base64url, SHA-256, UUID bytes. */
final class SoftAuthBytes {

  private SoftAuthBytes() {
  }

  /** Base64url without padding, the encoding WebAuthn L3 §5.1 toJSON() uses for every binary member. */
  static String b64u(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Decodes base64url with or without padding; also tolerates standard base64 ('+', '/'). */
  static byte[] fromB64u(String value) {
    if (value == null) {
      throw new IllegalArgumentException("base64url value is missing");
    }
    String normalized = value.trim().replace('+', '-').replace('/', '_');
    int padding = normalized.indexOf('=');
    if (padding >= 0) {
      normalized = normalized.substring(0, padding);
    }
    return Base64.getUrlDecoder().decode(normalized);
  }

  /** Re-encodes a base64url (possibly padded) string in canonical unpadded form. */
  static String canonicalB64u(String value) {
    return b64u(fromB64u(value));
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] sha256(String utf8) {
    return sha256(utf8.getBytes(StandardCharsets.UTF_8));
  }

  /** The 16 big-endian bytes of a UUID, as an AAGUID appears in attested credential data (§6.5.2). */
  static byte[] uuidBytes(UUID uuid) {
    return ByteBuffer.allocate(16)
        .putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits())
        .array();
  }

  static byte[] concat(byte[] first, byte[] second) {
    byte[] result = new byte[first.length + second.length];
    System.arraycopy(first, 0, result, 0, first.length);
    System.arraycopy(second, 0, result, first.length, second.length);
    return result;
  }
}
