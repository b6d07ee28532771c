package dev.glasskey.alert;

import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;

import org.springframework.stereotype.Component;

/**
 * Syslog in the RFC 5424 format, over UDP (RFC 5426: one message per datagram) or TCP
 * (RFC 6587 §3.4.1 octet counting: {@code MSG-LEN SP SYSLOG-MSG}). There is no maintained Java
 * library for this; formatting the line is small and follows the RFC's ABNF (§6):
 * {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] BOM MSG}.
 */
@Component
class SyslogSender implements ChannelSender {
    /** RFC 5426 §3.2: receivers SHOULD accept 2048 octets; we keep the MSG well below. */
    static final int MAX_MSG_BYTES = 1500;
    /**
     * SD-ID with an enterprise number (RFC 5424 §7.2.2). 32473 is the number reserved for
     * documentation (RFC 5612); Glasskey has no private enterprise number of its own yet.
     */
    static final String SD_ID = "glasskey@32473";
    /** The SD-ID of a checkpoint's fields. */
    static final String CHECKPOINT_SD_ID = "glasskey-checkpoint@32473";
    private static final String HOSTNAME = hostname();
    private static final String PROCID = Long.toString(ProcessHandle.current().pid());

    private final AlertProperties properties;

    SyslogSender(AlertProperties properties) {
        this.properties = properties;
    }

    @Override
    public AlertChannel.Type type() {
        return AlertChannel.Type.SYSLOG;
    }

    @Override
    public void send(AlertChannel channel, String secret, AlertMessage m) throws Exception {
        ChannelSettings s = channel.settings();
        byte[] line = format(s.facility() == null ? 4 : s.facility(), m).getBytes(StandardCharsets.UTF_8);
        int timeout = (int) properties.sendTimeout().toMillis();
        if ("tcp".equals(s.transport())) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(s.host(), s.port()), timeout);
                socket.setSoTimeout(timeout);
                OutputStream out = socket.getOutputStream();
                out.write((line.length + " ").getBytes(StandardCharsets.US_ASCII));
                out.write(line);
                out.flush();
            }
        } else {
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.send(new DatagramPacket(line, line.length, InetAddress.getByName(s.host()), s.port()));
            }
        }
    }

    /** One RFC 5424 message. */
    static String format(int facility, AlertMessage m) {
        int pri = facility * 8 + m.severity().syslog; // §6.2.1
        String timestamp = m.createdAt().truncatedTo(ChronoUnit.MICROS).toString(); // §6.2.3: RFC 3339, at most 6 fraction digits
        if (m.checkpoint()) {
            return "<" + pri + ">1 " + timestamp + " " + HOSTNAME + " glasskey " + PROCID + " checkpoint " + checkpointData(m)
                    + " \uFEFF" + AlertStore.JSON.writeValueAsString(java.util.Map.of("checkpoint", AlertStore.JSON.readTree(m.eventJson())));
        }
        String msgid = m.test() ? "test-alert" : "alert"; // §6.2.7: at most 32 printable ASCII
        StringBuilder sd = new StringBuilder("[").append(SD_ID); // §6.3
        param(sd, "idempotencyKey", m.idempotencyKey());
        param(sd, "alertId", m.alertId());
        param(sd, "severity", m.severity().value());
        param(sd, "rules", m.rules());
        if (m.auditSeq() != null) {
            param(sd, "auditSeq", Long.toString(m.auditSeq()));
        }
        sd.append(']');
        return "<" + pri + ">1 " + timestamp + " " + HOSTNAME + " glasskey " + PROCID + " " + msgid + " " + sd
                + " \uFEFF" + clip(m.text()); // §6.4: BOM, then UTF-8
    }

    /**
     * A checkpoint's structured data: the idempotency key as for alerts, and the checkpoint's
     * fields in their own SD-ELEMENT, for collectors that filter on them. Its MSG (after the BOM)
     * is the checkpoint as one JSON line, {@code {"checkpoint": {…}}}: what {@code audit verify
     * --checkpoints} reads.
     */
    private static String checkpointData(AlertMessage m) {
        StringBuilder sd = new StringBuilder("[").append(SD_ID);
        param(sd, "idempotencyKey", m.idempotencyKey());
        sd.append("][").append(CHECKPOINT_SD_ID);
        tools.jackson.databind.JsonNode c = AlertStore.JSON.readTree(m.eventJson());
        for (String field : java.util.List.of("seq", "hash", "signedAt", "keyId", "signature")) {
            param(sd, field, c.path(field).asString());
        }
        return sd.append(']').toString();
    }

    /** §6.3.3: inside PARAM-VALUE, '"', '\' and ']' are escaped with a backslash. */
    private static void param(StringBuilder sd, String name, String value) {
        sd.append(' ').append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == ']') {
                sd.append('\\');
            }
            sd.append(c);
        }
        sd.append('"');
    }

    private static String clip(String text) {
        String oneLine = text.replace('\n', ' ').replace('\r', ' ');
        byte[] bytes = oneLine.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_MSG_BYTES) {
            return oneLine;
        }
        // Cut on a character boundary.
        String cut = new String(bytes, 0, MAX_MSG_BYTES, StandardCharsets.UTF_8);
        return cut.substring(0, cut.length() - 1) + "…";
    }

    /** §6.2.4: the host's name, printable ASCII without spaces, or the NILVALUE "-". */
    private static String hostname() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127) ? "-" : name.length() > 255 ? name.substring(0, 255) : name;
        } catch (Exception e) {
            return "-";
        }
    }
}
