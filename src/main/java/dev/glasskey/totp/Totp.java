package dev.glasskey.totp;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

import javax.crypto.spec.SecretKeySpec;

import com.eatthepath.otp.HmacOneTimePasswordGenerator;
import com.google.common.io.BaseEncoding;

/**
 * TOTP (RFC 6238) as authenticator apps speak it: HMAC-SHA-1, 6 digits, 30-second steps counted
 * from the Unix epoch (T0 = 0), the shared secret 20 random bytes (RFC 4226 §4 R6: 160 bits). The
 * HOTP value of a step is {@code com.eatthepath:java-otp}'s (RFC 4226 §5); what is ours is the
 * acceptance window of ±1 step (RFC 6238 §5.2, for clock drift and the time a person takes to
 * type) and, in {@link MethodService}, accepting each step once per account.
 */
public final class Totp {
    public static final Duration STEP = Duration.ofSeconds(30);
    public static final int DIGITS = 6;
    /** Steps accepted either side of the current one. */
    public static final int WINDOW = 1;
    /** RFC 6238 §1.2 / RFC 4226 §5: HMAC-SHA-1, the generator's default and what apps expect. */
    static final String ALGORITHM = "HmacSHA1";
    private static final int SECRET_BYTES = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Totp() {}

    /** A new shared secret, base32 without padding (what apps take as the manual key). */
    public static String newSecret() {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return BaseEncoding.base32().omitPadding().encode(secret);
    }

    /** The time step {@code T} of an instant: floor((unix time - T0) / X), RFC 6238 §4.2. */
    public static long step(Instant at) {
        return Math.floorDiv(at.getEpochSecond(), STEP.getSeconds());
    }

    /** The code of step {@code step}, zero-padded to {@code digits} digits. */
    public static String code(byte[] secret, long step, int digits) {
        try {
            int value = new HmacOneTimePasswordGenerator(digits).generateOneTimePassword(new SecretKeySpec(secret, ALGORITHM), step);
            return String.format("%0" + digits + "d", value);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-1 is not available", e);
        }
    }

    /** The code of step {@code step} for a base32 secret, {@link #DIGITS} digits. */
    public static String code(String base32Secret, long step) {
        return code(decode(base32Secret), step, DIGITS);
    }

    /**
     * The step within ±{@link #WINDOW} of {@code now} whose code is {@code code}, the latest first;
     * empty when none is (or the code is not {@link #DIGITS} ASCII digits). Every candidate is
     * computed and compared in constant time, so the answer's timing does not tell which step matched.
     */
    public static OptionalLong matchingStep(String base32Secret, String code, Instant now) {
        if (code == null || code.length() != DIGITS || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        byte[] secret = decode(base32Secret);
        long current = step(now);
        long found = Long.MIN_VALUE;
        for (long s = current + WINDOW; s >= current - WINDOW; s--) {
            boolean same = java.security.MessageDigest.isEqual(code(secret, s, DIGITS).getBytes(StandardCharsets.US_ASCII),
                    code.getBytes(StandardCharsets.US_ASCII));
            if (same && found == Long.MIN_VALUE) {
                found = s;
            }
        }
        return found == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(found);
    }

    /**
     * The {@code otpauth://} URI apps scan (Google Authenticator's Key Uri Format, which the other
     * apps follow): label {@code issuer:account}, and the parameters this method uses spelled out.
     */
    public static String uri(String issuer, String accountName, String base32Secret) {
        String label = encode(issuer) + ":" + encode(accountName);
        return "otpauth://totp/" + label + "?secret=" + base32Secret + "&issuer=" + encode(issuer)
                + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + STEP.getSeconds();
    }

    /** The manual key as apps show it: groups of four. */
    public static String grouped(String base32Secret) {
        return String.join(" ", base32Secret.split("(?<=\\G.{4})"));
    }

    static byte[] decode(String base32Secret) {
        return BaseEncoding.base32().omitPadding().decode(base32Secret);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
