package dev.glasskey.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.glasskey.system.DatabaseFailures;
import dev.glasskey.system.ErrorCode;

/**
 * The outermost filter: a request that fails because the database cannot be reached — in the
 * session filter, the security filters or anywhere before a controller's own error mapping —
 * answers 503 {@code system.unavailable} as a problem document, never a stack trace or a 500.
 * Nothing to recover here: the connection pool reconnects by itself when the database returns.
 */
final class DatabaseUnavailableFilter extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(DatabaseUnavailableFilter.class);

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (RuntimeException | ServletException e) {
            if (!DatabaseFailures.isUnavailable(e)) {
                throw e;
            }
            log.warn("Database unavailable on {} {}: {}", request.getMethod(), request.getRequestURI(), DatabaseFailures.summary(e));
            ProblemWriter.write(request, response, ErrorCode.SYSTEM_UNAVAILABLE, null);
        }
    }
}
