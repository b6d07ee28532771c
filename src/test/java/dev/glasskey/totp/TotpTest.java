package dev.glasskey.totp;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import com.google.common.io.BaseEncoding;

import static org.assertj.core.api.Assertions.assertThat;

/** TOTP as Glasskey computes and accepts it: RFC 6238's own test vectors, the ±1 window, the URI apps scan. */
class TotpTest {
    /** RFC 6238 Appendix B: the SHA-1 seed, "12345678901234567890" in ASCII. */
    private static final byte[] RFC_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final String RFC_SEED_BASE32 = BaseEncoding.base32().omitPadding().encode(RFC_SEED);

    /** RFC 6238 Appendix B, the SHA-1 rows: time (s), T (hex), TOTP (8 digits). */
    @ParameterizedTest
    @CsvSource({
            "59, 0000000000000001, 94287082",
            "1111111109, 00000000023523EC, 07081804",
            "1111111111, 00000000023523ED, 14050471",
            "1234567890, 000000000273EF07, 89005924",
            "2000000000, 0000000003F940AA, 69279037",
            "20000000000, 0000000027BC86AA, 65353130"})
    void rfc6238AppendixBSha1Vectors(long time, String stepHex, String totp) {
        long step = Totp.step(Instant.ofEpochSecond(time));
        assertThat(step).isEqualTo(Long.parseUnsignedLong(stepHex, 16));
        assertThat(Totp.code(RFC_SEED, step, 8)).isEqualTo(totp);
        // What apps show (6 digits) is the same value modulo 10^6 (RFC 4226 §5.3).
        assertThat(Totp.code(RFC_SEED_BASE32, step)).isEqualTo(totp.substring(2));
    }

    @Test
    void acceptsTheCurrentStepAndOneEitherSideNotTwo() {
        Instant now = Instant.ofEpochSecond(1_111_111_111);
        long step = Totp.step(now);
        for (int offset = -1; offset <= 1; offset++) {
            assertThat(Totp.matchingStep(RFC_SEED_BASE32, Totp.code(RFC_SEED_BASE32, step + offset), now))
                    .as("offset %d", offset).hasValue(step + offset);
        }
        assertThat(Totp.matchingStep(RFC_SEED_BASE32, Totp.code(RFC_SEED_BASE32, step - 2), now)).isEmpty();
        assertThat(Totp.matchingStep(RFC_SEED_BASE32, Totp.code(RFC_SEED_BASE32, step + 2), now)).isEmpty();
    }

    @Test
    void stepBoundariesFollowTheClock() {
        // 30-second steps from T0 = 0: second 29 is step 0, second 30 is step 1 (RFC 6238 §4.2).
        assertThat(Totp.step(Instant.ofEpochSecond(29))).isZero();
        assertThat(Totp.step(Instant.ofEpochSecond(30))).isEqualTo(1);
        // A code of step 1 is accepted at second 59 (step 1) and at second 89 (step 2, one behind), not at second 90.
        String code = Totp.code(RFC_SEED_BASE32, 1);
        assertThat(Totp.matchingStep(RFC_SEED_BASE32, code, Instant.ofEpochSecond(59))).hasValue(1);
        assertThat(Totp.matchingStep(RFC_SEED_BASE32, code, Instant.ofEpochSecond(89))).hasValue(1);
        assertThat(Totp.matchingStep(RFC_SEED_BASE32, code, Instant.ofEpochSecond(90))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(value = {"''", "12345", "1234567", "12345a", "' 12345'", "１２３４５６", "-12345", "NULL"}, nullValues = "NULL")
    void anythingButSixAsciiDigitsMatchesNothing(String code) {
        assertThat(Totp.matchingStep(RFC_SEED_BASE32, code, Instant.ofEpochSecond(59))).isEmpty();
    }

    @Test
    void secretsAreTwentyRandomBytesAndTheUriNamesEveryParameter() {
        String secret = Totp.newSecret();
        assertThat(BaseEncoding.base32().omitPadding().decode(secret)).hasSize(20);
        assertThat(Totp.newSecret()).isNotEqualTo(secret);
        assertThat(Totp.uri("Glasskey (idp.example)", "ana@example.org", secret)).isEqualTo("otpauth://totp/Glasskey%20%28idp.example%29:ana%40example.org?secret="
                + secret + "&issuer=Glasskey%20%28idp.example%29&algorithm=SHA1&digits=6&period=30");
        assertThat(Totp.grouped("ABCDEFGHIJ")).isEqualTo("ABCD EFGH IJ");
    }
}
