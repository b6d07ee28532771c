package dev.glasskey.system;

import java.io.IOException;

/** Raised by the request body limit when a client sends more than the configured bytes. */
public class BodyTooLargeException extends IOException {
    public BodyTooLargeException(long limit) {
        super("request body exceeds " + limit + " bytes");
    }
}
