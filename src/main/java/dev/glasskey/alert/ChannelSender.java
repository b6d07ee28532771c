package dev.glasskey.alert;

/** Sends one alert over one channel type. Throws on failure, with a message fit for the delivery state. */
interface ChannelSender {
    AlertChannel.Type type();

    /** @param secret the channel's secret, opened for this send (null when it has none) */
    void send(AlertChannel channel, String secret, AlertMessage message) throws Exception;
}
