package dev.glasskey.mds;

import java.io.IOException;
import java.io.InputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CRL;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import com.yubico.fido.metadata.MetadataBLOB;

import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.system.Ids;
import dev.glasskey.system.Times;

/**
 * The FIDO Metadata Service BLOB (issue 19): loading one (from a file on the command line, the API,
 * the console, or the configured URL), and what the loaded one says now.
 *
 * <p>A load verifies the BLOB (MDS3 §3.2: signature and x5c chain to a pinned root, by the library;
 * the signer's name; a serial higher than the loaded one, so Glasskey never goes back to an older
 * BLOB), then stores it and tells the {@link MdsListener}s in one transaction. A refused BLOB changes
 * nothing (the metadata in use stays the previous one) and is audited with its code.
 */
@Service
@EnableConfigurationProperties(MdsProperties.class)
public class MdsService {
    private static final Logger log = LoggerFactory.getLogger(MdsService.class);
    public static final String LOAD = "mds.load";
    public static final String FETCH = "mds.fetch";

    private final MdsStore store;
    private final MdsSnapshots snapshots;
    private final MdsVerifier verifier;
    private final MdsProperties properties;
    private final ObjectProvider<MdsListener> listeners;
    private final Audit audit;
    private final Clock clock;
    private final TransactionTemplate tx;

    MdsService(MdsStore store, MdsSnapshots snapshots, MdsVerifier verifier, MdsProperties properties, ObjectProvider<MdsListener> listeners,
               Audit audit, Clock clock, PlatformTransactionManager transactionManager) {
        this.store = store;
        this.snapshots = snapshots;
        this.verifier = verifier;
        this.properties = properties;
        this.listeners = listeners;
        this.audit = audit;
        this.clock = clock;
        this.tx = new TransactionTemplate(transactionManager);
    }

    /**
     * A BLOB accepted.
     *
     * @param previousSerial the serial it replaced (0: none)
     * @param newlyCompromised models whose status in force entered the deny set with this BLOB
     * @param warnings         what the operator should know (nextUpdate already passed …)
     */
    public record Loaded(MdsSnapshot snapshot, long previousSerial, Map<String, MdsSnapshot.Compromise> newlyCompromised,
                         List<String> warnings) {}

    /** Loads a BLOB (the JWS as downloaded) with the CRLs of its chain (PEM or DER files; none on a host that can fetch them). */
    public Loaded load(Actor actor, String source, byte[] blob, List<byte[]> crls) {
        try {
            Verified verified = verify(blob, crls);
            return tx.execute(status -> accept(actor, source, verified));
        } catch (GlasskeyException e) {
            refused(actor, LOAD, source, e);
            throw e;
        }
    }

    /**
     * Fetches the BLOB from {@code glasskey.mds.url} and loads it when it is newer than the loaded one;
     * empty when it is not (the usual answer between two monthly BLOBs, not audited).
     */
    public Optional<Loaded> fetch(Actor actor) {
        if (properties.url() == null) {
            throw new GlasskeyException(ErrorCode.MDS_FETCH_NOT_CONFIGURED, "Set glasskey.mds.url on a host that can reach the Metadata Service.");
        }
        try {
            Verified verified = verify(download(properties.url()), List.of());
            long current = tx.execute(status -> store.serial());
            if (verified.blob().getPayload().getNo() <= current) {
                log.debug("MDS BLOB at {} is no. {}, not newer than the loaded no. {}", properties.url(), verified.blob().getPayload().getNo(), current);
                return Optional.empty();
            }
            return Optional.of(tx.execute(status -> accept(actor, "url", verified)));
        } catch (GlasskeyException e) {
            refused(actor, FETCH, "url " + properties.url(), e);
            throw e;
        }
    }

    /** The loaded metadata as this transaction reads it (one small read: the stored serial). */
    @Transactional(readOnly = true)
    public MdsStatus status() {
        return statusAt(store.serial(), Times.now(clock));
    }

    /** The metadata of the BLOB with this serial (read by the caller, e.g. with its session row), judged at {@code now}. */
    public MdsStatus statusAt(long serial, Instant now) {
        MdsSnapshot snapshot = snapshots.at(serial);
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (!snapshot.loaded()) {
            return new MdsStatus(snapshot, today, MdsStatus.Freshness.NONE, null, null, Map.of());
        }
        if (snapshot.unreadable()) {
            return new MdsStatus(snapshot, today, MdsStatus.Freshness.UNREADABLE, null, null, Map.of());
        }
        Instant staleFrom = snapshot.nextUpdate().atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant failFrom = staleFrom.plus(properties.staleGrace());
        MdsStatus.Freshness freshness = now.isBefore(staleFrom) ? MdsStatus.Freshness.CURRENT
                : now.isBefore(failFrom) ? MdsStatus.Freshness.STALE : MdsStatus.Freshness.EXPIRED;
        return new MdsStatus(snapshot, today, freshness, staleFrom, failFrom, snapshot.compromised(properties.denyStatuses(), today));
    }

    public MdsProperties properties() {
        return properties;
    }

    /** A BLOB that passed verification, before it is judged against the stored one. */
    private record Verified(String jws, MetadataBLOB blob) {}

    private Verified verify(byte[] blob, List<byte[]> crlFiles) {
        if (blob == null || blob.length == 0) {
            throw new GlasskeyException(ErrorCode.MDS_BLOB_MALFORMED, "The BLOB is empty.");
        }
        if (blob.length > properties.maxBlobBytes()) {
            throw new GlasskeyException(ErrorCode.MDS_BLOB_TOO_LARGE, "The BLOB has " + blob.length + " bytes; at most "
                    + properties.maxBlobBytes() + " are accepted (glasskey.mds.max-blob-bytes).");
        }
        // A JWS is ASCII; anything else is refused by the shape check, so decoding cannot be lenient in a way that matters.
        String jws = new String(blob, StandardCharsets.ISO_8859_1).strip();
        List<CRL> crls = MdsVerifier.parseCrls(crlFiles == null ? List.of() : crlFiles);
        MetadataBLOB parsed = verifier.verify(jws, crls);
        if (parsed.getPayload().getNo() < 1) {
            throw new GlasskeyException(ErrorCode.MDS_BLOB_MALFORMED, "The BLOB has no serial number (\"no\").");
        }
        return new Verified(jws, parsed);
    }

    /** In the load's transaction: the serial judged under the row lock, then store, stage, audit and tell the listeners. */
    private Loaded accept(Actor actor, String source, Verified verified) {
        long current = store.lockSerial();
        long serial = verified.blob().getPayload().getNo();
        if (serial <= current) {
            throw new GlasskeyException(ErrorCode.MDS_SERIAL_NOT_NEWER, "This BLOB is no. " + serial + "; no. " + current
                    + " is loaded, and Glasskey never goes back to an older BLOB.");
        }
        List<MdsListener> reactions = listeners.orderedStream().toList();
        reactions.forEach(MdsListener::beforeLoad);
        Instant now = Times.now(clock);
        MdsSnapshot before = snapshots.at(current);
        MdsSnapshot after = verifier.snapshot(verified.blob(), Ids.sha256Hex(verified.jws()), now, actor.label(), source);
        store.replace(new MdsStore.StoredBlob(serial, after.nextUpdate(), after.sha256(), verified.jws(), now, actor.label(), source));
        snapshots.stage(after);

        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Map<String, MdsSnapshot.Compromise> was = before.compromised(properties.denyStatuses(), today);
        Map<String, MdsSnapshot.Compromise> newly = new LinkedHashMap<>(after.compromised(properties.denyStatuses(), today));
        newly.keySet().removeAll(was.keySet());
        List<String> warnings = new ArrayList<>();
        MdsStatus status = statusAt(serial, now);
        if (status.freshness() != MdsStatus.Freshness.CURRENT) {
            warnings.add("Its nextUpdate (" + after.nextUpdate() + ") has already passed: readiness reports the metadata as "
                    + (status.freshness() == MdsStatus.Freshness.EXPIRED ? "out of date (fail)" : "stale (warn)")
                    + "; load a newer BLOB when the Metadata Service publishes one.");
        }
        audit.record(AuditEvent.success(actor, LOAD, "mds", false, "BLOB no. " + serial + " (was " + (current == 0 ? "none" : "no. " + current)
                + ") from " + source + ", nextUpdate " + after.nextUpdate() + ", " + after.models().size() + " models, sha256 "
                + after.sha256().substring(0, 16) + "…"
                + (newly.isEmpty() ? "" : "; now in the deny set: " + String.join("; ", newly.values().stream().map(MdsSnapshot.Compromise::describe).toList()))
                + (warnings.isEmpty() ? "" : "; nextUpdate passed")));
        for (MdsListener listener : reactions) {
            listener.loaded(actor, before, after);
        }
        return new Loaded(after, current, Map.copyOf(newly), List.copyOf(warnings));
    }

    private void refused(Actor actor, String action, String source, GlasskeyException e) {
        tx.executeWithoutResult(status -> audit.record(AuditEvent.failure(actor, action, "mds", e.errorCode().code(), false,
                source + ": " + e.detail())));
    }

    /**
     * One GET of the configured URL: JDK HTTP client (proxy from the JVM's settings), bounded in time
     * and size. The BLOB's integrity is its signature, not the transport's.
     */
    private byte[] download(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new GlasskeyException(ErrorCode.MDS_FETCH_FAILED, "glasskey.mds.url is not a URL.");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())) {
            throw new GlasskeyException(ErrorCode.MDS_FETCH_FAILED, "glasskey.mds.url must be an http(s) URL.");
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(properties.fetchTimeout()).followRedirects(HttpClient.Redirect.NORMAL)
                .proxy(ProxySelector.getDefault()).build();
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(properties.fetchTimeout()).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new GlasskeyException(ErrorCode.MDS_FETCH_FAILED, "GET " + url + " answered " + response.statusCode() + ".");
                }
                byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, properties.maxBlobBytes() + 1));
                if (bytes.length > properties.maxBlobBytes()) {
                    throw new GlasskeyException(ErrorCode.MDS_BLOB_TOO_LARGE, "The BLOB at " + url + " exceeds " + properties.maxBlobBytes()
                            + " bytes (glasskey.mds.max-blob-bytes).");
                }
                return bytes;
            }
        } catch (IOException e) {
            log.info("MDS fetch from {} failed: {}", url, e.toString());
            throw new GlasskeyException(ErrorCode.MDS_FETCH_FAILED, "GET " + url + " failed: no connection, or it broke off or timed out.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GlasskeyException(ErrorCode.MDS_FETCH_FAILED, "Interrupted while fetching " + url + ".");
        }
    }
}
