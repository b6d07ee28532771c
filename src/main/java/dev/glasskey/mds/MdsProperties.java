package dev.glasskey.mds;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.ConfigurationProperties;

import com.yubico.fido.metadata.AuthenticatorStatus;

/**
 * {@code glasskey.mds.*}: the FIDO Metadata Service (MDS3) BLOB, how it is trusted and what its
 * status reports refuse.
 *
 * @param trustRoots    PEM bundle of the MDS roots a BLOB's x5c chain must verify to: {@code classpath:…} or a file
 *                      path. Default: the shipped {@code mds/fido-mds-roots.pem} (GlobalSign Root R46, which the
 *                      FIDO Alliance names since August 2026, and GlobalSign Root CA - R3, to which its current
 *                      x5c also chains through a cross-certificate; docs/OPERATIONS.md)
 * @param signerNames   the signing certificate (x5c[0]) must name one of these in its subject CN or a DNS
 *                      subject alternative name: the roots are public TLS roots, so a chain to them alone proves
 *                      only that GlobalSign issued the signer some certificate. Empty: any name
 * @param denyStatuses  a model whose latest status report is one of these (MDS3 AuthenticatorStatus names) makes
 *                      its credentials unusable for emergency accounts and administrators
 * @param staleGrace    readiness warns once the BLOB's nextUpdate has passed and fails this long after it
 * @param maxBlobBytes  largest BLOB accepted (the real one is a few megabytes)
 * @param url           where to fetch the BLOB on a schedule (a host with internet); empty: load it by hand only
 * @param fetchInterval how often the configured URL is fetched
 * @param fetchInitialDelay how long after start the first fetch runs
 * @param fetchTimeout  how long one fetch may take
 */
@ConfigurationProperties(prefix = "glasskey.mds")
public record MdsProperties(
        String trustRoots,
        List<String> signerNames,
        Set<String> denyStatuses,
        Duration staleGrace,
        long maxBlobBytes,
        String url,
        Duration fetchInterval,
        Duration fetchInitialDelay,
        Duration fetchTimeout) {

    public static final String DEFAULT_TRUST_ROOTS = "classpath:mds/fido-mds-roots.pem";
    public static final List<String> DEFAULT_SIGNER_NAMES = List.of("mds.fidoalliance.org");
    /** The default deny set: statuses that say a model's keys cannot be trusted to hold a secret or verify a user. */
    public static final Set<String> DEFAULT_DENY_STATUSES = Set.of("REVOKED", "USER_VERIFICATION_BYPASS", "ATTESTATION_KEY_COMPROMISE",
            "USER_KEY_REMOTE_COMPROMISE", "USER_KEY_PHYSICAL_COMPROMISE");

    public MdsProperties {
        if (trustRoots == null || trustRoots.isBlank()) trustRoots = DEFAULT_TRUST_ROOTS;
        signerNames = signerNames == null ? DEFAULT_SIGNER_NAMES
                : signerNames.stream().map(String::strip).filter(s -> !s.isEmpty()).map(s -> s.toLowerCase(Locale.ROOT)).toList();
        denyStatuses = denyStatuses == null || denyStatuses.isEmpty() ? DEFAULT_DENY_STATUSES : validStatuses(denyStatuses);
        if (staleGrace == null || staleGrace.isNegative()) staleGrace = Duration.ofDays(30);
        if (maxBlobBytes <= 0) maxBlobBytes = 32L * 1024 * 1024;
        url = url == null || url.isBlank() ? null : url.strip();
        if (fetchInterval == null || fetchInterval.isZero() || fetchInterval.isNegative()) fetchInterval = Duration.ofHours(24);
        if (fetchInitialDelay == null || fetchInitialDelay.isNegative()) fetchInitialDelay = Duration.ofMinutes(1);
        if (fetchTimeout == null || fetchTimeout.isZero() || fetchTimeout.isNegative()) fetchTimeout = Duration.ofSeconds(60);
    }

    /** Refuses a status the MDS3 specification does not define, naming the valid ones: a typo must not silently allow a model. */
    private static Set<String> validStatuses(Set<String> configured) {
        java.util.Map<String, String> valid = Arrays.stream(AuthenticatorStatus.values()).map(Enum::name)
                .collect(Collectors.toMap(n -> n.toUpperCase(Locale.ROOT), n -> n));
        Set<String> result = new LinkedHashSet<>();
        for (String s : configured) {
            String name = valid.get(s.strip().toUpperCase(Locale.ROOT));
            if (name == null) {
                throw new IllegalArgumentException("glasskey.mds.deny-statuses: '" + s + "' is not an MDS3 authenticator status; valid: "
                        + valid.values().stream().sorted().collect(Collectors.joining(", ")));
            }
            result.add(name);
        }
        return Set.copyOf(result);
    }
}
