package dev.glasskey.totp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

/**
 * Passwords (issue 15), never a sign-in method on their own.
 *
 * <p><b>Rules</b>, NIST SP 800-63B §3.1.1.2 (rev. 4 §5.1.1.2): at least 12 characters (Unicode code
 * points, after NFC), at most 256 (a bound on the hashing input, far above the 64 NIST asks to
 * allow); no composition rules; refused when it is on the shipped blocklist of common and breached
 * passwords ({@code passwords/blocklist.txt}, compared without case) or contains the sign-in name
 * or the service's name (context-specific words).
 *
 * <p><b>Hashing</b>: Argon2id through Spring Security's {@link Argon2PasswordEncoder} with the OWASP
 * Password Storage Cheat Sheet's first configuration — m = 19 MiB (19,456 KiB), t = 2, p = 1 — a
 * 16-byte salt and a 32-byte hash; the parameters are stored in each hash, so they can be raised
 * later. Each hash holds 19 MiB for its duration: at most {@code glasskey.password.hashing-concurrency}
 * (default: the number of processors) run at once, so a flood of sign-ins queues instead of
 * exhausting memory; one waiting longer than {@code glasskey.password.hashing-wait} is answered
 * 503 {@code signin.busy}.
 */
@Component
public class Passwords {
    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 256;
    static final int MEMORY_KIB = 19_456;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;

    private final Argon2PasswordEncoder encoder = new Argon2PasswordEncoder(16, 32, PARALLELISM, MEMORY_KIB, ITERATIONS);
    private final Set<String> blocklist;
    private final Semaphore hashing;
    private final long waitMillis;
    /** Checked against when no account has the name, so an unknown name takes as long as a wrong password. */
    private final String decoy;

    Passwords(@Value("${glasskey.password.hashing-concurrency:0}") int concurrency,
              @Value("${glasskey.password.hashing-wait:10s}") java.time.Duration wait) {
        this.hashing = new Semaphore(concurrency > 0 ? concurrency : Runtime.getRuntime().availableProcessors(), true);
        this.waitMillis = wait.toMillis();
        this.blocklist = load();
        this.decoy = encoder.encode("decoy password of no account " + System.nanoTime());
    }

    /** How many entries the shipped blocklist has (for the docs and the start-up log). */
    public int blocklistSize() {
        return blocklist.size();
    }

    /** Throws the rule a new password breaks; {@code signInName} may be null. */
    public void check(String password, String signInName) {
        if (password == null) {
            throw new GlasskeyException(ErrorCode.REQUEST_INVALID, "password is required.", "password");
        }
        String normalised = java.text.Normalizer.normalize(password, java.text.Normalizer.Form.NFC);
        int length = normalised.codePointCount(0, normalised.length());
        if (length < MIN_LENGTH) {
            throw new GlasskeyException(ErrorCode.PASSWORD_TOO_SHORT, "The password has " + length + " characters; at least "
                    + MIN_LENGTH + " are needed (a passphrase of a few words is easy to remember).", "password");
        }
        if (length > MAX_LENGTH) {
            throw new GlasskeyException(ErrorCode.PASSWORD_TOO_LONG, null, "password");
        }
        String lower = normalised.toLowerCase(Locale.ROOT);
        if (blocklist.contains(lower)) {
            throw new GlasskeyException(ErrorCode.PASSWORD_BLOCKLISTED, "This password is on the list of common and breached passwords.", "password");
        }
        for (String word : contextWords(signInName)) {
            if (lower.contains(word)) {
                throw new GlasskeyException(ErrorCode.PASSWORD_BLOCKLISTED, "The password contains the sign-in name or the service's name.", "password");
            }
        }
    }

    /** The Argon2id hash of a password that passed {@link #check}. */
    public String hash(String password) {
        return bounded(() -> encoder.encode(java.text.Normalizer.normalize(password, java.text.Normalizer.Form.NFC)));
    }

    /** Whether {@code password} matches {@code hash}; with a null hash, checks against a decoy and answers false. */
    public boolean matches(String password, String hash) {
        if (password == null || password.length() > MAX_LENGTH * 2) {
            return false;
        }
        String normalised = java.text.Normalizer.normalize(password, java.text.Normalizer.Form.NFC);
        return bounded(() -> encoder.matches(normalised, hash == null ? decoy : hash)) && hash != null;
    }

    private <T> T bounded(java.util.function.Supplier<T> work) {
        boolean acquired;
        try {
            acquired = hashing.tryAcquire(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            throw new GlasskeyException(ErrorCode.SIGN_IN_BUSY);
        }
        try {
            return work.get();
        } finally {
            hashing.release();
        }
    }

    private static Set<String> contextWords(String signInName) {
        Set<String> words = new HashSet<>(Set.of("glasskey"));
        if (signInName != null) {
            String name = signInName.toLowerCase(Locale.ROOT);
            words.add(name);
            int at = name.indexOf('@');
            if (at >= 4) {
                words.add(name.substring(0, at));
            }
        }
        words.removeIf(w -> w.length() < 4);
        return words;
    }

    private static Set<String> load() {
        Set<String> words = new HashSet<>();
        try (InputStream in = Passwords.class.getResourceAsStream("/passwords/blocklist.txt")) {
            if (in == null) {
                throw new IllegalStateException("passwords/blocklist.txt is missing from the application");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String word = line.strip();
                if (!word.isEmpty() && !word.startsWith("#")) {
                    words.add(word.toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(words);
    }
}
