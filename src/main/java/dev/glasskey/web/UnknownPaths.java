package dev.glasskey.web;

import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * The filter chain's last rule. A path no controller serves is let through, so it is answered
 * {@code 404 not_found} (issue 18: an unknown URL answered a signed-in administrator with
 * "lacks the role"); a path some controller serves but no rule above names stays denied, so a
 * new endpoint is closed until the permission table says who may use it.
 */
final class UnknownPaths {
    private UnknownPaths() {}

    /** {@code handlers} is looked up on first use: the filter chain is built before the MVC infrastructure. */
    static AuthorizationManager<RequestAuthorizationContext> passToNotFound(Supplier<RequestMappingHandlerMapping> handlers) {
        return (authentication, context) -> new AuthorizationDecision(!served(handlers.get(), context.getRequest()));
    }

    /** Whether a controller method matches the path (with any method): a lookup, as the dispatcher makes it. */
    static boolean served(RequestMappingHandlerMapping handlers, HttpServletRequest request) {
        Object previous = request.getAttribute(ServletRequestPathUtils.PATH_ATTRIBUTE);
        try {
            ServletRequestPathUtils.parseAndCache(request);
            return handlers.getHandler(request) != null;
        } catch (Exception matchedButRefused) {
            // e.g. the path is served with another HTTP method: a handler exists.
            return true;
        } finally {
            if (previous == null) {
                ServletRequestPathUtils.clearParsedRequestPath(request);
            } else {
                request.setAttribute(ServletRequestPathUtils.PATH_ATTRIBUTE, previous);
            }
        }
    }
}
