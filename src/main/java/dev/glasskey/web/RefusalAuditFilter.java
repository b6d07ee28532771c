package dev.glasskey.web;

import java.io.IOException;
import java.util.function.Consumer;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.Metrics;
import dev.glasskey.system.Problems;
import dev.glasskey.system.Untrusted;

/**
 * Every refusal the API documents is audited: whatever answers with a problem marks the request
 * ({@link Problems#markRefused}: 404, 405, 413, 415, 429, {@code auth.*}, {@code request.*}, and
 * any service's code), and the listener this filter installs records the refusal there and then,
 * before the answer is written — unless a service has recorded it already
 * ({@link Audit#REFUSAL_RECORDED}). It is recorded as {@code request.refused}, aggregated: a flood
 * of them costs no database work per request and becomes one entry per window and address.
 * Installed right after {@link ForwardedHeaders}, so the address is the real client's, and outside
 * every other filter, so their refusals are seen too. The same listener counts every refusal by
 * code ({@link Metrics#REFUSALS}).
 */
final class RefusalAuditFilter extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(RefusalAuditFilter.class);

    private final Audit audit;
    private final Metrics metrics;

    RefusalAuditFilter(Audit audit, Metrics metrics) {
        this.audit = audit;
        this.metrics = metrics;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Consumer<Problems.Refusal> listener = refusal -> record(request, refusal);
        request.setAttribute(Problems.REFUSAL_LISTENER, listener);
        chain.doFilter(request, response);
    }

    private void record(HttpServletRequest request, Problems.Refusal refusal) {
        // Every refusal is counted (Metrics.REFUSALS), whoever audits it and even when it cannot be audited.
        metrics.refusal(refusal.code());
        if (request.getAttribute(Audit.REFUSAL_RECORDED) != null || !recordable(refusal.code())) {
            return;
        }
        // Filters in front of Spring's request context refuse too: the audit log reads the client
        // address from the current request.
        RequestAttributes previous = RequestContextHolder.getRequestAttributes();
        if (previous == null) {
            RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
        }
        try {
            audit.record(AuditEvent.refusal(refusal.actor(), refusal.code().code(),
                    Untrusted.clip(request.getMethod(), 16) + " " + Untrusted.clip(request.getRequestURI(), 200)));
        } catch (RuntimeException e) {
            log.warn("Refusal {} of {} {} could not be recorded: {}", refusal.code().code(), Untrusted.shown(request.getMethod()),
                    Untrusted.shown(request.getRequestURI()), e.getClass().getSimpleName());
        } finally {
            if (previous == null) {
                RequestContextHolder.resetRequestAttributes();
            }
        }
    }

    /** Not what the database's own failure answers: recording those would fail the same way. */
    private static boolean recordable(ErrorCode code) {
        return code != ErrorCode.SYSTEM_UNAVAILABLE && code != ErrorCode.AUDIT_WRITE_FAILED;
    }
}
