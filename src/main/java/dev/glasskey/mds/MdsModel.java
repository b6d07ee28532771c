package dev.glasskey.mds;

import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * What the loaded metadata says about one key model (one AAGUID), taken from the BLOB entries the
 * library parsed: its description, the attestation root certificates of its metadata statement
 * and its status reports (MDS3 §3.1.1, §3.1.3). Immutable.
 */
public record MdsModel(String aaguid, String description, List<X509Certificate> roots, List<Report> reports) {

    /** Statuses that state a certification (level), as opposed to an incident. */
    static final Set<String> CERTIFICATION = Set.of("NOT_FIDO_CERTIFIED", "SELF_ASSERTION_SUBMITTED", "FIDO_CERTIFIED",
            "FIDO_CERTIFIED_L1", "FIDO_CERTIFIED_L1plus", "FIDO_CERTIFIED_L2", "FIDO_CERTIFIED_L2plus", "FIDO_CERTIFIED_L3",
            "FIDO_CERTIFIED_L3plus");

    /** One status report: an MDS3 AuthenticatorStatus name and the date it took effect (null when the report has none). */
    public record Report(String status, LocalDate effectiveDate) {}

    public MdsModel {
        roots = List.copyOf(roots);
        reports = List.copyOf(reports);
    }

    /**
     * The status in force on {@code day}: of the reports already effective (undated ones count), the one
     * with the latest effective date; of equal dates, the one listed last. Null when there is none.
     */
    public Report latestStatus(LocalDate day) {
        return latest(day, false);
    }

    /** The certification level in force on {@code day} (a FIDO_CERTIFIED* report, or NOT_FIDO_CERTIFIED …); null if none. */
    public Report certification(LocalDate day) {
        return latest(day, true);
    }

    private Report latest(LocalDate day, boolean certificationOnly) {
        Report latest = null;
        for (Report r : reports) {
            if (certificationOnly && !CERTIFICATION.contains(r.status())) continue;
            if (r.effectiveDate() != null && r.effectiveDate().isAfter(day)) continue;
            if (latest == null || date(r).compareTo(date(latest)) >= 0) {
                latest = r;
            }
        }
        return latest;
    }

    private static LocalDate date(Report r) {
        return r.effectiveDate() == null ? LocalDate.MIN : r.effectiveDate();
    }

    /** The attestation roots as a PEM bundle (what a hand-pinned model stores). */
    public String rootsPem() {
        StringBuilder pem = new StringBuilder();
        Base64.Encoder mime = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        for (X509Certificate root : roots) {
            try {
                pem.append("-----BEGIN CERTIFICATE-----\n").append(mime.encodeToString(root.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return pem.toString();
    }
}
