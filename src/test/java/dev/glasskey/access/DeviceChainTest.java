package dev.glasskey.access;

import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What makes a device compliant: a client certificate chaining to a device CA, valid at the decision's time (PKIX). */
class DeviceChainTest {
    static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");
    static final DeviceCerts.Issued MDM = DeviceCerts.ca("MDM");
    static final DeviceCerts.Issued OTHER = DeviceCerts.ca("Other");
    static final Set<TrustAnchor> ANCHORS = Set.of(new TrustAnchor(MDM.certificate(), null));

    static X509Certificate[] chain(X509Certificate... certificates) {
        return certificates;
    }

    @Test
    void aDeviceCertificateOfADeviceCaIsCompliantWithOrWithoutTheCaInTheChain() {
        X509Certificate device = DeviceCerts.device("laptop", MDM).certificate();
        assertThat(AccessEnforcement.chains(chain(device), ANCHORS, NOW)).isTrue();
        assertThat(AccessEnforcement.chains(chain(device, MDM.certificate()), ANCHORS, NOW)).isTrue();
    }

    @Test
    void anythingElseIsNot() {
        X509Certificate foreign = DeviceCerts.device("laptop", OTHER).certificate();
        assertThat(AccessEnforcement.chains(chain(foreign), ANCHORS, NOW)).as("another CA's device").isFalse();
        assertThat(AccessEnforcement.chains(chain(foreign, OTHER.certificate()), ANCHORS, NOW)).as("with its own CA").isFalse();
        assertThat(AccessEnforcement.chains(chain(MDM.certificate()), ANCHORS, NOW)).as("the CA itself").isFalse();
        assertThat(AccessEnforcement.chains(chain(OTHER.certificate()), ANCHORS, NOW)).as("a self-signed CA").isFalse();
        X509Certificate device = DeviceCerts.device("laptop", MDM).certificate();
        assertThat(AccessEnforcement.chains(chain(device), Set.of(), NOW)).as("no device CA").isFalse();
        assertThat(AccessEnforcement.chains(chain(device), ANCHORS, Instant.parse("2100-01-01T00:00:00Z"))).as("expired").isFalse();
        assertThat(AccessEnforcement.chains(chain(device), ANCHORS, Instant.parse("2019-01-01T00:00:00Z"))).as("not yet valid").isFalse();
        X509Certificate[] tooLong = new X509Certificate[11];
        java.util.Arrays.fill(tooLong, device);
        assertThat(AccessEnforcement.chains(tooLong, ANCHORS, NOW)).as("an absurd chain").isFalse();
        // An expired CA is no anchor either.
        DeviceCerts.Issued old = DeviceCerts.ca("Old MDM", Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"));
        assertThat(AccessEnforcement.chains(chain(DeviceCerts.device("laptop", old).certificate()),
                Set.of(new TrustAnchor(old.certificate(), null)), NOW)).isFalse();
    }
}
