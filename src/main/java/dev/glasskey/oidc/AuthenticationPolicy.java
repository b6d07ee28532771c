package dev.glasskey.oidc;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.glasskey.webauthn.SignedIn;

/**
 * Decides, for one authorization request and the browser's current sign-in, whether the sign-in
 * is good enough, a fresh security-key sign-in is needed, or the request must be refused; and
 * which {@code acr} the tokens will carry. Pure: no I/O, so every case is a unit of reasoning.
 *
 * <p>Authentication context classes, a ladder {@code mfa} &lt; {@code phr} &lt; {@code phrh}
 * ({@link SignedIn#acr(String, boolean, boolean)}: OpenID EAP ACR Values 1.0 §2 for the last two):
 * <ul>
 *   <li>{@code phrh} — phishing-resistant and hardware-protected: a WebAuthn sign-in with user
 *       verification whose key's attestation chains to a root pinned for an allowed model;</li>
 *   <li>{@code phr} — phishing-resistant: any other WebAuthn sign-in (origin-bound), synced passkeys included;</li>
 *   <li>{@code mfa} — a password and an authenticator-app code (issue 15).</li>
 * </ul>
 * A sign-in satisfies a request for its class and every class below it on the ladder. Glasskey treats
 * {@code acr_values} as a requirement, not a wish: it is a break-glass provider, and a relying
 * party that asks for {@code phrh} should not get less without being told.
 */
public final class AuthenticationPolicy {
    public static final String PHRH = "phrh";
    public static final String PHR = "phr";
    public static final String MFA = "mfa";
    /** Strongest first, as discovery lists them. */
    public static final List<String> SUPPORTED_ACR = List.of(PHRH, PHR, MFA);
    /** The {@code prompt} values Glasskey implements (Discovery {@code prompt_values_supported}). */
    public static final List<String> SUPPORTED_PROMPT = List.of("none", "login");

    private AuthenticationPolicy() {}

    /** What the request asks for (OpenID Connect Core 1.0 §3.1.2.1). */
    public record Requirements(Set<String> prompt, Duration maxAge, List<String> acrValues) {
        public static Requirements parse(String prompt, String maxAge, String acrValues) {
            Set<String> prompts = words(prompt);
            for (String p : prompts) {
                // Core 1.0 §3.1.2.1: Glasskey never shows a consent or account chooser page, so only
                // none and login (prompt_values_supported); an unknown value is not silently ignored.
                if (!SUPPORTED_PROMPT.contains(p)) {
                    throw new IllegalArgumentException("prompt value '" + dev.glasskey.system.Untrusted.shown(p)
                            + "' is not supported; use none or login");
                }
            }
            if (prompts.contains("none") && prompts.size() > 1) {
                throw new IllegalArgumentException("prompt=none cannot be combined with another value");
            }
            Duration age = null;
            if (maxAge != null && !maxAge.isBlank()) {
                try {
                    long seconds = Long.parseLong(maxAge.strip());
                    if (seconds < 0) {
                        throw new IllegalArgumentException("max_age must not be negative");
                    }
                    age = Duration.ofSeconds(seconds);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("max_age must be a number of seconds");
                }
            }
            return new Requirements(prompts, age, List.copyOf(words(acrValues)));
        }

        private static Set<String> words(String value) {
            if (value == null || value.isBlank()) {
                return Set.of();
            }
            return new LinkedHashSet<>(Arrays.asList(value.strip().split("\\s+")));
        }
    }

    /** The outcome of the policy for one request. */
    public sealed interface Decision {
        /** The sign-in satisfies the request; tokens carry {@code acr}. */
        record Grant(String acr) implements Decision {}
        /** Send the browser to a fresh security-key sign-in, then back to the same request. */
        record FreshSignIn(String reason) implements Decision {}
        /** Refuse with an OAuth / OpenID error code, returned to the relying party. */
        record Refuse(String error, String description) implements Decision {}
    }

    /** The acr a sign-in achieved. */
    public static String acrOf(SignedIn s) {
        return s.acr();
    }

    /**
     * @param signedIn   the browser's current sign-in
     * @param freshSignIn a sign-in was made after this very request sent the browser to sign in
     */
    public static Decision decide(Requirements req, SignedIn signedIn, Instant now, boolean freshSignIn) {
        String achieved = acrOf(signedIn);
        String acr = achieved;
        String stale = null;
        if (req.prompt().contains("login") && !freshSignIn) {
            // OpenID Connect Core 1.0 §3.1.2.1: prompt=login — reauthenticate even if signed in.
            stale = "the relying party asked for a fresh sign-in (prompt=login)";
        }
        if (req.maxAge() != null && !freshSignIn && Duration.between(signedIn.authTime(), now).compareTo(req.maxAge()) > 0) {
            // §3.1.2.1: max_age — the sign-in is older than allowed; reauthenticate.
            stale = "the sign-in is older than max_age=" + req.maxAge().toSeconds() + "s";
        }
        if (!req.acrValues().isEmpty()) {
            List<String> known = req.acrValues().stream().filter(SUPPORTED_ACR::contains).toList();
            if (known.isEmpty()) {
                return new Decision.Refuse("unmet_authentication_requirements",
                        "None of the requested acr_values " + req.acrValues() + " can be met; supported: " + SUPPORTED_ACR + ".");
            }
            // The first requested class (in the relying party's order of preference) this sign-in meets.
            acr = known.stream().filter(v -> satisfies(achieved, v)).findFirst().orElse(null);
            if (acr == null) {
                if (freshSignIn) {
                    return new Decision.Refuse("unmet_authentication_requirements", "The sign-in achieved acr '" + achieved
                            + "', the relying party requires one of " + known + ".");
                }
                stale = "the sign-in achieved acr '" + achieved + "', the relying party requires one of " + known;
            }
        }
        if (stale != null) {
            if (req.prompt().contains("none")) {
                // §3.1.2.6: with prompt=none the provider must not show a sign-in page.
                return new Decision.Refuse("login_required", "A fresh sign-in is needed (" + stale + ") but prompt=none was given.");
            }
            return new Decision.FreshSignIn(stale);
        }
        return new Decision.Grant(acr);
    }

    /** On the ladder ({@link SignedIn#ACR_LADDER}), {@code achieved} is {@code requested} or above it. */
    static boolean satisfies(String achieved, String requested) {
        int have = SignedIn.ACR_LADDER.indexOf(achieved);
        int want = SignedIn.ACR_LADDER.indexOf(requested);
        return have >= 0 && want >= 0 && have >= want;
    }
}
