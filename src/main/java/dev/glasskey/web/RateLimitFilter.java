package dev.glasskey.web;

import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.Ids;
import dev.glasskey.system.RateLimits;
import dev.glasskey.system.RateLimits.Kind;

/**
 * The rate limits of the endpoints an anonymous client can reach, before anything else reads the
 * request (the session, the security chains, the body): per client address — the address
 * {@link ForwardedHeaders} resolved — and, for an enrolment link or a drill named in the path,
 * per link or drill as well. Refused with 429 {@code request.rate_limited} and {@code Retry-After}
 * (RFC 6585 §4). The per-credential limit of failed sign-ins is the sign-in service's, where the
 * credential is known.
 */
final class RateLimitFilter extends OncePerRequestFilter {
    /** A limited endpoint: the limit per address and, when the path names a link or drill, the limit per name. */
    private record Endpoint(PathPattern path, String what, Kind perAddress, Kind perName) {
        Endpoint(String pattern, String what, Kind perAddress, Kind perName) {
            this(PathPatternParser.defaultInstance.parse(pattern), what, perAddress, perName);
        }
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("/api/webauthn/sign-in/options", "sign-in", Kind.SIGN_IN, null),
            new Endpoint("/api/webauthn/sign-in", "sign-in", Kind.SIGN_IN, null),
            new Endpoint("/api/sign-in/password", "sign-in", Kind.SIGN_IN, null),
            new Endpoint("/api/setup/{name}", "enrolment", Kind.ENROLMENT, Kind.ENROLMENT_LINK),
            new Endpoint("/api/setup/{name}/password", "enrolment", Kind.ENROLMENT, Kind.ENROLMENT_LINK),
            new Endpoint("/api/setup/{name}/totp", "enrolment", Kind.ENROLMENT, Kind.ENROLMENT_LINK),
            new Endpoint("/api/setup/{name}/totp/confirm", "enrolment", Kind.ENROLMENT, Kind.ENROLMENT_LINK),
            new Endpoint("/setup/{name}", "enrolment", Kind.ENROLMENT, Kind.ENROLMENT_LINK),
            new Endpoint("/api/enrolments/{name}/options", "enrolment", Kind.ENROLMENT, Kind.ENROLMENT_LINK),
            new Endpoint("/api/enrolments/{name}/credential", "enrolment", Kind.ENROLMENT, Kind.ENROLMENT_LINK),
            new Endpoint("/enrol/{name}", "enrolment", Kind.ENROLMENT, Kind.ENROLMENT_LINK),
            new Endpoint("/api/drills/{name}/sign-in", "drill", Kind.DRILL, Kind.DRILL_ID),
            new Endpoint("/drill/{name}", "drill", Kind.DRILL, Kind.DRILL_ID),
            new Endpoint("/oauth2/authorize", "authorization", Kind.AUTHORIZE, null),
            new Endpoint("/oauth2/token", "token", Kind.TOKEN, null),
            new Endpoint("/oauth2/par", "token", Kind.TOKEN, null),
            new Endpoint("/oauth2/revoke", "token", Kind.TOKEN, null),
            new Endpoint("/oauth2/introspect", "token", Kind.TOKEN, null));

    private final RateLimits limits;

    RateLimitFilter(RateLimits limits) {
        this.limits = limits;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        PathContainer path = PathContainer.parsePath(request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo()));
        for (Endpoint endpoint : ENDPOINTS) {
            PathPattern.PathMatchInfo match = endpoint.path().matchAndExtract(path);
            if (match == null) {
                continue;
            }
            OptionalLong wait = limits.take(endpoint.perAddress(), RateLimits.addressKey(request.getRemoteAddr()));
            String by = "this address";
            if (wait.isEmpty() && endpoint.perName() != null) {
                // Names are client input of any length (and links are secrets): keyed by their hash.
                wait = limits.take(endpoint.perName(), Ids.sha256Hex(match.getUriVariables().get("name")));
                by = endpoint.perName() == Kind.DRILL_ID ? "this drill" : "this enrolment link";
            }
            if (wait.isPresent()) {
                response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(wait.getAsLong()));
                ProblemWriter.write(request, response, ErrorCode.REQUEST_RATE_LIMITED, "Too many " + endpoint.what()
                        + " requests for " + by + "; try again in " + wait.getAsLong() + " s.");
                return;
            }
            break;
        }
        chain.doFilter(request, response);
    }
}
