package dev.glasskey.alert;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real syslog listener on 127.0.0.1: UDP (one message per datagram, RFC 5426) or TCP with
 * octet-counting framing (RFC 6587 §3.4.1). Records each message's text.
 */
final class SyslogListener implements AutoCloseable {
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Thread thread;

    private SyslogListener(boolean overTcp) throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        udp = overTcp ? null : new DatagramSocket(0, loopback);
        tcp = overTcp ? new ServerSocket(0, 50, loopback) : null;
        thread = new Thread(overTcp ? this::acceptTcp : this::receiveUdp, "syslog-listener");
        thread.setDaemon(true);
        thread.start();
    }

    static SyslogListener udp() throws IOException {
        return new SyslogListener(false);
    }

    static SyslogListener tcp() throws IOException {
        return new SyslogListener(true);
    }

    int port() {
        return udp != null ? udp.getLocalPort() : tcp.getLocalPort();
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    /**
     * What a collector keeping a copy of the published checkpoints writes: the MSG (after the BOM)
     * of every message whose MSGID is {@code checkpoint}, one per line, as an rsyslog template
     * {@code "%msg%\n"} filtered on {@code $msgid == "checkpoint"} would.
     */
    void writeCheckpointCopy(java.nio.file.Path file) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (String m : messages()) {
            String[] header = m.split(" ", 7); // <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID ...
            if (header.length == 7 && header[5].equals("checkpoint")) {
                lines.append(m.substring(m.indexOf('\uFEFF') + 1)).append('\n');
            }
        }
        java.nio.file.Files.writeString(file, lines, StandardCharsets.UTF_8);
    }

    private void receiveUdp() {
        byte[] buffer = new byte[65535];
        while (!udp.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
                messages.add(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void acceptTcp() {
        while (!tcp.isClosed()) {
            try (Socket socket = tcp.accept(); DataInputStream in = new DataInputStream(socket.getInputStream())) {
                while (true) {
                    // MSG-LEN SP SYSLOG-MSG
                    StringBuilder length = new StringBuilder();
                    int c;
                    while ((c = in.read()) != ' ') {
                        if (c < 0) {
                            break;
                        }
                        if (c < '0' || c > '9') {
                            throw new IOException("bad octet count framing");
                        }
                        length.append((char) c);
                    }
                    if (c < 0) {
                        break;
                    }
                    byte[] message = new byte[Integer.parseInt(length.toString())];
                    in.readFully(message);
                    messages.add(new String(message, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                if (tcp.isClosed()) {
                    return;
                }
                messages.add("FRAMING ERROR: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (udp != null) {
            udp.close();
        }
        if (tcp != null) {
            tcp.close();
        }
    }
}
