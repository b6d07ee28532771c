package dev.glasskey.totp;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** NIST SP 800-63B password rules and Argon2id hashing as {@link Passwords} applies them. */
class PasswordsTest {
    private final Passwords passwords = new Passwords(1, Duration.ofSeconds(30));

    @Test
    void twelveCharactersOfAnyKindAreEnoughAndNoCompositionIsAsked() {
        passwords.check("all lower case words", "ana@example.org");
        passwords.check("ééééééééééé!", null); // 12 code points, one class of character
        assertThat(passwords.blocklistSize()).isGreaterThan(1000);
    }

    @Test
    void lengthCountsCharactersNotBytes() {
        assertRefused("ééééééééééé", ErrorCode.PASSWORD_TOO_SHORT); // 11 code points, 22 UTF-8 bytes
        assertRefused("elevenchars", ErrorCode.PASSWORD_TOO_SHORT);
        assertRefused("x".repeat(257), ErrorCode.PASSWORD_TOO_LONG);
        passwords.check("x".repeat(255) + "y", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"password1234", "Password1234", "QWERTY123456", "123456789012", "1q2w3e4r5t6y", "correcthorsebatterystaple"})
    void commonAndBreachedPasswordsAreRefusedWithoutCase(String common) {
        assertRefused(common, ErrorCode.PASSWORD_BLOCKLISTED);
    }

    @Test
    void contextWordsAreRefused() {
        assertThatThrownBy(() -> passwords.check("my anastasia password", "anastasia@example.org"))
                .extracting(e -> ((GlasskeyException) e).errorCode()).isEqualTo(ErrorCode.PASSWORD_BLOCKLISTED);
        assertRefused("glasskey is my password", ErrorCode.PASSWORD_BLOCKLISTED);
    }

    @Test
    void hashesAreArgon2idWithTheOwaspParametersAndVerify() {
        String hash = passwords.hash("a long passphrase here");
        // Spring's encoder stores the PHC string: $argon2id$v=19$m=19456,t=2,p=1$salt$hash.
        assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(passwords.matches("a long passphrase here", hash)).isTrue();
        assertThat(passwords.matches("a long passphrase herE", hash)).isFalse();
        assertThat(passwords.hash("a long passphrase here")).isNotEqualTo(hash); // a salt each time
        // No hash (no such account): checked against the decoy all the same, and never a match.
        assertThat(passwords.matches("a long passphrase here", null)).isFalse();
        assertThat(passwords.matches(null, hash)).isFalse();
    }

    private void assertRefused(String password, ErrorCode code) {
        assertThatThrownBy(() -> passwords.check(password, null))
                .isInstanceOf(GlasskeyException.class)
                .extracting(e -> ((GlasskeyException) e).errorCode()).isEqualTo(code);
    }
}
