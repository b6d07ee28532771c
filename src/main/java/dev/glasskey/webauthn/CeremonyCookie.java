package dev.glasskey.webauthn;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Component;

import dev.glasskey.system.GlasskeyProperties;

/**
 * Binds a ceremony's challenge to the browser that asked for it without any server state: a
 * short-lived random cookie, sent back with the response, that the challenge is bound to (for
 * sign-in and drills by the challenge's own MAC, {@link AssertionChallenges}; for enrolment by
 * the stored ceremony row). So an anonymous client asking for options creates no session, and a
 * challenge relayed to another browser is refused there ({@code ceremony.session_mismatch}).
 *
 * <p>The cookie lives as long as a challenge may be answered, plus a minute; asking for options
 * again keeps its value (two tabs of one browser share it) and renews its lifetime. It is
 * {@code HttpOnly}, {@code SameSite=Strict} (only this origin's own pages post ceremonies), and
 * {@code Secure} when the base URL is https.
 */
@Component
public class CeremonyCookie {
    public static final String NAME = "GLASSKEY_CEREMONY";
    private static final int BYTES = 16;
    private static final int ENCODED_LENGTH = 22;

    private final SecureRandom random = new SecureRandom();
    private final Duration lifetime;
    private final boolean secure;

    CeremonyCookie(GlasskeyProperties properties) {
        this.lifetime = properties.challengeTtl().plusMinutes(1);
        this.secure = properties.https();
    }

    /** At options time: the browser's binding, set (or renewed) on the response. */
    public String issue(HttpServletRequest request, HttpServletResponse response) {
        String value = presented(request);
        if (value.isEmpty()) {
            byte[] bytes = new byte[BYTES];
            random.nextBytes(bytes);
            value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
        response.addHeader("Set-Cookie", ResponseCookie.from(NAME, value).path("/").httpOnly(true).secure(secure)
                .sameSite("Strict").maxAge(lifetime).build().toString());
        return value;
    }

    /**
     * At response time: the binding the browser presents, or the empty string when it presents
     * none or a malformed one (no challenge is ever bound to the empty string, so it is refused).
     */
    public String presented(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return "";
        }
        for (Cookie cookie : cookies) {
            if (NAME.equals(cookie.getName())) {
                String value = cookie.getValue();
                return value != null && value.length() == ENCODED_LENGTH && value.chars().allMatch(CeremonyCookie::base64Url)
                        ? value : "";
            }
        }
        return "";
    }

    private static boolean base64Url(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
