package dev.glasskey.system;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one IP range: literals only, and a range matches addresses of its own family only. */
class IpRangeTest {

    static InetAddress ip(String literal) {
        return IpRange.address(literal).orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "localhost", "example.com", "cafe", "face.b00c", "10.0.0.0/33", "10.0.0.256/8", "300.1.1.1",
            "10.0.0/8", "10.0.0.0/", "/8", "10.0.0.0/-1", "10.0.0.0/08", "10.0.0.0/8/8", "2001:db8::/129", "2001:db8:::/48",
            "2001:db8::1%eth0", "fe80::1%1", "::ffff:10.0.0.1/200", "::ffff:10.0.0.0/95", " 10.0.0.0/8", "10.0.0.0/8 ", "1.2.3.4\n",
            "10.0.0.1/a", "10.0.0.1/+8", "2001:db8::g/32", "01.2.3.4", "1.2.3.04", "1.2.3.4.5", "::/1000", "[2001:db8::1]",
            "[::1]/128", "0x7f.0.0.1", "0177.0.0.1", "127.1", "2130706433", "1.2.3.4:80", ".:", ":", "..::", "1:2:3:4:5:6:7:8:9",
            "12345::", "::ffff:999.1.1.1", "１.２.３.４", "10.0.0.0/٨", "1.2.3.4/32\u0000", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void anythingButALiteralRangeIsRefusedWithoutAnyLookup(String text) {
        assertThatThrownBy(() -> IpRange.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not an IP range");
    }

    @Test
    void aMissingRangeIsRefused() {
        assertThatThrownBy(() -> IpRange.parse(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(IpRange.address(null)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"0.0.0.0/0,0,4", "10.0.0.1,32,4", "192.0.2.0/24,24,4", "255.255.255.255/32,32,4", "::/0,0,6",
            "2001:db8::/32,32,6", "::1,128,6", "fe80::1/64,64,6", "::ffff:192.0.2.1,32,4", "::ffff:10.0.0.0/104,8,4",
            "::ffff:0.0.0.0/96,0,4", "2001:DB8::/32,32,6", "::1.2.3.4/128,128,6"})
    void literalRangesAreAccepted(String text, int prefix, int family) {
        IpRange range = IpRange.parse(text);
        assertThat(range.prefix()).isEqualTo(prefix);
        assertThat(range.family()).isEqualTo(family);
    }

    /**
     * Spring Security's IpAddressMatcher compares leading bits whatever the families (10.0.0.0/8
     * matched a00::1, ::/0 every IPv4 address); here an address of the other family never matches.
     */
    @ParameterizedTest
    @CsvSource({"10.0.0.0/8,a00::1", "10.0.0.0/8,a12:3456::1", "127.0.0.0/8,7f00:1::", "38.0.0.0/8,2600:1f18::1",
            "0.0.0.0/0,::1", "0.0.0.0/0,2001:db8::1", "::/0,192.0.2.1", "::/0,127.0.0.1", "::/0,::ffff:192.0.2.1",
            "a00::/8,10.0.0.1", "fd00::/8,253.0.0.1", "::/96,0.0.0.1", "::a00:0/104,10.0.0.1"})
    void aRangeNeverMatchesTheOtherFamily(String range, String address) {
        assertThat(IpRange.parse(range).matches(ip(address))).isFalse();
        assertThat(IpRange.parse(range).matches(address)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.0/8,10.255.255.255,true", "10.0.0.0/8,11.0.0.0,false", "10.0.0.0/8,9.255.255.255,false",
            "192.0.2.128/25,192.0.2.128,true", "192.0.2.128/25,192.0.2.127,false", "192.0.2.1,192.0.2.1,true",
            "192.0.2.1,192.0.2.2,false", "10.1.2.3/8,10.9.9.9,true", "0.0.0.0/0,203.0.113.9,true",
            "2001:db8::/32,2001:db8:ffff::1,true", "2001:db8::/32,2001:db9::1,false", "2001:db8::/33,2001:db8:8000::,false",
            "2001:db8::/33,2001:db8:7fff::,true", "::/0,2001:db8::1,true", "::1,::1,true", "::1,::2,false",
            "fe80::/10,febf::1,true", "fe80::/10,fec0::1,false"})
    void anAddressOfTheSameFamilyMatchesByItsLeadingBits(String range, String address, boolean matches) {
        assertThat(IpRange.parse(range).matches(ip(address))).isEqualTo(matches);
    }

    /** A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d; Java parses it as IPv4, and so it is judged. */
    @Test
    void mappedAddressesAreTheirIPv4Address() {
        assertThat(IpRange.parse("192.0.2.0/24").matches(ip("::ffff:192.0.2.7"))).isTrue();
        assertThat(IpRange.parse("::ffff:192.0.2.0/120").matches(ip("192.0.2.7"))).isTrue();
        assertThat(IpRange.parse("::ffff:192.0.2.0/120").matches(ip("192.0.3.7"))).isFalse();
        assertThat(IpRange.parse("::ffff:192.0.2.1").matches("192.0.2.1")).isTrue();
        // IPv4-compatible (deprecated, RFC 4291 §2.5.5.1) is IPv6: not the IPv4 address
        assertThat(IpRange.parse("192.0.2.0/24").matches("::192.0.2.7")).isFalse();
    }

    @Test
    void anythingButALiteralNeverMatches() {
        IpRange any = IpRange.parse("0.0.0.0/0");
        for (String junk : new String[] {null, "", "localhost", "1.2.3", "01.2.3.4", "1.2.3.4:80", "[::1]", "0x7f.0.0.1"}) {
            assertThat(any.matches(junk)).as(String.valueOf(junk)).isFalse();
        }
        assertThat(any.matches((InetAddress) null)).isFalse();
    }

    @Test
    void aRangeIsBuiltOnlyWithinItsFamily() {
        assertThatThrownBy(() -> new IpRange(ip("10.0.0.0"), 33)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IpRange(ip("::"), -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IpRange(null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(IpRange.parse("10.1.0.0/16")).isEqualTo(new IpRange(ip("10.1.0.0"), 16)).hasToString("10.1.0.0/16");
    }
}
