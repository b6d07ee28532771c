package dev.glasskey.alert;

/**
 * Sends the direct messages of one kind ({@link DirectMessages}): what a feature above delivers
 * durably through the outbox without being an alert (an OpenID Connect logout token). Implemented
 * by that feature, found by {@link #kind()}; the outbox's delivery calls it as it calls a channel.
 */
public interface DirectRecipient {
    /** The kind of message this recipient sends (the {@code kind} given to {@link DirectMessages#enqueue}). */
    String kind();

    /** Sends the message once; throws on failure (retried with back-off), or {@link Abandon} when it can never be sent. */
    void send(DirectMessage message) throws Exception;

    /** Called in the transaction that records the message as delivered (to audit it, say). */
    default void delivered(DirectMessage message) {
    }

    /** Called in the transaction that records the message as abandoned, with the reason. */
    default void abandoned(DirectMessage message, String reason) {
    }

    /** The message can never be delivered (its recipient is gone): it is not retried. */
    final class Abandon extends Exception {
        private static final long serialVersionUID = 1L;

        public Abandon(String reason) {
            super(reason);
        }
    }
}
