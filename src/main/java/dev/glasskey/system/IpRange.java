package dev.glasskey.system;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One IP range — an IPv4 or IPv6 address literal with an optional {@code /prefix} — and the one
 * rule for matching an address against it: <em>a range matches only addresses of its own
 * family</em>. Used for the trusted proxies ({@code web.ForwardedHeaders}) and Conditional Access
 * named locations ({@code access.PolicySet}), so the two can never disagree.
 *
 * <p>Why not Spring Security's {@code IpAddressMatcher}: it compares leading bits whatever the
 * families (checked with 7.1.2: 10.0.0.0/8 matches {@code a00::1}, {@code ::/0} matches every IPv4
 * address), so an IPv6 client whose first bits spell a trusted IPv4 range could pass for a proxy
 * or a trusted location. And it hands its text to {@code InetAddress.getByName}, which resolves a
 * host name through DNS; here only literals are ever parsed, so nothing is looked up.
 *
 * <p>An IPv4-mapped IPv6 literal ({@code ::ffff:192.0.2.1}, RFC 4291 §2.5.5.2) is the IPv4 address,
 * as Java parses it and as the socket reports a dual-stack peer; as a range, its prefix counts the
 * 96 mapping bits ({@code ::ffff:10.0.0.0/104} is 10.0.0.0/8).
 *
 * @param network the range's address as written (host bits need not be zero; they are ignored)
 * @param prefix  the number of leading bits that must match, 0–32 (IPv4) or 0–128 (IPv6)
 */
public record IpRange(InetAddress network, int prefix) {
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    /** The characters of an IPv6 literal (embedded IPv4 included); no zone id, no brackets. */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern PREFIX = Pattern.compile("0|[1-9][0-9]{0,2}");

    public IpRange {
        if (network == null || prefix < 0 || prefix > network.getAddress().length * 8) {
            throw new IllegalArgumentException("a range needs an address and a prefix within its family");
        }
    }

    /**
     * Parses {@code 198.51.100.0/24}, {@code 2001:db8::/32} or a single address ({@code /32} or
     * {@code /128}). Refuses anything else — host names, zone ids, brackets, leading zeros
     * (ambiguous: octal to some parsers), surrounding spaces, a prefix beyond the family — with an
     * {@link IllegalArgumentException} whose message says what a range is. Never looks anything up.
     */
    public static IpRange parse(String text) {
        if (text != null && text.length() <= 50) {
            int slash = text.indexOf('/');
            String address = slash < 0 ? text : text.substring(0, slash);
            String prefix = slash < 0 ? null : text.substring(slash + 1);
            Optional<InetAddress> parsed = address(address);
            if (parsed.isPresent() && (prefix == null || PREFIX.matcher(prefix).matches())) {
                InetAddress network = parsed.get();
                int bits = prefix == null ? network.getAddress().length * 8 : Integer.parseInt(prefix);
                if (network instanceof Inet4Address && address.indexOf(':') >= 0 && prefix != null) {
                    bits -= 96; // an IPv4-mapped IPv6 range: its prefix counts the mapping bits
                }
                if (bits >= 0 && bits <= network.getAddress().length * 8) {
                    return new IpRange(network, bits);
                }
            }
        }
        throw new IllegalArgumentException("'" + Untrusted.shown(text) + "' is not an IP range: an IPv4 or IPv6 address, "
                + "optionally with /prefix (0-32 or 0-128); host names are not accepted.");
    }

    /**
     * An IPv4 dotted quad or an IPv6 literal, parsed without any look-up; empty for anything else
     * (a host name, a port, brackets, a zone id, {@code 0x7f.0.0.1}, {@code 01.2.3.4}).
     */
    public static Optional<InetAddress> address(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return Optional.empty();
        }
        boolean v4 = IPV4.matcher(text).matches();
        // The JDK parses text starting with a hex digit or ':' and holding a ':' as an IPv6 literal;
        // anything else (".:", say) it would look up as a host name.
        if (!v4 && (text.indexOf(':') < 0 || !IPV6.matcher(text).matches() || text.charAt(0) == '.')) {
            return Optional.empty();
        }
        try {
            // A dotted quad the pattern admitted, or text with a ':' (which the JDK parses as an
            // IPv6 literal and never looks up as a name).
            return Optional.of(InetAddress.getByName(text));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** 4 or 6. */
    public int family() {
        return network instanceof Inet4Address ? 4 : 6;
    }

    /** Whether the address is in this range; an address of the other family never is. */
    public boolean matches(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] candidate = address.getAddress();
        byte[] range = network.getAddress();
        if (candidate.length != range.length) {
            return false;
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (candidate[i] != range[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff00 >> rest) & 0xff;
        return (candidate[whole] & mask) == (range[whole] & mask);
    }

    /** Whether the address literal is in this range; anything that is not a literal is not. */
    public boolean matches(String address) {
        return address(address).map(this::matches).orElse(false);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefix;
    }
}
