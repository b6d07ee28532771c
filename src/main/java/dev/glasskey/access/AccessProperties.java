package dev.glasskey.access;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Conditional Access settings ({@code glasskey.access.*}).
 *
 * @param deviceCertificateHeader the request header in which a trusted reverse proxy
 *        ({@code glasskey.trusted-proxies}) forwards the client certificate it verified the TLS
 *        handshake with: RFC 9440 {@code Client-Cert} ({@code :base64 DER:}) or a URL-encoded PEM (nginx
 *        {@code $ssl_client_escaped_cert}). Empty (the default): no header is believed. Believed only
 *        from a trusted proxy, which must overwrite any such header a client sends.
 */
@ConfigurationProperties("glasskey.access")
public record AccessProperties(String deviceCertificateHeader) {
    public AccessProperties {
        deviceCertificateHeader = deviceCertificateHeader == null ? "" : deviceCertificateHeader.strip();
    }
}
