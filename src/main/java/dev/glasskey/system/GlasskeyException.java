package dev.glasskey.system;

/**
 * The one exception type services throw for a refused request. Thrown inside the service
 * transaction, so the refused change rolls back and stored state stays as it was.
 */
public class GlasskeyException extends RuntimeException {
    private final ErrorCode errorCode;
    private final String field;

    public GlasskeyException(ErrorCode errorCode, String detail) {
        this(errorCode, detail, null);
    }

    /**
     * A refusal caused by one field of the request: the problem document names it ({@code field}),
     * and the console shows the message next to that field with the typed input kept.
     */
    public GlasskeyException(ErrorCode errorCode, String detail, String field) {
        super(detail == null ? errorCode.title() : detail);
        this.errorCode = errorCode;
        this.field = field;
    }

    public GlasskeyException(ErrorCode errorCode) {
        this(errorCode, null);
    }

    public ErrorCode errorCode() { return errorCode; }

    /** The request field the refusal is about, or null. */
    public String field() { return field; }

    /** The human-readable detail, safe to show the client. */
    public String detail() { return getMessage(); }
}
