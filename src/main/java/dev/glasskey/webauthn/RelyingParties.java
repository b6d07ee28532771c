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

    /**
     * For re-verifying a stored registration against newly pinned roots: the credential is of
     * course registered already, so this one sees an empty repository (the registration-time
     * "credential ID not yet registered" check, WebAuthn L3 §7.1 step 26, was done at enrolment).
     */
    RelyingParty forReverification(AttestationPolicy policy) {
        return base(NOTHING_REGISTERED)
                .attestationTrustSource(policy)
                .allowUntrustedAttestation(true)
                .build();
    }

    private static final com.yubico.webauthn.CredentialRepository NOTHING_REGISTERED = new com.yubico.webauthn.CredentialRepository() {
        @Override
        public java.util.Set<com.yubico.webauthn.data.PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String username) {
            return java.util.Set.of();
        }

        @Override
        public java.util.Optional<com.yubico.webauthn.data.ByteArray> getUserHandleForUsername(String username) {
            return java.util.Optional.empty();
        }

        @Override
        public java.util.Optional<String> getUsernameForUserHandle(com.yubico.webauthn.data.ByteArray userHandle) {
            return java.util.Optional.empty();
        }

        @Override
        public java.util.Optional<com.yubico.webauthn.RegisteredCredential> lookup(com.yubico.webauthn.data.ByteArray credentialId,
                                                                                   com.yubico.webauthn.data.ByteArray userHandle) {
            return java.util.Optional.empty();
        }

        @Override
        public java.util.Set<com.yubico.webauthn.RegisteredCredential> lookupAll(com.yubico.webauthn.data.ByteArray credentialId) {
            return java.util.Set.of();
        }
    };

    private RelyingParty.RelyingPartyBuilder base() {
        return base(credentials);
    }

    private RelyingParty.RelyingPartyBuilder base(com.yubico.webauthn.CredentialRepository repository) {
        return RelyingParty.builder()
                .identity(RelyingPartyIdentity.builder().id(properties.rpId()).name(properties.rpName()).build())
                .credentialRepository(repository)
                .origins(new HashSet<>(properties.origins()))
                .attestationConveyancePreference(AttestationConveyancePreference.DIRECT)
                .validateSignatureCounter(true)
                .clock(clock);
    }
}
