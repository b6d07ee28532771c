package dev.glasskey.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.util.HtmlUtils;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.Problems;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a problem document from a servlet filter, where controller advice cannot reach, and marks
 * the request refused so that the refusal is audited ({@link Problems#markRefused}).
 */
final class ProblemWriter {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemWriter() {}

    static void write(HttpServletRequest request, HttpServletResponse response, ErrorCode code, String detail) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        Problems.markRefused(request, code);
        ProblemDetail problem = Problems.of(code, detail, request.getRequestURI());
        response.resetBuffer();
        response.setStatus(code.status().value());
        if (Problems.wantsHtml(request)) {
            // A browser navigating to a page: the same problem as a page (like the template "problem"
            // the controller advice renders), with no script and the console's stylesheet.
            response.setContentType(MediaType.TEXT_HTML_VALUE);
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
                    + HtmlUtils.htmlEscape(problem.getTitle()) + " · Glasskey</title><link rel=\"stylesheet\" href=\"/css/glasskey.css\">"
                    + "</head><body><main><h1 id=\"problem-title\">" + HtmlUtils.htmlEscape(problem.getTitle()) + "</h1>"
                    + "<p id=\"problem-detail\">" + HtmlUtils.htmlEscape(problem.getDetail()) + "</p>"
                    + "<p>Error code <code id=\"problem-code\">" + code.code() + "</code> (HTTP " + code.status().value() + ")."
                    + " <a href=\"/admin\">Back to the console</a></p></main></body></html>");
            response.flushBuffer();
            return;
        }
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("type", problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        if (problem.getInstance() != null) body.put("instance", problem.getInstance().toString());
        if (problem.getProperties() != null) body.putAll(problem.getProperties());
        response.getWriter().write(JSON.writeValueAsString(body));
        response.flushBuffer();
    }
}
