package dev.glasskey.access;

import java.util.List;

/**
 * Issue 17 §1, a named location: a list of CIDR ranges (IPv4 and IPv6), marked trusted or not. It
 * is matched against the real client address (behind a trusted proxy, the forwarded one) with
 * {@link dev.glasskey.system.IpRange} (a range matches addresses of its own family only); never by host name, which an attacker who controls
 * reverse DNS could choose. Validated and compiled by {@link PolicySet#of}.
 */
public record NamedLocation(String id, String name, List<String> cidrs, boolean trusted) {
    public NamedLocation {
        cidrs = List.copyOf(cidrs);
    }
}
