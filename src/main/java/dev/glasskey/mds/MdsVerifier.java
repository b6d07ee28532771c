package dev.glasskey.mds;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.SignatureException;
import java.security.cert.CRL;
import java.security.cert.CRLException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.yubico.fido.metadata.FidoMetadataDownloader;
import com.yubico.fido.metadata.FidoMetadataDownloaderException;
import com.yubico.fido.metadata.FidoMetadataService;
import com.yubico.fido.metadata.MetadataBLOB;
import com.yubico.fido.metadata.MetadataBLOBPayloadEntry;
import com.yubico.fido.metadata.MetadataStatement;
import com.yubico.webauthn.data.exception.Base64UrlException;

import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.StartupRefusal;

/**
 * Yubico's {@code webauthn-server-attestation} applied to one BLOB at a time. The library verifies
 * (FIDO MDS3 §3.2 steps 4–5: the JWS signature with x5c[0], the x5c chain to the pinned root by PKIX,
 * with CRLs) and parses; we only pre-check the shape, so that no input reaches it in a form it would
 * answer with an unexpected exception or a download, and name each refusal with its own code.
 *
 * <p>{@link FidoMetadataDownloader} and {@link FidoMetadataService} are not thread-safe: every use
 * goes through the synchronized methods of this one component, and neither object outlives the call
 * (a fresh downloader per BLOB; the service only to read the entries into an immutable
 * {@link MdsSnapshot}).
 */
@Component
class MdsVerifier {
    private static final Logger log = LoggerFactory.getLogger(MdsVerifier.class);
    /** The builder asks for it (step 1 of the downloader); it is only checked on downloads, which we never let the library make. */
    static final String FIDO_LEGAL_HEADER = "Retrieval and use of this BLOB indicates acceptance of the appropriate agreement located at "
            + "https://fidoalliance.org/metadata/metadata-legal-terms/";
    private static final Pattern COMPACT_JWS = Pattern.compile("[A-Za-z0-9_\\-]*\\.[A-Za-z0-9_\\-]*\\.[A-Za-z0-9_\\-]*");

    private final List<X509Certificate> roots;
    private final MdsProperties properties;
    private final Clock clock;

    MdsVerifier(MdsProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
        this.roots = readRoots(properties.trustRoots());
    }

    List<X509Certificate> roots() {
        return roots;
    }

    /**
     * Verifies a BLOB offered for loading against the pinned roots (each in turn: the FIDO MDS chain has
     * moved between roots, docs/OPERATIONS.md) and returns the library's parse of it. The CRLs are used
     * in the chain's revocation check, besides any the library fetches from the certificates' CRL
     * distribution points (on a host with internet).
     */
    synchronized MetadataBLOB verify(String jws, Collection<CRL> crls) {
        precheck(jws);
        GlasskeyException refusal = null;
        for (X509Certificate root : roots) {
            try {
                MetadataBLOB blob = FidoMetadataDownloader.builder()
                        .expectLegalHeader(FIDO_LEGAL_HEADER)
                        .useTrustRoot(root)
                        .useBlob(jws)
                        .useCrls(crls)
                        .clock(clock)
                        .build()
                        .loadCachedBlob();
                checkSigner(blob);
                return blob;
            } catch (CertPathValidatorException e) {
                GlasskeyException failure = pathFailure(e);
                // Another root may still verify the chain; keep the most telling failure (a revoked or
                // expired certificate says more than "no path to this root").
                if (refusal == null || refusal.errorCode() == ErrorCode.MDS_UNTRUSTED) {
                    refusal = failure;
                }
            } catch (FidoMetadataDownloaderException | InvalidKeyException | SignatureException e) {
                throw new GlasskeyException(ErrorCode.MDS_SIGNATURE_INVALID, "The JWS signature does not verify with the public key of x5c[0].");
            } catch (CertificateException e) {
                throw new GlasskeyException(ErrorCode.MDS_BLOB_MALFORMED, "A certificate of the x5c header does not parse as X.509.");
            } catch (Base64UrlException | IOException e) {
                throw new GlasskeyException(ErrorCode.MDS_BLOB_MALFORMED, "The header or payload is not the JSON of an MDS3 BLOB.");
            } catch (GlasskeyException e) {
                throw e;
            } catch (GeneralSecurityException | RuntimeException | com.yubico.fido.metadata.UnexpectedLegalHeader e) {
                log.info("MDS BLOB refused by the library: {}", e.getClass().getName());
                throw new GlasskeyException(ErrorCode.MDS_BLOB_MALFORMED, "The BLOB could not be verified as an MDS3 BLOB.");
            }
        }
        throw refusal;
    }

    /**
     * Parses a BLOB that was verified when it was accepted (read back from the database, where it is
     * as trusted as every other row): no second chain check, whose certificates and CRLs may have
     * expired since ({@code verifyDownloadsOnly}, java-webauthn-server issue 294).
     */
    synchronized MetadataBLOB parseAccepted(String jws) {
        try {
            return FidoMetadataDownloader.builder()
                    .expectLegalHeader(FIDO_LEGAL_HEADER)
                    .useTrustRoot(roots.get(0))
                    .useBlob(jws)
                    .verifyDownloadsOnly(true)
                    .clock(clock)
                    .build()
                    .loadCachedBlob();
        } catch (Exception e) {
            throw new IllegalStateException("the stored MDS BLOB no longer parses: " + e.getClass().getName(), e);
        }
    }

    /** The library's view of the BLOB's entries, read once into immutable records (one model per AAGUID). */
    synchronized MdsSnapshot snapshot(MetadataBLOB blob, String sha256, Instant loadedAt, String loadedBy, String source) {
        FidoMetadataService service;
        try {
            // Everything, REVOKED entries included: the deny set is ours to apply, not the library's default filters.
            service = FidoMetadataService.builder().useBlob(blob).prefilter(entry -> true).filter(authenticator -> true).build();
        } catch (Exception e) {
            throw new IllegalStateException("metadata service over a parsed BLOB: " + e.getClass().getName(), e);
        }
        Map<String, List<MetadataBLOBPayloadEntry>> byAaguid = new LinkedHashMap<>();
        for (MetadataBLOBPayloadEntry entry : service.findEntries(e -> e.getAaguid().filter(a -> !a.isZero()).isPresent())) {
            String aaguid = UUID.fromString(entry.getAaguid().orElseThrow().asGuidString()).toString();
            byAaguid.computeIfAbsent(aaguid, a -> new ArrayList<>()).add(entry);
        }
        Map<String, MdsModel> models = new LinkedHashMap<>();
        byAaguid.forEach((aaguid, entries) -> models.put(aaguid, model(aaguid, entries)));
        return new MdsSnapshot(blob.getPayload().getNo(), blob.getPayload().getNextUpdate(), blob.getPayload().getLegalHeader(), sha256,
                loadedAt, loadedBy, source, models);
    }

    private static MdsModel model(String aaguid, List<MetadataBLOBPayloadEntry> entries) {
        String description = null;
        List<X509Certificate> roots = new ArrayList<>();
        List<MdsModel.Report> reports = new ArrayList<>();
        for (MetadataBLOBPayloadEntry entry : entries) {
            MetadataStatement statement = entry.getMetadataStatement().orElse(null);
            if (statement != null) {
                if (description == null) description = statement.getDescription().orElse(null);
                for (X509Certificate root : statement.getAttestationRootCertificates()) {
                    if (!roots.contains(root)) roots.add(root);
                }
            }
            entry.getStatusReports().forEach(r -> reports.add(new MdsModel.Report(r.getStatus().name(), r.getEffectiveDate().orElse(null))));
        }
        return new MdsModel(aaguid, description == null || description.isBlank() ? "Model " + aaguid : description.strip(), roots, reports);
    }

    /** CRLs as an operator has them (PEM or DER, several per file), parsed by the JCA. */
    static List<CRL> parseCrls(List<byte[]> files) {
        List<CRL> crls = new ArrayList<>();
        for (byte[] file : files) {
            try {
                Collection<? extends CRL> parsed = CertificateFactory.getInstance("X.509").generateCRLs(new ByteArrayInputStream(file));
                if (parsed.isEmpty()) {
                    throw new GlasskeyException(ErrorCode.MDS_CRL_INVALID, "No CRL found in a CRL file.");
                }
                crls.addAll(parsed);
            } catch (CRLException | CertificateException | RuntimeException e) {
                if (e instanceof GlasskeyException g) throw g;
                throw new GlasskeyException(ErrorCode.MDS_CRL_INVALID, "A CRL file does not parse as X.509 CRLs (PEM or DER).");
            }
        }
        return crls;
    }

    /**
     * The shape the library expects, before it sees the BLOB: a JWS in compact serialisation, signed
     * (RS256 or ES256, the algorithms it implements), its chain given in x5c. An x5u header would make
     * the library download certificates from a URL the BLOB names: refused.
     */
    static void precheck(String jws) {
        if (!COMPACT_JWS.matcher(jws).matches()) {
            throw new GlasskeyException(ErrorCode.MDS_BLOB_MALFORMED, "Not a JWS in compact serialisation (three base64url parts "
                    + "separated by dots): give the BLOB as downloaded, not its decoded payload.");
        }
        // RFC 7515 §7.1: header.payload.signature; an unsecured JWS (RFC 7519 §6) has alg "none" and an empty signature.
        String[] parts = jws.split("\\.", -1);
        Algorithm declared;
        try {
            declared = Header.parseAlgorithm(JSONObjectUtils.parse(new Base64URL(parts[0]).decodeToString()));
        } catch (ParseException | RuntimeException e) {
            throw new GlasskeyException(ErrorCode.MDS_BLOB_MALFORMED, "The JWS header is not a JOSE header.");
        }
        if (Algorithm.NONE.equals(declared)) {
            throw new GlasskeyException(ErrorCode.MDS_BLOB_UNSIGNED, "The BLOB's header says alg 'none'.");
        }
        if (parts[2].isEmpty()) {
            throw new GlasskeyException(ErrorCode.MDS_BLOB_UNSIGNED, "The BLOB has no signature.");
        }
        JWSObject signed;
        try {
            signed = JWSObject.parse(jws);
        } catch (ParseException | RuntimeException e) {
            throw new GlasskeyException(ErrorCode.MDS_BLOB_MALFORMED, "The JWS header is not the header of a signed JWS.");
        }
        JWSAlgorithm alg = signed.getHeader().getAlgorithm();
        if (!JWSAlgorithm.RS256.equals(alg) && !JWSAlgorithm.ES256.equals(alg)) {
            throw new GlasskeyException(ErrorCode.MDS_BLOB_MALFORMED, "Signature algorithm " + alg + " is not one MDS3 BLOBs use (RS256, ES256).");
        }
        if (signed.getHeader().getX509CertURL() != null) {
            throw new GlasskeyException(ErrorCode.MDS_BLOB_MALFORMED, "The header names its chain by URL (x5u); Glasskey fetches nothing a BLOB names: x5c expected.");
        }
        if (signed.getHeader().getX509CertChain() == null || signed.getHeader().getX509CertChain().isEmpty()) {
            throw new GlasskeyException(ErrorCode.MDS_BLOB_MALFORMED, "The header has no x5c certificate chain.");
        }
    }

    /** What a failed PKIX validation of the x5c chain (RFC 5280 §6) means for the operator. */
    private static GlasskeyException pathFailure(CertPathValidatorException e) {
        var reason = e.getReason();
        if (reason == CertPathValidatorException.BasicReason.REVOKED) {
            return new GlasskeyException(ErrorCode.MDS_CERTIFICATE_REVOKED, "A certificate of the BLOB's x5c chain is revoked (per the CRLs given).");
        }
        if (reason == CertPathValidatorException.BasicReason.UNDETERMINED_REVOCATION_STATUS) {
            return new GlasskeyException(ErrorCode.MDS_REVOCATION_UNKNOWN, "No current CRL covers a certificate of the BLOB's x5c chain: "
                    + "download the CRLs named in its certificates (CRL distribution points) with the BLOB and give them with it.");
        }
        if (reason == CertPathValidatorException.BasicReason.EXPIRED || reason == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return new GlasskeyException(ErrorCode.MDS_UNTRUSTED, "A certificate of the BLOB's x5c chain is not valid at this time.");
        }
        if (reason == PKIXReason.NO_TRUST_ANCHOR) {
            return new GlasskeyException(ErrorCode.MDS_UNTRUSTED, "The x5c chain does not lead to a pinned FIDO MDS root (glasskey.mds.trust-roots).");
        }
        return new GlasskeyException(ErrorCode.MDS_UNTRUSTED, "The x5c chain does not verify to a pinned FIDO MDS root (" + reason + ").");
    }

    /** The signer is the Metadata Service, not merely some holder of a certificate under a public root. */
    private void checkSigner(MetadataBLOB blob) {
        if (properties.signerNames().isEmpty()) {
            return;
        }
        X509Certificate signer = blob.getHeader().getX5c().orElseThrow().get(0);
        List<String> names = names(signer);
        if (names.stream().noneMatch(properties.signerNames()::contains)) {
            throw new GlasskeyException(ErrorCode.MDS_SIGNER_UNEXPECTED, "The signing certificate names " + (names.isEmpty() ? "nothing"
                    : String.join(", ", names)) + ", not " + String.join(" or ", properties.signerNames()) + ".");
        }
    }

    /** The subject CN and DNS subject alternative names of a certificate, lower case (RFC 5280 §4.2.1.6). */
    static List<String> names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) names.add(String.valueOf(rdn.getValue()).toLowerCase(Locale.ROOT));
            }
        } catch (InvalidNameException e) {
            // no CN then
        }
        try {
            Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (Integer.valueOf(2).equals(alternative.get(0))) names.add(String.valueOf(alternative.get(1)).toLowerCase(Locale.ROOT));
                }
            }
        } catch (CertificateParsingException e) {
            // no alternative names then
        }
        return names;
    }

    /** The pinned roots; a server whose roots cannot be read refuses to start, naming the setting. */
    private static List<X509Certificate> readRoots(String location) {
        try (InputStream in = open(location)) {
            List<X509Certificate> certs = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certs.add((X509Certificate) c);
            }
            if (certs.isEmpty()) {
                throw new CertificateException("no certificate");
            }
            return List.copyOf(certs);
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new StartupRefusal("glasskey.mds.trust-roots", "The FIDO MDS trust roots at '" + location + "' cannot be read as PEM certificates ("
                    + e.getMessage() + ").", "Point glasskey.mds.trust-roots at a PEM file of the MDS root certificate(s), or remove the setting "
                    + "to use the shipped roots.");
        }
    }

    private static InputStream open(String location) throws IOException {
        if (location.startsWith("classpath:")) {
            InputStream in = MdsVerifier.class.getClassLoader().getResourceAsStream(location.substring("classpath:".length()).replaceFirst("^/", ""));
            if (in == null) throw new IOException("no such resource");
            return in;
        }
        return Files.newInputStream(Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location));
    }
}
