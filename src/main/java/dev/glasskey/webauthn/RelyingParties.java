package dev.glasskey.webauthn;

import java.time.Clock;
import java.util.HashSet;

import org.springframework.stereotype.Component;

import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.data.AttestationConveyancePreference;
import com.yubico.webauthn.data.RelyingPartyIdentity;

import dev.glasskey.system.GlasskeyProperties;

/** Builds Yubico {@link RelyingParty} instances from our configuration. */
@Component
class RelyingParties {
    private final GlasskeyProperties properties;
    private final YubicoCredentials credentials;
    private final Clock clock;
    private final RelyingParty forAssertion;

    RelyingParties(GlasskeyProperties properties, YubicoCredentials credentials, Clock clock) {
        this.properties = properties;
        this.credentials = credentials;
        this.clock = clock;
        this.forAssertion = base().build();
    }

    /** Sign-in: strict signature counter (the library default), no attestation involved. */
    RelyingParty forAssertion() {
        return forAssertion;
    }

    /**
     * Registration. With an enforced allow-list the library itself refuses untrusted
     * attestation (WebAuthn L3 §7.1 step 23); we also check the result explicitly.
     */
    RelyingParty forRegistration(AttestationPolicy policy, boolean enforceAllowList) {
        return base()
                .attestationTrustSource(policy)
                .allowUntrustedAttestation(!enforceAllowList)
                .build();
    }

    private RelyingParty.RelyingPartyBuilder base() {
        return RelyingParty.builder()
                .identity(RelyingPartyIdentity.builder().id(properties.rpId()).name(properties.rpName()).build())
                .credentialRepository(credentials)
                .origins(new HashSet<>(properties.origins()))
                .attestationConveyancePreference(AttestationConveyancePreference.DIRECT)
                .validateSignatureCounter(true)
                .clock(clock);
    }
}
