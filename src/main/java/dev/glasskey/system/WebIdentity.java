package dev.glasskey.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import com.google.common.net.InetAddresses;
import com.google.common.net.InternetDomainName;

/**
 * The WebAuthn identity the server runs under, settled and checked before anything starts.
 *
 * <p><b>The base URL follows the port.</b> Without {@code glasskey.base-url}, it is
 * {@code http://localhost:<server.port>} ({@code https} when {@code server.ssl} is configured), so
 * a server started with only another port prints links, and accepts ceremonies from the origin,
 * of the port it really listens on. {@code server.port=0} (any free port) is settled here to a
 * free port chosen now, because the origins and the OpenID Connect issuer are fixed before the
 * web server binds: the port is taken from a socket the operating system hands out and released
 * at once, so another process could in principle grab it in between, and start-up then fails on
 * the bind.
 *
 * <p><b>Start-up sanity</b> (WebAuthn L3 §5.1.2 "Relying Party Identifier", §13.4.9; HTML's
 * "is a registrable domain suffix of or is equal to"): {@code glasskey.rp-id} must be the host of
 * {@code glasskey.base-url} or a registrable suffix of it, and every allowed origin
 * ({@code glasskey.origins}) an http(s) origin whose host is the RP ID or under it. A suffix that
 * is a public suffix ({@code co.uk}, {@code github.io}) is refused, judged by the Public Suffix
 * List that Guava's {@link InternetDomainName} carries; an IP address is only ever equal to itself.
 * A refusal stops start-up with the setting to fix ({@link StartupRefusal}).
 */
public class WebIdentity implements EnvironmentPostProcessor, Ordered {
    static final String BASE_URL = "glasskey.base-url";
    static final String RP_ID = "glasskey.rp-id";
    static final String ORIGINS = "glasskey.origins";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String configured = environment.getProperty(BASE_URL);
        if (configured == null || configured.isBlank()) {
            String baseUrl = baseUrlFollowingThePort(environment, application.getWebApplicationType() != WebApplicationType.NONE);
            if (baseUrl != null) {
                // Last: it stands in for a default, anything configured (even later) wins.
                environment.getPropertySources().addLast(new MapPropertySource("glasskeyBaseUrlFromPort", Map.of(BASE_URL, baseUrl)));
            }
        }
        GlasskeyProperties properties = Binder.get(environment).bind("glasskey", GlasskeyProperties.class)
                .orElseGet(() -> new GlasskeyProperties(null, null, null, null, null, null, null, 0, 0, null));
        check(properties);
    }

    /** {@code http(s)://localhost:<port>}, settling {@code server.port=0} to a free port on a server; null when the port is not a number. */
    private static String baseUrlFollowingThePort(ConfigurableEnvironment environment, boolean server) {
        int port;
        try {
            port = Integer.parseInt(environment.getProperty("server.port", "8080").strip());
        } catch (NumberFormatException e) {
            return null; // Boot refuses it itself, with its own message
        }
        if (port == 0) {
            if (!server) {
                return null;
            }
            port = freePort();
            environment.getPropertySources().addFirst(new MapPropertySource("glasskeyChosenPort", Map.of("server.port", port)));
        }
        boolean ssl = environment.getProperty("server.ssl.enabled", Boolean.class, true)
                && (environment.containsProperty("server.ssl.key-store") || environment.containsProperty("server.ssl.bundle")
                    || environment.containsProperty("server.ssl.certificate"));
        return (ssl ? "https" : "http") + "://localhost:" + port;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port for server.port=0", e);
        }
    }

    /** Refuses an RP ID that does not fit the base URL, or an origin that does not fit the RP ID. */
    static void check(GlasskeyProperties p) {
        String host = host(p.baseUrl(), BASE_URL, "an absolute http(s) URL such as https://glasskey.example.org");
        String rpId = p.rpId().strip().toLowerCase(Locale.ROOT);
        if (!p.rpId().equals(rpId)) {
            throw new StartupRefusal(RP_ID, RP_ID + " '" + p.rpId() + "' is not a lower-case domain name.",
                    "Set " + RP_ID + "=" + rpId + ".");
        }
        if (!fits(host, rpId)) {
            throw new StartupRefusal(RP_ID, RP_ID + " '" + rpId + "' is neither the host of " + BASE_URL + " (" + p.baseUrl()
                    + ") nor a registrable domain suffix of it (WebAuthn L3 §5.1.2)" + (isPublicSuffix(rpId) ? ": it is a public suffix" : "") + ".",
                    "Set " + RP_ID + "=" + host + " (or a parent domain of it that is not a public suffix), or set " + BASE_URL
                            + " to the URL people open (its host must be " + rpId + " or end in ." + rpId + ").");
        }
        List<String> origins = p.origins();
        for (String origin : origins) {
            String originHost = host(origin, ORIGINS, "an origin such as https://glasskey.example.org");
            if (!fits(originHost, rpId)) {
                throw new StartupRefusal(ORIGINS, "The allowed origin '" + origin + "' (" + ORIGINS + ", by default " + BASE_URL
                        + ") does not match " + RP_ID + " '" + rpId + "': its host must be " + rpId + " or end in ." + rpId
                        + " (WebAuthn L3 §5.1.2, §13.4.9).",
                        "Fix " + ORIGINS + " (or " + BASE_URL + " when " + ORIGINS + " is not set) or " + RP_ID + ".");
            }
        }
    }

    /** The RP ID is the host, or a registrable domain suffix of it: a parent domain, not an IP address, not a public suffix. */
    static boolean fits(String host, String rpId) {
        if (host.equals(rpId)) {
            return true;
        }
        return host.endsWith("." + rpId) && !InetAddresses.isInetAddress(host) && !isPublicSuffix(rpId);
    }

    private static boolean isPublicSuffix(String domain) {
        if (!InternetDomainName.isValid(domain)) {
            return false;
        }
        InternetDomainName name = InternetDomainName.from(domain);
        return name.isPublicSuffix();
    }

    private static String host(String url, String setting, String example) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new StartupRefusal(setting, setting + " '" + url + "' is not a URL.", "Set " + setting + " to " + example + ".");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
            throw new StartupRefusal(setting, setting + " '" + url + "' is not an absolute http(s) URL with a host.",
                    "Set " + setting + " to " + example + ".");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    @Override
    public int getOrder() {
        // After DataDirectory and every configuration source.
        return Ordered.LOWEST_PRECEDENCE;
    }
}
