package dev.glasskey.system;

/**
 * A request refused by a rate limit ({@link ErrorCode#REQUEST_RATE_LIMITED}): answered 429 with
 * {@code Retry-After} in whole seconds (RFC 9110 §10.2.3), when the limit will let one more through.
 */
public class RateLimitedException extends GlasskeyException {
    private final long retryAfterSeconds;

    public RateLimitedException(long retryAfterSeconds, String detail) {
        super(ErrorCode.REQUEST_RATE_LIMITED, detail);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
