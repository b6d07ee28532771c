package dev.glasskey.bench;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One complete application sign-in, as a fresh browser and a confidential relying party make it
 * (the flow users run, and the one measured beside Keycloak in ../shared/bench-keycloak):
 * {@code GET /oauth2/authorize} with PKCE (RFC 7636, S256) → 302 to the sign-in page → the page
 * → {@code POST /api/webauthn/sign-in/options} → ES256 assertion → {@code POST /api/webauthn/sign-in}
 * → {@code GET} the authorization request again → 302 to the redirect URI with the code and the
 * state → {@code POST /oauth2/token} (client_secret_basic, the code verifier). It counts as good
 * only if every step answers as it must, the state comes back, and the ID token names the account.
 */
final class AppSignIn {
    static final String REDIRECT = "https://rp.example/cb";
    static final List<String> STEPS = List.of("authorize", "page", "options", "client_sign", "finish", "authorize_back", "token");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    record Application(String clientId, String clientSecret) {}

    private final Application app;
    private final String basic;

    AppSignIn(Application app, String origin) {
        this.app = app;
        this.basic = "Basic " + Base64.getEncoder().encodeToString((enc(app.clientId()) + ":" + enc(app.clientSecret()))
                .getBytes(StandardCharsets.UTF_8));
    }

    String run(LoopbackHttp http, LoadDriver.Account a, long[] steps) throws IOException {
        LoopbackHttp.Cookies browser = new LoopbackHttp.Cookies();
        String verifier = random(32);
        String state = random(9);
        String authorize = "/oauth2/authorize?response_type=code&client_id=" + enc(app.clientId()) + "&scope=openid%20profile"
                + "&redirect_uri=" + enc(REDIRECT) + "&state=" + state + "&code_challenge=" + s256(verifier)
                + "&code_challenge_method=S256";
        long t0 = System.nanoTime();
        LoopbackHttp.Response toSignIn = http.getHtml(authorize, browser);
        long t1 = System.nanoTime();
        steps[0] = t1 - t0;
        String signInPage = location(toSignIn);
        if (toSignIn.status() != 302 || signInPage == null || !signInPage.contains("/sign-in")) {
            return "authorize " + toSignIn.status() + " " + signInPage;
        }
        String next = query(signInPage, "next");
        if (next == null) return "authorize redirected without next: " + signInPage;
        LoopbackHttp.Response page = http.getHtml(pathOf(signInPage), browser);
        long t2 = System.nanoTime();
        steps[1] = t2 - t1;
        if (page.status() != 200) return "sign-in page " + page.status();
        LoopbackHttp.Response options = http.postJson("/api/webauthn/sign-in/options", browser, null, null);
        long t3 = System.nanoTime();
        steps[2] = t3 - t2;
        if (options.status() != 200) return "options " + options.status();
        String assertion = a.key().signIn(options.text(), a.userHandle());
        long t4 = System.nanoTime();
        steps[3] = t4 - t3;
        String before = browser.get("JSESSIONID");
        LoopbackHttp.Response signedIn = http.postJson("/api/webauthn/sign-in", browser, assertion, null);
        long t5 = System.nanoTime();
        steps[4] = t5 - t4;
        if (signedIn.status() != 200) return "sign-in " + signedIn.status();
        String after = browser.get("JSESSIONID");
        if (after == null || after.equals(before)) return "sign-in 200 without a new session cookie";
        LoopbackHttp.Response back = http.getHtml(pathOf(next), browser);
        long t6 = System.nanoTime();
        steps[5] = t6 - t5;
        String callback = location(back);
        if (back.status() != 302 || callback == null || !callback.startsWith(REDIRECT + "?")) {
            return "authorize after sign-in " + back.status() + " " + callback;
        }
        if (!state.equals(query(callback, "state"))) return "callback without the state";
        String code = query(callback, "code");
        if (code == null) return "callback without a code: " + callback;
        LoopbackHttp.Response token = http.postForm("/oauth2/token", basic, "grant_type=authorization_code&code=" + enc(code)
                + "&redirect_uri=" + enc(REDIRECT) + "&code_verifier=" + verifier);
        steps[6] = System.nanoTime() - t6;
        if (token.status() != 200) return "token " + token.status();
        JsonNode tokens = JSON.readTree(token.text());
        String idToken = tokens.path("id_token").asString("");
        if (tokens.path("access_token").asString("").isEmpty() || idToken.isEmpty()) return "token response without tokens";
        String[] parts = idToken.split("\\.");
        if (parts.length != 3) return "ID token is not a JWS";
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        if (!a.id().equals(claims.path("sub").asString())) return "ID token for another account";
        return null;
    }

    private static String location(LoopbackHttp.Response r) {
        List<String> l = r.header("location");
        return l.isEmpty() ? null : l.get(0);
    }

    /** The path and query of an absolute or relative URL (the driver always talks to 127.0.0.1 itself). */
    private static String pathOf(String url) {
        int scheme = url.indexOf("://");
        if (scheme < 0) return url;
        int slash = url.indexOf('/', scheme + 3);
        return slash < 0 ? "/" : url.substring(slash);
    }

    private static String query(String url, String name) {
        int q = url.indexOf('?');
        if (q < 0) return null;
        for (String pair : url.substring(q + 1).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return B64URL.encodeToString(b);
    }

    private static String s256(String verifier) {
        try {
            return B64URL.encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
