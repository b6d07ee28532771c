package dev.glasskey.system;

import java.net.URI;

import org.springframework.http.ProblemDetail;

/** Builds the RFC 9457 problem document for an {@link ErrorCode}: the only place its shape is defined. */
public final class Problems {
    public static final String TYPE_PREFIX = "urn:glasskey:error:";

    private Problems() {}

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

    public static ProblemDetail of(GlasskeyException e, String path) {
        return of(e.errorCode(), e.detail(), path);
    }
}
