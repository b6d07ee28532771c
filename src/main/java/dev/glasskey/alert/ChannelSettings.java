package dev.glasskey.alert;

import java.util.List;

/**
 * A channel's settings, one flat record for all three types (unused fields null); stored as JSON.
 *
 * @param url       webhook: where to POST
 * @param host      email: SMTP server; syslog: collector
 * @param port      email: SMTP port (587 for submission with STARTTLS); syslog: 514 (UDP) / 6514 or 601 (TCP)
 * @param from      email: sender address
 * @param to        email: recipients
 * @param username  email: SMTP AUTH user, or null for no AUTH
 * @param startTls  email: require STARTTLS (RFC 3207) before anything else is sent; default true
 * @param transport syslog: {@code udp} (RFC 5426) or {@code tcp} (RFC 6587 octet counting)
 * @param facility  syslog: RFC 5424 facility 0-23; default 4 (security/authorization)
 * @param tlsCertificatePem email: trust exactly this certificate (PEM) for STARTTLS instead of the
 *                  JVM's CA store, for an internal relay with its own certificate; the host name is still checked
 */
public record ChannelSettings(String url, String host, Integer port, String from, List<String> to, String username,
                              Boolean startTls, String transport, Integer facility, String tlsCertificatePem) {
}
