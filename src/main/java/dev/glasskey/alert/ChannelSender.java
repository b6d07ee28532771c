package dev.glasskey.alert;

/** Sends one alert over one channel type. Throws on failure, with a message fit for the delivery state. */
interface ChannelSender {
    AlertChannel.Type type();

    void send(AlertChannel channel, AlertMessage message) throws Exception;
}
