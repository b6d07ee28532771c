package dev.glasskey.web;

import java.io.IOException;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.glasskey.system.BodyTooLargeException;
import dev.glasskey.system.ErrorCode;

/**
 * Refuses request bodies over the configured size ({@code glasskey.max-body-bytes}): at once when
 * Content-Length says so, and while reading for chunked bodies. WebAuthn responses are a few
 * kilobytes at most, OAuth token requests less; the uploads of a FIDO metadata BLOB (a few
 * megabytes) have a limit of their own on their paths alone. A servlet filter in front of every
 * filter chain (the OpenID Connect provider's too, whose form posts the container parses itself):
 * a form is parsed here, so that one the container refuses — over
 * {@code server.tomcat.max-http-form-post-size}, or with too many parameters — is answered with a
 * problem document rather than failing later.
 */
final class BodyLimitFilter extends OncePerRequestFilter {
    private final long defaultLimit;
    private final long uploadLimit;
    private final Set<String> uploadPaths;

    BodyLimitFilter(long limit, long uploadLimit, Set<String> uploadPaths) {
        this.defaultLimit = limit;
        this.uploadLimit = uploadLimit;
        this.uploadPaths = Set.copyOf(uploadPaths);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long limit = "POST".equals(request.getMethod()) && uploadPaths.contains(request.getRequestURI()) ? uploadLimit : defaultLimit;
        if (request.getContentLengthLong() > limit) {
            ProblemWriter.write(request, response, ErrorCode.REQUEST_TOO_LARGE, "The request body exceeds " + limit + " bytes.");
            return;
        }
        if (isForm(request)) {
            try {
                request.getParameterMap();
            } catch (InvalidParameterException e) {
                if (e.getErrorCode() == HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE) {
                    ProblemWriter.write(request, response, ErrorCode.REQUEST_TOO_LARGE, "The form exceeds the size limit.");
                } else {
                    ProblemWriter.write(request, response, ErrorCode.REQUEST_MALFORMED, "The form could not be read.");
                }
                return;
            }
        }
        chain.doFilter(new Limited(request, limit), response);
    }

    private static boolean isForm(HttpServletRequest request) {
        String type = request.getContentType();
        return type != null && type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33);
    }

    private static final class Limited extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    private long read;

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0 && ++read > limit) throw new BodyTooLargeException(limit);
                        return b;
                    }

                    @Override
                    public int read(byte[] buf, int off, int len) throws IOException {
                        int n = in.read(buf, off, len);
                        if (n > 0 && (read += n) > limit) throw new BodyTooLargeException(limit);
                        return n;
                    }

                    @Override public boolean isFinished() { return in.isFinished(); }
                    @Override public boolean isReady() { return in.isReady(); }
                    @Override public void setReadListener(ReadListener listener) { in.setReadListener(listener); }
                };
            }
            return stream;
        }
    }
}
