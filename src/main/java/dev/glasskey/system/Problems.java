package dev.glasskey.system;

import java.net.URI;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.ProblemDetail;

/** Builds the RFC 9457 problem document for an {@link ErrorCode}: the only place its shape is defined. */
public final class Problems {
    public static final String TYPE_PREFIX = "urn:glasskey:error:";

    /**
     * Request attribute: the {@link Refusal} this request was answered with. Set by whatever answers
     * with a problem (controller advice, filters, pages showing an error), so that the web layer can
     * audit every refusal the API documents — once: a refusal a service has already recorded is
     * marked by the audit log itself.
     */
    public static final String REFUSAL = Problems.class.getName() + ".refusal";

    /** A refusal: its code, and who was refused (read while the security context is still there). */
    public record Refusal(ErrorCode code, Actor actor) {}

    /**
     * Request attribute: a {@code Consumer<Refusal>} told of each refusal as it is marked — before
     * the answer is written, so the refusal is recorded before the client can see it. Installed by
     * the web layer (which may use the audit log, where this package may not).
     */
    public static final String REFUSAL_LISTENER = Problems.class.getName() + ".refusalListener";

    private Problems() {}

    /** The problem document, naming the request field the refusal is about when there is one. */
    public static ProblemDetail of(ErrorCode code, String detail, String path, String field) {
        ProblemDetail problem = of(code, detail, path);
        if (field != null) {
            problem.setProperty("field", field);
        }
        return problem;
    }

    /**
     * A browser navigating to a page (not a script calling the API): it gets the problem as an HTML
     * page with the same code; API clients always get {@code application/problem+json}.
     */
    public static boolean wantsHtml(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return !request.getRequestURI().startsWith("/api/") && accept != null && accept.contains("text/html");
    }

    public static ProblemDetail of(ErrorCode code, String detail, String path) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(code.status(), detail == null ? code.title() : detail);
        problem.setType(URI.create(TYPE_PREFIX + code.code()));
        problem.setTitle(code.title());
        problem.setProperty("code", code.code());
        if (path != null) {
            problem.setInstance(URI.create(path.replaceAll("[^A-Za-z0-9/._~-]", "_")));
        }
        return problem;
    }

    /** Marks {@code request} as refused with {@code code} (see {@link #REFUSAL}) and tells the {@link #REFUSAL_LISTENER}. */
    @SuppressWarnings("unchecked")
    public static void markRefused(HttpServletRequest request, ErrorCode code) {
        Refusal refusal = new Refusal(code, actor());
        request.setAttribute(REFUSAL, refusal);
        if (request.getAttribute(REFUSAL_LISTENER) instanceof java.util.function.Consumer<?> listener) {
            ((java.util.function.Consumer<Refusal>) listener).accept(refusal);
        }
    }

    /**
     * A page that refuses what its link names (an unknown, used or expired link): the page's status is
     * the refusal's, the request is marked refused, and the model carries {@code error} (the code) and
     * {@code message} for the page's error card. The service has audited the refusal already.
     */
    public static void showOnPage(HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response,
                                  org.springframework.ui.Model model, GlasskeyException e) {
        markRefused(request, e.errorCode());
        response.setStatus(e.errorCode().status().value());
        model.addAttribute("error", e.errorCode());
        model.addAttribute("message", e.detail());
    }

    /** Who is refused: the signed-in actor, or anonymous when there is none or it cannot be read (the database is gone). */
    private static Actor actor() {
        try {
            return Actors.current();
        } catch (RuntimeException unreadable) {
            return Actor.ANONYMOUS;
        }
    }
}
