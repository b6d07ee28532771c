package dev.glasskey.system;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.validation.method.MethodValidationException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * The single mapping from exceptions to HTTP: every error leaves as RFC 9457
 * {@code application/problem+json} with a stable {@code code}. Nothing unexpected leaks a
 * stack trace: it is logged here and reported as {@link ErrorCode#INTERNAL}.
 */
@RestControllerAdvice
public class ProblemHandler {
    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(GlasskeyException.class)
    public Object glasskey(GlasskeyException e, HttpServletRequest request) {
        if (e instanceof RateLimitedException limited) {
            ResponseEntity<ProblemDetail> answer = problem(request, e.errorCode(), e.detail(), null);
            // RFC 9110 §10.2.3 / RFC 6585 §4: when to try again, in seconds.
            return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(limited.retryAfterSeconds())).body(answer.getBody());
        }
        return respond(request, e.errorCode(), e.detail(), e.field());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    public Object unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        Throwable root = e.getMostSpecificCause();
        if (root instanceof BodyTooLargeException) {
            return respond(request, ErrorCode.REQUEST_TOO_LARGE, null);
        }
        return respond(request, ErrorCode.REQUEST_MALFORMED, "The request body is not valid JSON of the expected shape.");
    }

    @ExceptionHandler(BodyTooLargeException.class)
    public Object tooLarge(BodyTooLargeException e, HttpServletRequest request) {
        return respond(request, ErrorCode.REQUEST_TOO_LARGE, null);
    }

    @ExceptionHandler({MethodArgumentNotValidException.class, HandlerMethodValidationException.class,
            MethodValidationException.class, MissingServletRequestParameterException.class,
            MethodArgumentTypeMismatchException.class})
    public Object invalid(Exception e, HttpServletRequest request) {
        return respond(request, ErrorCode.REQUEST_INVALID, null);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    public Object mediaType(HttpServletRequest request) {
        return respond(request, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send application/json.");
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    public Object notAcceptable(HttpServletRequest request) {
        return respond(request, ErrorCode.REQUEST_INVALID, "Accept application/json.");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    public Object method(HttpServletRequest request) {
        return respond(request, ErrorCode.METHOD_NOT_ALLOWED, null);
    }

    @ExceptionHandler({NoHandlerFoundException.class, NoResourceFoundException.class})
    public Object notFound(HttpServletRequest request) {
        return respond(request, ErrorCode.NOT_FOUND, null);
    }

    @ExceptionHandler(AccessDeniedException.class)
    public Object denied(HttpServletRequest request) {
        return respond(request, ErrorCode.FORBIDDEN, null);
    }

    /**
     * Two concurrent changes raced (a unique key taken a moment ago, a row lock not granted in
     * time): nothing was stored; the client may retry.
     */
    @ExceptionHandler({org.springframework.dao.DataIntegrityViolationException.class,
            org.springframework.dao.PessimisticLockingFailureException.class})
    public Object conflict(Exception e, HttpServletRequest request) {
        log.info("Concurrent change refused on {} {}: {}", request.getMethod(), request.getRequestURI(), e.getClass().getSimpleName());
        return respond(request, ErrorCode.CONFLICT, "A concurrent change got there first; nothing was stored. Try again.");
    }

    @ExceptionHandler(Exception.class)
    public Object unexpected(Exception e, HttpServletRequest request) {
        if (DatabaseFailures.isUnavailable(e)) {
            log.warn("Database unavailable on {} {}: {}", request.getMethod(), request.getRequestURI(), DatabaseFailures.summary(e));
            return respond(request, ErrorCode.SYSTEM_UNAVAILABLE, null);
        }
        log.error("Unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
        return respond(request, ErrorCode.INTERNAL, null);
    }

    private static Object respond(HttpServletRequest request, ErrorCode code, String detail) {
        return respond(request, code, detail, null);
    }

    /**
     * The answer for {@code code}; the request is marked refused, so the refusal is audited (see
     * {@link Problems#REFUSAL}). A browser navigating to a page gets the same problem as an HTML page
     * (template {@code problem}: code, title, detail, status); everyone else the problem document.
     */
    private static Object respond(HttpServletRequest request, ErrorCode code, String detail, String field) {
        if (Problems.wantsHtml(request)) {
            Problems.markRefused(request, code);
            ModelAndView page = new ModelAndView("problem", code.status());
            page.addObject("problem", Problems.of(code, detail, request.getRequestURI(), field));
            page.addObject("code", code.code());
            return page;
        }
        return problem(request, code, detail, field);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpServletRequest request, ErrorCode code, String detail, String field) {
        Problems.markRefused(request, code);
        return ResponseEntity.status(code.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.of(code, detail, request.getRequestURI(), field));
    }
}
