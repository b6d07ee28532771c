package dev.glasskey.webauthn;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.yubico.webauthn.attestation.AttestationTrustSource;
import com.yubico.webauthn.data.ByteArray;

import dev.glasskey.mds.MdsSnapshot;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;

/**
 * The AAGUID allow-list as Yubico's {@link AttestationTrustSource}: the pinned vendor roots of
 * a model are offered <em>only</em> for an AAGUID on the list, so an attestation from any
 * other model, or self / {@code none} attestation, can never be trusted (WebAuthn L3 §7.1
 * steps 21–23). The JVM trust store is never consulted (cf. Keycloak CVE-2026-6856).
 *
 * <p>A model's roots are those pinned by hand, or — for a model allowed from the FIDO metadata —
 * the attestation root certificates of its entry in the loaded BLOB; hand-pinned roots take
 * precedence. A model from metadata that the loaded BLOB does not describe has no roots, so
 * nothing proves it.
 *
 * <p>Revocation checking is off for pinned roots: vendor attestation CAs rarely publish
 * reachable CRLs, and an emergency sign-in must not depend on the network.
 */
final class AttestationPolicy implements AttestationTrustSource {
    private final Map<String, Set<X509Certificate>> rootsByAaguid;

    private AttestationPolicy(Map<String, Set<X509Certificate>> rootsByAaguid) {
        this.rootsByAaguid = Map.copyOf(rootsByAaguid);
    }

    static AttestationPolicy of(List<AllowedModel> models, MdsSnapshot metadata) {
        Map<String, Set<X509Certificate>> roots = new HashMap<>();
        for (AllowedModel m : models) {
            roots.put(m.aaguid(), m.fromMetadata() ? metadataRoots(metadata, m.aaguid()) : parsePem(m.rootsPem()));
        }
        return new AttestationPolicy(roots);
    }

    /** The attestation roots the loaded metadata gives for a model (none when it does not describe it). */
    static Set<X509Certificate> metadataRoots(MdsSnapshot metadata, String aaguid) {
        return metadata.model(aaguid).map(m -> Set.copyOf(m.roots())).orElse(Set.of());
    }

    boolean active() {
        return !rootsByAaguid.isEmpty();
    }

    /** The AAGUIDs on the allow-list; empty while it is not in force. */
    Set<String> allowedAaguids() {
        return rootsByAaguid.keySet();
    }

    boolean allows(String aaguid) {
        return aaguid != null && rootsByAaguid.containsKey(aaguid);
    }

    @Override
    public TrustRootsResult findTrustRoots(List<X509Certificate> attestationCertificateChain, Optional<ByteArray> aaguid) {
        Set<X509Certificate> roots = aaguid.map(AttestationPolicy::aaguidString).map(rootsByAaguid::get).orElse(Set.of());
        return TrustRootsResult.builder().trustRoots(roots).enableRevocationChecking(false).build();
    }

    static String aaguidString(ByteArray aaguid) {
        byte[] b = aaguid.getBytes();
        if (b.length != 16) {
            return null;
        }
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
        return new UUID(buf.getLong(), buf.getLong()).toString();
    }

    /** Parses a PEM bundle of X.509 certificates with the JCA parser; refuses anything else. */
    static Set<X509Certificate> parsePem(String pem) {
        if (pem == null || !pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new GlasskeyException(ErrorCode.CERTIFICATE_INVALID, "Give the vendor root(s) as PEM (-----BEGIN CERTIFICATE-----).");
        }
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            Set<X509Certificate> result = new HashSet<>();
            for (var cert : factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                result.add((X509Certificate) cert);
            }
            if (result.isEmpty()) {
                throw new GlasskeyException(ErrorCode.CERTIFICATE_INVALID, "No certificate found in the PEM.");
            }
            return result;
        } catch (CertificateException | RuntimeException e) {
            if (e instanceof GlasskeyException g) throw g;
            throw new GlasskeyException(ErrorCode.CERTIFICATE_INVALID, "The PEM could not be parsed as X.509 certificates.");
        }
    }
}
