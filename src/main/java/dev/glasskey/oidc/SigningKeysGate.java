package dev.glasskey.oidc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

/**
 * The first filter of the protocol endpoints.
 * <ul>
 *   <li>No answer without signing keys: until {@link SigningKeys} has loaded or generated them,
 *       every protocol endpoint answers 503 {@code temporarily_unavailable} with
 *       {@code Retry-After} (keys are made before the server listens, {@link SigningKeys#start};
 *       this covers a database that lost them). A relying party that fetched an empty JWK Set
 *       would cache it and reject every token until its cache expires.</li>
 *   <li>The JWK Set itself, typed {@code application/jwk-set+json} (RFC 7517 §8.5) and written
 *       as bytes, so no servlet container appends {@code charset=ISO-8859-1}; only public parts.</li>
 * </ul>
 */
final class SigningKeysGate extends OncePerRequestFilter {
    static final String JWK_SET_TYPE = "application/jwk-set+json";

    private final SigningKeys keys;
    private final String jwkSetPath;

    SigningKeysGate(SigningKeys keys, String jwkSetPath) {
        this.keys = keys;
        this.jwkSetPath = jwkSetPath;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!keys.ready()) {
            unavailable(response);
            return;
        }
        if ("GET".equals(request.getMethod()) && (request.getContextPath() + jwkSetPath).equals(request.getRequestURI())) {
            List<JWK> published = keys.publishedKeys();
            if (published.isEmpty()) {
                unavailable(response);
                return;
            }
            byte[] body = new JWKSet(published).toString(true).getBytes(StandardCharsets.UTF_8);
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType(JWK_SET_TYPE);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            return;
        }
        chain.doFilter(request, response);
    }

    private static void unavailable(HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", "1");
        response.setContentType("application/json");
        response.getOutputStream().write(("{\"error\":\"temporarily_unavailable\",\"error_description\":"
                + "\"The token signing keys are not loaded yet.\"}").getBytes(StandardCharsets.UTF_8));
    }
}
