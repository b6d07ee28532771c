package dev.glasskey.system;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Every {@code glasskey.*} setting, with its default. The README's configuration reference
 * documents each one; keep the two in step.
 *
 * @param dataDir        directory holding the embedded database (created on first start)
 * @param baseUrl        external URL of this server, used in enrolment links; defaults to {@code http://localhost:<server.port>}
 *                       ({@link WebIdentity})
 * @param rpId           WebAuthn relying party ID (a registrable domain; WebAuthn L3 §5.1.2); defaults to the base URL's host
 * @param rpName         name shown by the authenticator
 * @param origins        origins allowed in client data (WebAuthn L3 §7.1 step 9); defaults to baseUrl
 * @param challengeTtl   how long a WebAuthn challenge may be answered
 * @param enrolmentTtl   how long an enrolment link stays valid
 * @param maxBodyBytes   largest accepted request body
 * @param defaultKeyCapacity discoverable-credential capacity assumed for a new inventory key
 * @param trustedProxies addresses (CIDR, IPv4 or IPv6) of the reverse proxies whose forwarded
 *                       headers are believed; from any other peer they are ignored
 */
@ConfigurationProperties(prefix = "glasskey")
public record GlasskeyProperties(
        String dataDir,
        String baseUrl,
        String rpId,
        String rpName,
        List<String> origins,
        Duration challengeTtl,
        Duration enrolmentTtl,
        long maxBodyBytes,
        int defaultKeyCapacity,
        List<String> trustedProxies) {

    public GlasskeyProperties {
        if (dataDir == null || dataDir.isBlank()) dataDir = "./data";
        if (baseUrl == null || baseUrl.isBlank()) baseUrl = "http://localhost:8080";
        baseUrl = baseUrl.replaceAll("/+$", "");
        if (rpId == null || rpId.isBlank()) rpId = defaultRpId(baseUrl);
        if (rpName == null || rpName.isBlank()) rpName = "Glasskey";
        if (origins == null || origins.isEmpty()) origins = List.of(baseUrl);
        if (challengeTtl == null) challengeTtl = Duration.ofMinutes(2);
        if (enrolmentTtl == null) enrolmentTtl = Duration.ofMinutes(15);
        if (maxBodyBytes <= 0) maxBodyBytes = 64 * 1024;
        if (defaultKeyCapacity <= 0) defaultKeyCapacity = 128;
        origins = List.copyOf(origins);
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    }

    /** The base URL's host, the only RP ID that fits every base URL (WebAuthn L3 §5.1.2); "localhost" if it has none. */
    private static String defaultRpId(String baseUrl) {
        try {
            String host = java.net.URI.create(baseUrl).getHost();
            return host == null ? "localhost" : host.toLowerCase(java.util.Locale.ROOT).replaceAll("^\\[(.*)]$", "$1");
        } catch (IllegalArgumentException e) {
            return "localhost"; // WebIdentity refuses the base URL itself, naming it
        }
    }

    /** The base URL is https: cookies are {@code Secure} and HSTS is sent. */
    public boolean https() {
        return baseUrl.startsWith("https:");
    }
}
