package dev.glasskey.mds;

import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.glasskey.system.StartupRefusal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shipped FIDO MDS roots are the two GlobalSign roots the BLOB's chain leads to (by their
 * published SHA-256 fingerprints), and settings that would weaken the checks silently are refused.
 */
class MdsSettingsTest {

    private static MdsProperties properties(String trustRoots, Set<String> deny) {
        return new MdsProperties(trustRoots, null, deny, null, 0, null, null, null, null);
    }

    @Test
    void theShippedRootsAreGlobalSignRootR46AndRootCaR3() throws Exception {
        MdsVerifier verifier = new MdsVerifier(properties(null, null), Clock.systemUTC());
        List<String> fingerprints = verifier.roots().stream().map(c -> {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(fingerprints).containsExactly(
                "4fa3126d8d3a11d1c4855a4f807cbad6cf919d3a5a88b03bea2c6372d93c40c9", // GlobalSign Root R46
                "cbb522d7b7f127ad6a0113865bdf1cd4102e7d0759af635a7cf4720dc963c53b"); // GlobalSign Root CA - R3
        assertThat(verifier.roots().get(0).getSubjectX500Principal().getName()).contains("CN=GlobalSign Root R46");
    }

    @Test
    void unreadableRootsStopTheServerNamingTheSetting() {
        assertThatThrownBy(() -> new MdsVerifier(properties("/nonexistent/roots.pem", null), Clock.systemUTC()))
                .isInstanceOf(StartupRefusal.class)
                .satisfies(e -> assertThat(((StartupRefusal) e).setting()).isEqualTo("glasskey.mds.trust-roots"));
        assertThatThrownBy(() -> new MdsVerifier(properties("classpath:application.properties", null), Clock.systemUTC()))
                .isInstanceOf(StartupRefusal.class);
    }

    @Test
    void theDenySetTakesOnlyMds3StatusesAndDefaultsToTheCompromisingOnes() {
        assertThat(properties(null, null).denyStatuses()).containsExactlyInAnyOrder("REVOKED", "USER_VERIFICATION_BYPASS",
                "ATTESTATION_KEY_COMPROMISE", "USER_KEY_REMOTE_COMPROMISE", "USER_KEY_PHYSICAL_COMPROMISE");
        assertThat(properties(null, Set.of("revoked", " FIDO_CERTIFIED_L1PLUS ")).denyStatuses())
                .containsExactlyInAnyOrder("REVOKED", "FIDO_CERTIFIED_L1plus");
        assertThatThrownBy(() -> properties(null, Set.of("REVOKED", "COMPROMISED"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'COMPROMISED' is not an MDS3 authenticator status");
    }
}
