package dev.glasskey.system;

/**
 * The one exception type services throw for a refused request. Thrown inside the service
 * transaction, so the refused change rolls back and stored state stays as it was.
 */
public class GlasskeyException extends RuntimeException {
    private final ErrorCode errorCode;

    public GlasskeyException(ErrorCode errorCode, String detail) {
        super(detail == null ? errorCode.title() : detail);
        this.errorCode = errorCode;
    }

    public GlasskeyException(ErrorCode errorCode) {
        this(errorCode, null);
    }

    public ErrorCode errorCode() { return errorCode; }

    /** The human-readable detail, safe to show the client. */
    public String detail() { return getMessage(); }
}
