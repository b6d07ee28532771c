package dev.glasskey.web;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which address a forwarded chain yields, for the trusted proxies configured. */
class ForwardedHeadersTest {
    private final ForwardedHeaders filter = new ForwardedHeaders(List.of("127.0.0.1/32", "10.0.0.0/8", "fd00::/8"));

    @Test
    void theRightmostAddressThatIsNotOneOfOurProxiesIsTheClient() {
        assertThat(filter.clientAddress("127.0.0.1", List.of("203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(filter.clientAddress("127.0.0.1", List.of("203.0.113.7", "10.9.9.9"))).isEqualTo("203.0.113.7");
        assertThat(filter.clientAddress("127.0.0.1", List.of("1.1.1.1", "203.0.113.7", "fd00::5"))).isEqualTo("203.0.113.7");
        assertThat(filter.clientAddress("127.0.0.1", List.of("2001:db8::1"))).isEqualTo("2001:db8::1");
        // Only our proxies in the chain: the client is the leftmost (a client inside our own network).
        assertThat(filter.clientAddress("127.0.0.1", List.of("10.0.0.4", "10.0.0.5"))).isEqualTo("10.0.0.4");
    }

    @Test
    void nothingUsableIsThePeerItself() {
        assertThat(filter.clientAddress("127.0.0.1", List.of())).isEqualTo("127.0.0.1");
        for (String junk : List.of("unknown", "evil.example", "203.0.113.7:443", "<script>", "1.2.3.4;drop", "x".repeat(100), "",
                "256.1.1.1", "1.2.3", "01.2.3.4", "[2001:db8::1]", "2001:db8:::1", "::ffff:999.1.1.1", "0x7f.0.0.1")) {
            assertThat(filter.clientAddress("127.0.0.1", List.of(junk))).as(junk).isEqualTo("127.0.0.1");
        }
        // A malformed entry on our side of the chain ends the walk there.
        assertThat(filter.clientAddress("127.0.0.1", List.of("203.0.113.7", "garbage", "10.0.0.1"))).isEqualTo("127.0.0.1");
    }

    @Test
    void trustIsByConfiguredRangeOnly() {
        assertThat(filter.isTrusted("127.0.0.1")).isTrue();
        assertThat(filter.isTrusted("10.255.0.1")).isTrue();
        assertThat(filter.isTrusted("fd12::1")).isTrue();
        assertThat(filter.isTrusted("127.0.0.2")).isFalse();
        assertThat(filter.isTrusted("11.0.0.1")).isFalse();
        assertThat(filter.isTrusted("2001:db8::1")).isFalse();
        assertThat(filter.isTrusted(null)).isFalse();
        assertThat(new ForwardedHeaders(List.of()).isTrusted("127.0.0.1")).isFalse();
    }

    /**
     * Spring Security's IpAddressMatcher compares the leading bits whatever the families: 10.0.0.0/8
     * matches a00::1 and ::/0 matches every IPv4 address. An IPv6 client whose first bits spell a
     * trusted IPv4 range (2600::/12 spells 38.0.0.0/12) must not pass for our proxy and forge its address.
     */
    @Test
    void anAddressIsJudgedOnlyByTheRangesOfItsOwnFamily() {
        assertThat(filter.isTrusted("a00::1")).isFalse();
        assertThat(filter.isTrusted("a12:3456::1")).isFalse();
        assertThat(filter.isTrusted("7f00:1::")).isFalse();
        assertThat(filter.isTrusted("253.0.0.1")).isFalse();
        assertThat(filter.clientAddress("127.0.0.1", List.of("203.0.113.7", "a00::5"))).isEqualTo("a00::5");
        ForwardedHeaders any = new ForwardedHeaders(List.of("::/0"));
        assertThat(any.isTrusted("192.0.2.1")).isFalse();
        assertThat(any.isTrusted("2001:db8::1")).isTrue();
        ForwardedHeaders cogent = new ForwardedHeaders(List.of("38.0.0.0/8"));
        assertThat(cogent.isTrusted("2600:1f18::1")).isFalse();
        assertThat(cogent.isTrusted("38.1.2.3")).isTrue();
    }
}
