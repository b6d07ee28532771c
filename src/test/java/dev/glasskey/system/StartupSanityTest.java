package dev.glasskey.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.glasskey.testing.CommandOutput;
import dev.glasskey.testing.ServerJvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 14, start-up sanity: the RP ID must be the base URL's host or a registrable domain suffix
 * of it (WebAuthn L3 §5.1.2; public suffixes from the Public Suffix List refused), and every
 * allowed origin must fit the RP ID; otherwise the server refuses to start, naming the setting,
 * with a non-zero exit code and before it touches the data directory.
 */
class StartupSanityTest {

    @Test
    void theRpIdFitsTheBaseUrlAndTheOrigins() {
        accepted("http://localhost:8080", null, List.of());
        accepted("https://glasskey.example.org", "glasskey.example.org", List.of());
        accepted("https://glasskey.example.org", "example.org", List.of());
        accepted("https://glasskey.example.org:8443/", "example.org", List.of("https://glasskey.example.org:8443", "https://other.example.org"));
        accepted("https://a.b.example.co.uk", "example.co.uk", List.of());
        accepted("https://GLASSKEY.example.org", "glasskey.example.org", List.of());
        accepted("http://127.0.0.1:8080", "127.0.0.1", List.of());
        accepted("http://[::1]:8080", null, List.of());
        accepted("https://glasskey.example.org", "example.org", List.of("https://example.org"));
        // Equal is always allowed, even for a name on the Public Suffix List (HTML: "is equal to").
        accepted("https://github.io", "github.io", List.of());

        refused("https://glasskey.example.org", "example.net", List.of(), "glasskey.rp-id", "is neither the host");
        refused("https://glasskey.example.org", "ample.org", List.of(), "glasskey.rp-id", "is neither the host");
        refused("https://glasskey.example.co.uk", "co.uk", List.of(), "glasskey.rp-id", "public suffix");
        refused("https://glasskey.example.org", "org", List.of(), "glasskey.rp-id", "public suffix");
        refused("https://someone.github.io", "github.io", List.of(), "glasskey.rp-id", "public suffix");
        refused("http://127.0.0.1:8080", "0.0.1", List.of(), "glasskey.rp-id", "is neither the host");
        refused("https://glasskey.example.org", "Example.org", List.of(), "glasskey.rp-id", "lower-case");
        refused("http://localhost:9000", "glasskey.example.org", List.of(), "glasskey.rp-id", "is neither the host");
        refused("https://glasskey.example.org", "example.org", List.of("https://evil.example"), "glasskey.origins", "'https://evil.example'");
        refused("https://glasskey.example.org", "glasskey.example.org", List.of("https://example.org"), "glasskey.origins", "does not match");
        refused("https://glasskey.example.org", "example.org", List.of("ftp://glasskey.example.org"), "glasskey.origins", "not an absolute http(s) URL");
        refused("https://glasskey.example.org", "example.org", List.of("glasskey.example.org"), "glasskey.origins", "not an absolute http(s) URL");
        refused("not a url", "example.org", List.of(), "glasskey.base-url", "is not a URL");
        refused("mailto:admin@example.org", "example.org", List.of(), "glasskey.base-url", "not an absolute http(s) URL");
    }

    @Test
    void aMismatchRefusesToStartNamingTheSettingAndTouchesNothing(@TempDir Path dataDir) {
        refusedAtStart(dataDir.resolve("a"), List.of("--glasskey.base-url=https://glasskey.example.org", "--glasskey.rp-id=example.net"),
                "glasskey.rp-id 'example.net' is neither the host of glasskey.base-url (https://glasskey.example.org)",
                "Set glasskey.rp-id=glasskey.example.org");
        refusedAtStart(dataDir.resolve("b"), List.of("--glasskey.base-url=https://glasskey.example.co.uk", "--glasskey.rp-id=co.uk"),
                "it is a public suffix", "(setting: glasskey.rp-id)");
        refusedAtStart(dataDir.resolve("c"), List.of("--server.port=0", "--glasskey.origins=https://evil.example"),
                "The allowed origin 'https://evil.example' (glasskey.origins", "(setting: glasskey.origins)");
    }

    private static void refusedAtStart(Path dataDir, List<String> settings, String... expected) {
        List<String> args = new java.util.ArrayList<>(settings);
        args.add("--glasskey.data-dir=" + dataDir);
        try (ServerJvm server = ServerJvm.start(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), args,
                Path.of("target", "startup-refused-" + dataDir.getFileName() + ".log"))) {
            CommandOutput out = server.awaitExit(Duration.ofMinutes(2));
            assertThat(out.exitCode()).as(out.out()).isEqualTo(1);
            assertThat(out.out()).contains("APPLICATION FAILED TO START").contains("Glasskey refuses to start:");
            for (String text : expected) {
                assertThat(out.out()).contains(text);
            }
            assertThat(out.out()).as("no stack trace for a setting").doesNotContain("\tat dev.glasskey");
            assertThat(Files.exists(dataDir)).as("refused before the data directory is made").isFalse();
        }
    }

    private static void accepted(String baseUrl, String rpId, List<String> origins) {
        WebIdentity.check(properties(baseUrl, rpId, origins));
    }

    private static void refused(String baseUrl, String rpId, List<String> origins, String setting, String message) {
        assertThatThrownBy(() -> WebIdentity.check(properties(baseUrl, rpId, origins)))
                .as(baseUrl + " / " + rpId + " / " + origins)
                .isInstanceOfSatisfying(StartupRefusal.class, r -> {
                    assertThat(r.setting()).isEqualTo(setting);
                    assertThat(r.getMessage()).contains(message);
                    assertThat(r.action()).contains(setting.equals("glasskey.base-url") ? "Set glasskey.base-url" : setting);
                });
    }

    private static GlasskeyProperties properties(String baseUrl, String rpId, List<String> origins) {
        return new GlasskeyProperties(null, baseUrl, rpId, null, origins, null, null, 0, 0, null);
    }
}
