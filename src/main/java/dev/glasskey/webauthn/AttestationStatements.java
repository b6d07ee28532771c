package dev.glasskey.webauthn;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import org.bouncycastle.asn1.ASN1OctetString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.yubico.webauthn.data.AttestationObject;
import com.yubico.webauthn.data.ByteArray;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Untrusted;

/**
 * What we check of an attestation statement before Yubico verifies it (WebAuthn L3 §8), so that a
 * statement that cannot be right is refused precisely instead of escaping the library as a 500 or
 * answering the wrong code:
 * <ul>
 *   <li>the format is one Yubico verifies (L3 §8: {@code packed}, {@code tpm},
 *       {@code android-safetynet}, {@code fido-u2f}, {@code apple}, {@code none}) — for every account;
 *       an unknown one would otherwise pass as "untrusted" for a person;</li>
 *   <li>{@code none} has an empty statement (§8.7);</li>
 *   <li>{@code packed} (§8.2) has an integer {@code alg}, a non-empty {@code sig}, no ECDAA, and
 *       either an {@code x5c} of certificates whose key suits {@code alg}, or — self attestation —
 *       the credential key's own {@code alg};</li>
 *   <li>the attestation certificate's id-fido-gen-ce-aaguid extension, where present, names the
 *       AAGUID of the authenticator data and is not critical (§8.2.1, §8.3.1).</li>
 * </ul>
 */
final class AttestationStatements {
    static final Set<String> FORMATS = Set.of("packed", "tpm", "android-safetynet", "fido-u2f", "apple", "none");
    private static final String ID_FIDO_GEN_CE_AAGUID = "1.3.6.1.4.1.45724.1.1.4";
    private static final Set<String> PACKED_MEMBERS = Set.of("alg", "sig", "x5c");

    /** COSE signature algorithms by the key family that makes them (RFC 9053, RFC 8812). */
    private static final Map<Long, String> SIGNATURE_FAMILY = Map.ofEntries(
            Map.entry(-7L, "EC"), Map.entry(-35L, "EC"), Map.entry(-36L, "EC"),
            Map.entry(-8L, "EdDSA"), Map.entry(-53L, "EdDSA"),
            Map.entry(-257L, "RSA"), Map.entry(-258L, "RSA"), Map.entry(-259L, "RSA"), Map.entry(-65535L, "RSA"),
            Map.entry(-37L, "RSA"), Map.entry(-38L, "RSA"), Map.entry(-39L, "RSA"));

    private AttestationStatements() {}

    static void check(AttestationObject attestation, long credentialAlg, ByteArray aaguid) {
        String format = attestation.getFormat();
        if (!FORMATS.contains(format)) {
            throw new GlasskeyException(ErrorCode.ATTESTATION_FORMAT_UNSUPPORTED, "Attestation format '" + Untrusted.shown(format)
                    + "' is not one Glasskey can verify.");
        }
        ObjectNode statement = attestation.getAttestationStatement();
        switch (format) {
            case "none" -> {
                if (!statement.isEmpty()) {
                    throw invalid("A 'none' attestation statement must be empty (WebAuthn L3 §8.7).");
                }
            }
            case "packed" -> packed(statement, credentialAlg, aaguid);
            case "tpm" -> {
                if (statement.path("x5c").isArray() && !statement.path("x5c").isEmpty()) {
                    aaguidExtension(certificate(statement.path("x5c").get(0)), aaguid);
                }
            }
            default -> { }
        }
    }

    private static void packed(ObjectNode statement, long credentialAlg, ByteArray aaguid) {
        for (Iterator<String> names = statement.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!PACKED_MEMBERS.contains(name)) {
                throw invalid("A packed attestation statement has no member '" + Untrusted.shown(name) + "' (WebAuthn L3 §8.2).");
            }
        }
        JsonNode alg = statement.get("alg");
        if (alg == null || !alg.isIntegralNumber() || !alg.canConvertToLong() || !SIGNATURE_FAMILY.containsKey(alg.longValue())) {
            throw invalid("The packed attestation statement's alg is " + (alg == null ? "missing" : "not a signature algorithm") + ".");
        }
        JsonNode sig = statement.get("sig");
        if (sig == null || !sig.isBinary() || binary(sig).length == 0) {
            throw invalid("The packed attestation statement's sig is not a signature.");
        }
        JsonNode x5c = statement.get("x5c");
        if (x5c == null) {
            // Self attestation: the credential signed with its own key and algorithm (L3 §8.2 verification, step 3).
            if (alg.longValue() != credentialAlg) {
                throw invalid("Self attestation with alg " + alg.longValue() + " for a credential key of alg " + credentialAlg + ".");
            }
            return;
        }
        if (!x5c.isArray() || x5c.isEmpty()) {
            throw invalid("The packed attestation statement's x5c is not a non-empty array of certificates.");
        }
        X509Certificate attestationCertificate = certificate(x5c.get(0));
        for (int i = 1; i < x5c.size(); i++) {
            certificate(x5c.get(i));
        }
        String keyFamily = attestationCertificate.getPublicKey().getAlgorithm();
        String expected = SIGNATURE_FAMILY.get(alg.longValue());
        if (!expected.equals(keyFamily) && !(expected.equals("EdDSA") && keyFamily.startsWith("Ed"))) {
            throw invalid("The attestation certificate holds an " + Untrusted.shown(keyFamily) + " key, which cannot make alg "
                    + alg.longValue() + " signatures.");
        }
        aaguidExtension(attestationCertificate, aaguid);
    }

    /** L3 §8.2.1 / §8.3.1: id-fido-gen-ce-aaguid, when present, is not critical and names the authenticator data's AAGUID. */
    private static void aaguidExtension(X509Certificate certificate, ByteArray aaguid) {
        byte[] extension = certificate.getExtensionValue(ID_FIDO_GEN_CE_AAGUID);
        if (extension == null) {
            return;
        }
        if (certificate.getCriticalExtensionOIDs() != null && certificate.getCriticalExtensionOIDs().contains(ID_FIDO_GEN_CE_AAGUID)) {
            throw invalid("The attestation certificate marks id-fido-gen-ce-aaguid critical (WebAuthn L3 §8.2.1).");
        }
        byte[] named;
        try {
            // extnValue is an OCTET STRING wrapping the DER OCTET STRING of the 16 AAGUID bytes.
            named = ASN1OctetString.getInstance(ASN1OctetString.getInstance(extension).getOctets()).getOctets();
        } catch (IllegalArgumentException e) {
            throw invalid("The attestation certificate's id-fido-gen-ce-aaguid extension is not an AAGUID.");
        }
        if (!Arrays.equals(named, aaguid.getBytes())) {
            throw invalid("The attestation certificate is for AAGUID " + hexOrUuid(named) + ", the authenticator data says "
                    + AttestationPolicy.aaguidString(aaguid) + ".");
        }
    }

    private static X509Certificate certificate(JsonNode der) {
        if (der == null || !der.isBinary()) {
            throw invalid("An x5c entry is not a DER certificate.");
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(binary(der)));
        } catch (CertificateException | RuntimeException e) {
            throw invalid("An x5c entry is not an X.509 certificate.");
        }
    }

    private static byte[] binary(JsonNode node) {
        try {
            return node.binaryValue();
        } catch (IOException e) {
            throw invalid("A member of the attestation statement is not a byte string.");
        }
    }

    private static String hexOrUuid(byte[] named) {
        return named.length == 16 ? AttestationPolicy.aaguidString(new ByteArray(named)) : java.util.HexFormat.of().formatHex(named);
    }

    private static GlasskeyException invalid(String detail) {
        return new GlasskeyException(ErrorCode.ATTESTATION_INVALID, detail);
    }
}
