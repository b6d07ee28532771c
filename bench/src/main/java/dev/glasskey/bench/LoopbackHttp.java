package dev.glasskey.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately small blocking HTTP/1.1 client for the load driver: one keep-alive connection,
 * always to 127.0.0.1 (the address is fixed here, not taken from any URL), Content-Length and
 * chunked bodies. It exists because the load generator shares the machine's two cores with the
 * server, and java.net.http.HttpClient costs several times more CPU per request.
 *
 * <p>Not thread-safe: one instance per driver thread.
 */
final class LoopbackHttp implements AutoCloseable {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final int port;
    private final String hostHeader;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    long connects;

    LoopbackHttp(int port, String hostHeader) {
        if (!LOOPBACK.getHostAddress().equals("127.0.0.1")) {
            throw new IllegalStateException("loopback address is " + LOOPBACK + ", expected 127.0.0.1");
        }
        this.port = port;
        this.hostHeader = hostHeader;
    }

    record Response(int status, Map<String, List<String>> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        List<String> header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        @Override
        public String toString() {
            String t = text();
            return status + " " + (t.length() > 300 ? t.substring(0, 300) + "..." : t);
        }
    }

    /** A cookie jar: one per emulated browser. */
    static final class Cookies {
        final Map<String, String> values = new LinkedHashMap<>();

        String header() {
            if (values.isEmpty()) {
                return null;
            }
            StringBuilder b = new StringBuilder();
            for (Map.Entry<String, String> e : values.entrySet()) {
                if (b.length() > 0) b.append("; ");
                b.append(e.getKey()).append('=').append(e.getValue());
            }
            return b.toString();
        }

        /** Applies Set-Cookie headers; returns true if {@code watch} was (re)set to a non-empty value. */
        boolean update(Response r, String watch) {
            boolean set = false;
            for (String line : r.header("set-cookie")) {
                String first = line.split(";", 2)[0];
                int eq = first.indexOf('=');
                if (eq <= 0) continue;
                String name = first.substring(0, eq).trim();
                String value = first.substring(eq + 1).trim();
                String lower = line.toLowerCase(Locale.ROOT);
                if (value.isEmpty() || lower.contains("max-age=0")) {
                    values.remove(name);
                } else {
                    values.put(name, value);
                    if (name.equals(watch)) set = true;
                }
            }
            return set;
        }

        String get(String name) {
            return values.get(name);
        }
    }

    Response get(String path, Cookies cookies) throws IOException {
        return exchange("GET", path, cookies, null, null);
    }

    /** A page request as a browser makes it ({@code Accept: text/html}): redirects are answered, not followed. */
    Response getHtml(String path, Cookies cookies) throws IOException {
        return exchange("GET", path, cookies, null, null, null, null, "text/html");
    }

    Response postJson(String path, Cookies cookies, String json, String csrf) throws IOException {
        return exchange("POST", path, cookies, json == null ? "" : json, csrf);
    }

    /** A form POST with an Authorization header (the token endpoint). */
    Response postForm(String path, String authorization, String form) throws IOException {
        return exchange("POST", path, null, form, null, authorization == null ? null : "Authorization: " + authorization + "\r\n",
                "application/x-www-form-urlencoded", "application/json");
    }

    Response exchange(String method, String path, Cookies cookies, String body, String csrf) throws IOException {
        return exchange(method, path, cookies, body, csrf, null, "application/json", "application/json");
    }

    private Response exchange(String method, String path, Cookies cookies, String body, String csrf, String extraHeaders,
                              String contentType, String accept) throws IOException {
        if (socket == null) {
            connect();
        }
        byte[] payload = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(256)
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader).append("\r\n")
                .append("Accept: ").append(accept).append("\r\n");
        String cookie = cookies == null ? null : cookies.header();
        if (cookie != null) head.append("Cookie: ").append(cookie).append("\r\n");
        if (csrf != null) head.append("X-XSRF-TOKEN: ").append(csrf).append("\r\n");
        if (extraHeaders != null) head.append(extraHeaders);
        if (payload != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n").append("Content-Length: ").append(payload.length).append("\r\n");
        }
        head.append("\r\n");
        try {
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (payload != null) out.write(payload);
            out.flush();
            Response response = read();
            if (cookies != null) cookies.update(response, null);
            if (response.header("connection").stream().anyMatch(v -> v.equalsIgnoreCase("close"))) {
                close();
            }
            return response;
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(30_000);
        s.connect(new InetSocketAddress(LOOPBACK, port), 5_000);
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
        out = s.getOutputStream();
        connects++;
    }

    private Response read() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.")) {
            throw new IOException("bad status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>(2))
                        .add(h.substring(colon + 1).trim());
            }
        }
        byte[] body;
        List<String> te = headers.getOrDefault("transfer-encoding", List.of());
        List<String> cl = headers.getOrDefault("content-length", List.of());
        if (te.stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            while (true) {
                String size = line();
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
                if (n == 0) {
                    while (!line().isEmpty()) { } // trailers
                    break;
                }
                buf.write(exactly(n));
                line();
            }
            body = buf.toByteArray();
        } else if (!cl.isEmpty()) {
            body = exactly(Integer.parseInt(cl.get(0)));
        } else if (code == 204 || code == 304 || code / 100 == 1) {
            body = new byte[0];
        } else {
            body = in.readAllBytes(); // close-delimited
            close();
        }
        return new Response(code, headers, body);
    }

    private byte[] exactly(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) throw new EOFException("body truncated");
        return b;
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) throw new EOFException("connection closed");
            if (c == '\n') break;
            if (c != '\r') b.append((char) c);
        }
        return b.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        socket = null;
        in = null;
        out = null;
    }
}
