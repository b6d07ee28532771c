package dev.glasskey.web;

import java.security.cert.X509Certificate;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

import dev.glasskey.system.IpRange;

/**
 * The client's real address and scheme behind a TLS-terminating reverse proxy, believed only
 * from the proxies named in {@code glasskey.trusted-proxies}: from any other peer the forwarded
 * headers are ignored and the request is what the socket says (a client claiming to be someone
 * else is recorded as itself). Everything downstream — the audit log's client address, rate
 * limits, {@code isSecure()} for HSTS and cookies — reads the wrapped request.
 *
 * <p>The address is the last entry of {@code X-Forwarded-For} (or the {@code for=} of RFC 7239
 * {@code Forwarded}) that is not itself a trusted proxy, walking from the right: each proxy
 * appends the address it received the request from, so entries left of the first untrusted one
 * were written by the client and prove nothing.
 */
final class ForwardedHeaders extends OncePerRequestFilter {
    /** Each matches addresses of its own family only ({@link IpRange}). */
    private final List<IpRange> trusted;
    /** The header a trusted proxy forwards the client's certificate in (issue 17, compliant device); empty: none. */
    private final String certificateHeader;

    /** The servlet attribute holding the client's certificate chain, as a container sets it on direct TLS. */
    static final String CLIENT_CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    ForwardedHeaders(List<String> trustedProxies) {
        this(trustedProxies, "");
    }

    ForwardedHeaders(List<String> trustedProxies, String certificateHeader) {
        this.certificateHeader = certificateHeader == null ? "" : certificateHeader;
        List<IpRange> ranges = new ArrayList<>();
        for (String cidr : trustedProxies) {
            if (!cidr.isBlank()) {
                ranges.add(IpRange.parse(cidr.strip()));
            }
        }
        this.trusted = List.copyOf(ranges);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (trusted.isEmpty() || !isTrusted(request.getRemoteAddr())) {
            chain.doFilter(request, response);
            return;
        }
        String client = clientAddress(request.getRemoteAddr(), forwardedFor(request));
        String proto = forwardedProto(request);
        // Behind the proxy, the client's certificate is the one it forwards (never the proxy's own, from its TLS to us).
        X509Certificate[] certificates = certificateHeader.isEmpty() ? null : forwardedCertificate(request.getHeader(certificateHeader));
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public Object getAttribute(String name) {
                if (!certificateHeader.isEmpty() && CLIENT_CERTIFICATES.equals(name)) {
                    return certificates == null ? null : certificates.clone();
                }
                return super.getAttribute(name);
            }

            @Override
            public String getRemoteAddr() {
                return client;
            }

            @Override
            public String getRemoteHost() {
                return client;
            }

            @Override
            public String getScheme() {
                return proto != null ? proto : super.getScheme();
            }

            @Override
            public boolean isSecure() {
                return proto != null ? proto.equals("https") : super.isSecure();
            }
        }, response);
    }

    boolean isTrusted(String address) {
        java.util.Optional<java.net.InetAddress> parsed = IpRange.address(address);
        return parsed.isPresent() && trusted.stream().anyMatch(range -> range.matches(parsed.get()));
    }

    /**
     * The rightmost forwarded address that is not a trusted proxy; when every entry is one of ours,
     * the leftmost (a client inside our own network); the peer itself when the chain is empty or
     * an entry on our side of it is not an IP address.
     */
    String clientAddress(String peer, List<String> chainOfAddresses) {
        for (int i = chainOfAddresses.size() - 1; i >= 0; i--) {
            String address = chainOfAddresses.get(i);
            if (!ipLiteral(address)) {
                // A malformed entry from the trusted proxy's side of the chain: believe no further.
                return peer;
            }
            if (!isTrusted(address)) {
                return address;
            }
        }
        return chainOfAddresses.isEmpty() ? peer : chainOfAddresses.get(0);
    }

    /** X-Forwarded-For entries (all headers, in order), else RFC 7239 Forwarded {@code for=} values. */
    static List<String> forwardedFor(HttpServletRequest request) {
        List<String> out = new ArrayList<>();
        for (String header : java.util.Collections.list(request.getHeaders("X-Forwarded-For"))) {
            for (String part : header.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        if (!out.isEmpty()) {
            return out;
        }
        for (String header : java.util.Collections.list(request.getHeaders("Forwarded"))) {
            for (String element : header.split(",")) {
                for (String pair : element.split(";")) {
                    String p = pair.strip();
                    if (p.regionMatches(true, 0, "for=", 0, 4)) {
                        out.add(forValue(p.substring(4)));
                    }
                }
            }
        }
        return out;
    }

    /** RFC 7239 §6: {@code for="[2001:db8::1]:4711"}, {@code for=192.0.2.43:47011}, {@code for=192.0.2.43}. */
    private static String forValue(String raw) {
        String v = raw.strip();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1);
        }
        if (v.startsWith("[")) {
            int end = v.indexOf(']');
            return end > 0 ? v.substring(1, end) : v;
        }
        int colon = v.indexOf(':');
        return colon > 0 && v.indexOf(':', colon + 1) < 0 ? v.substring(0, colon) : v;
    }

    private static String forwardedProto(HttpServletRequest request) {
        String proto = request.getHeader("X-Forwarded-Proto");
        if (proto == null) {
            String forwarded = request.getHeader("Forwarded");
            if (forwarded != null) {
                for (String pair : forwarded.split("[;,]")) {
                    String p = pair.strip();
                    if (p.regionMatches(true, 0, "proto=", 0, 6)) {
                        proto = p.substring(6).replace("\"", "");
                    }
                }
            }
        }
        if (proto == null) {
            return null;
        }
        String p = proto.split(",")[0].strip().toLowerCase(Locale.ROOT);
        return p.equals("https") || p.equals("http") ? p : null;
    }

    /**
     * The certificate a trusted proxy forwards: RFC 9440 §2.2 {@code Client-Cert} (a structured-field
     * byte sequence, {@code :base64 DER:}) or a URL-encoded PEM (nginx {@code $ssl_client_escaped_cert}).
     * Parsed by the JDK's X.509 factory; anything else is no certificate.
     */
    static X509Certificate[] forwardedCertificate(String header) {
        if (header == null || header.isBlank() || header.length() > 16_384) {
            return null;
        }
        try {
            String value = header.strip();
            byte[] der;
            if (value.length() > 2 && value.startsWith(":") && value.endsWith(":")) {
                der = java.util.Base64.getDecoder().decode(value.substring(1, value.length() - 1));
            } else {
                der = java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.US_ASCII).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            }
            java.security.cert.Certificate parsed = java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(der));
            return parsed instanceof X509Certificate x ? new X509Certificate[] {x} : null;
        } catch (java.security.cert.CertificateException | RuntimeException unreadable) {
            return null;
        }
    }

    /** An IPv4 or IPv6 literal: no names, no ports, no brackets. */
    static boolean ipLiteral(String address) {
        return IpRange.address(address).isPresent();
    }
}
