package dev.glasskey.audit;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.databind.json.JsonMapper;

import dev.glasskey.system.ServerKeys;
import dev.glasskey.system.Times;

/**
 * Signed checkpoints of the chain, verification (from the database or from an export) and
 * export as JSON Lines. The export carries the checkpoints and the public keys, so
 * {@code glasskey audit verify --file} needs no database.
 */
@Service
public class AuditIntegrity {
    public static final String EXPORT_FORMAT = "glasskey-audit-export/1";
    private static final Logger log = LoggerFactory.getLogger(AuditIntegrity.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int PAGE = 10_000;

    private final AuditStore store;
    private final ServerKeys serverKeys;
    private final AuditTrustAnchor anchor;
    private final List<CheckpointListener> listeners;
    private final Clock clock;
    private final TransactionTemplate readOnly;

    AuditIntegrity(AuditStore store, ServerKeys serverKeys, AuditTrustAnchor anchor, List<CheckpointListener> listeners, Clock clock,
                   PlatformTransactionManager transactions) {
        this.store = store;
        this.serverKeys = serverKeys;
        this.anchor = anchor;
        this.listeners = List.copyOf(listeners);
        this.clock = clock;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
    }

    /**
     * Signs the current chain head, unless it is already checkpointed or the log is empty.
     * Reads the committed head without locking it, so appends never wait for a signature. The
     * {@link CheckpointListener}s hear of it in the same transaction (its external copies are
     * queued with it).
     */
    @Transactional
    public Optional<AuditCheckpoint> checkpoint() {
        AuditStore.Head head = store.head().orElseThrow();
        if (head.seq() == 0 || head.seq() <= store.lastCheckpointSeq()) {
            return Optional.empty();
        }
        ServerKeys.SigningKey key = serverKeys.signingKey(ServerKeys.AUDIT_SIGNING);
        AuditCheckpoint checkpoint = AuditCheckpoint.sign(head.seq(), head.hash(), Times.now(clock), key.id(), key.privateKey());
        try {
            store.insertCheckpoint(checkpoint);
        } catch (DuplicateKeyException anotherNodeSignedIt) {
            return Optional.empty();
        }
        for (CheckpointListener listener : listeners) {
            listener.onCheckpoint(checkpoint);
        }
        log.debug("Audit checkpoint signed at entry {}", head.seq());
        return Optional.of(checkpoint);
    }

    @Transactional(readOnly = true)
    public List<AuditCheckpoint> checkpoints() {
        return store.checkpoints();
    }

    /** Logs at least this long are verified as two segments on two threads. */
    static final long PARALLEL_FROM = 200_000;

    /**
     * Verifies the stored chain up to the head as read at the start (appends made meanwhile are
     * left for the next run), against every signed checkpoint, trusting only the keys pinned in
     * {@code glasskey.audit.trusted-keys}.
     */
    public AuditVerification verifyDatabase(ChainVerifier.Progress progress, long interval) {
        return verifyDatabase(anchor.pinned(), List.of(), progress, interval, PARALLEL_FROM);
    }

    /**
     * As {@link #verifyDatabase(ChainVerifier.Progress, long)}, trusting exactly {@code pinned}, and
     * matching the chain against {@code external} checkpoints too (a copy kept outside the database).
     */
    public AuditVerification verifyDatabase(PinnedKeys pinned, List<AuditCheckpoint> external, ChainVerifier.Progress progress,
                                            long interval) {
        return verifyDatabase(pinned, external, progress, interval, PARALLEL_FROM);
    }

    /** The configured pinned keys ({@code glasskey.audit.trusted-keys}) as they are now. */
    public PinnedKeys pinned() {
        return anchor.pinned();
    }

    AuditVerification verifyDatabase(ChainVerifier.Progress progress, long interval, long parallelFrom) {
        return verifyDatabase(anchor.pinned(), List.of(), progress, interval, parallelFrom);
    }

    /**
     * Long logs are read as two halves on two threads (each its own read-only transaction):
     * reading rows out of the database is most of the cost (docs/PERFORMANCE.md). Each half
     * checks its own links; the seam (the second half's first link) is compared here, so the
     * result, including the first broken entry, is the same as one walk from the start.
     */
    private AuditVerification verifyDatabase(PinnedKeys pinned, List<AuditCheckpoint> external, ChainVerifier.Progress progress,
                                             long interval, long parallelFrom) {
        Snapshot snapshot = snapshot(pinned, external);
        AuditStore.Head head = snapshot.head();
        java.util.concurrent.atomic.AtomicLong total = new java.util.concurrent.atomic.AtomicLong();
        long every = interval <= 0 ? Long.MAX_VALUE : interval;
        ChainVerifier.Progress shared = n -> progress.entries(total.addAndGet(every));
        if (head.seq() < parallelFrom || head.seq() < 2) {
            ChainVerifier verifier = new ChainVerifier(1, snapshot.checkpoints(), external, snapshot.keys(), shared, every);
            readOnly.executeWithoutResult(s -> store.stream(0, head.seq(), PAGE, verifier::accept));
            return verifier.finish(head.seq(), head.hash());
        }
        return verifyInTwo(snapshot, shared, every, head.seq() / 2);
    }

    /** For tests: the two-halves walk with the seam after entry {@code middle}. */
    AuditVerification verifyDatabaseSplitAt(long middle) {
        return verifyInTwo(snapshot(anchor.pinned(), List.of()), n -> { }, Long.MAX_VALUE, middle);
    }

    private Snapshot snapshot(PinnedKeys pinned, List<AuditCheckpoint> external) {
        return readOnly.execute(s -> new Snapshot(store.checkpoints(), external,
                new CheckpointKeys(pinned, decode(serverKeys.publicKeys(ServerKeys.AUDIT_SIGNING))), store.head().orElseThrow()));
    }

    private AuditVerification verifyInTwo(Snapshot snapshot, ChainVerifier.Progress shared, long every, long middle) {
        AuditStore.Head head = snapshot.head();
        ChainVerifier a = new ChainVerifier(1, upTo(snapshot.checkpoints(), middle), upTo(snapshot.external(), middle), snapshot.keys(),
                shared, every);
        ChainVerifier b = new ChainVerifier(middle + 1, after(snapshot.checkpoints(), middle), after(snapshot.external(), middle),
                snapshot.keys(), shared, every);
        java.util.concurrent.CompletableFuture<Void> secondHalf = java.util.concurrent.CompletableFuture.runAsync(
                () -> readOnly.executeWithoutResult(s -> store.stream(middle, head.seq(), PAGE, b::accept)), runnable -> {
                    Thread thread = new Thread(runnable, "audit-verify-2");
                    thread.setDaemon(true);
                    thread.start();
                });
        readOnly.executeWithoutResult(s -> store.stream(0, middle, PAGE, a::accept));
        secondHalf.join();
        String source = snapshot.keys().pinned().describe();
        AuditVerification ra = a.finish(middle, null);
        AuditVerification rb = b.finish(head.seq(), head.hash());
        if (ra.broken()) {
            return AuditVerification.join(ra, rb, source);
        }
        String seam = b.firstPrevHash();
        if (seam != null && !seam.equals(a.lastHash()) && (!rb.broken() || rb.firstBrokenSeq() > middle + 1)) {
            AuditVerification gap = AuditVerification.of(0, middle + 1, "entry " + (middle + 1) + " does not link to the hash of entry "
                    + middle + " (an entry was removed, inserted or reordered here)", 0, null, rb.untrustedCheckpoints(),
                    rb.untrustedKeys(), 0, source);
            return AuditVerification.join(ra, gap, source);
        }
        return AuditVerification.join(ra, rb, source);
    }

    static List<AuditCheckpoint> upTo(List<AuditCheckpoint> checkpoints, long middle) {
        return checkpoints.stream().filter(c -> c.seq() <= middle).toList();
    }

    static List<AuditCheckpoint> after(List<AuditCheckpoint> checkpoints, long middle) {
        return checkpoints.stream().filter(c -> c.seq() > middle).toList();
    }

    private record Snapshot(List<AuditCheckpoint> checkpoints, List<AuditCheckpoint> external, CheckpointKeys keys, AuditStore.Head head) {}

    record HeaderLine(String type, String format, String exportedAt, long headSeq, String headHash) {}

    record KeyLine(String type, String id, String algorithm, String publicKeyPem) {}

    record CheckpointLine(String type, long seq, String hash, String signedAt, String keyId, String signature) {}

    record EntryLine(String type, long seq, String at, String actor, String action, String target, String outcome,
                     String reason, boolean emergency, boolean flagged, String client, String detail, String prevHash,
                     String hash) {}

    /** Writes the whole log as JSON Lines: a header, the public keys, the checkpoints, then every entry. */
    @Transactional(readOnly = true)
    public long export(Writer out, ChainVerifier.Progress progress, long interval) {
        // Checkpoints before the head: every checkpoint then names an entry at or below the head
        // (a checkpoint beyond it shows entries removed from the end, and must be exported).
        List<AuditCheckpoint> checkpoints = store.checkpoints();
        AuditStore.Head head = store.head().orElseThrow();
        long every = interval <= 0 ? Long.MAX_VALUE : interval;
        long[] count = {0};
        line(out, new HeaderLine("header", EXPORT_FORMAT, Times.now(clock).toString(), head.seq(), head.hash()));
        serverKeys.publicKeys(ServerKeys.AUDIT_SIGNING).forEach((id, pem) -> line(out, new KeyLine("key", id, "ES256", pem)));
        for (AuditCheckpoint c : checkpoints) {
            line(out, new CheckpointLine("checkpoint", c.seq(), c.headHash(), c.signedAt().toString(), c.keyId(), c.signature()));
        }
        store.stream(0, head.seq(), PAGE, (seq, at, actor, action, target, outcome, reason, emergency, flagged, client, detail, prevHash, hash) -> {
            line(out, new EntryLine("entry", seq, at, actor, action, target, outcome, reason, emergency, flagged, client, detail, prevHash, hash));
            count[0]++;
            if (seq % every == 0) {
                progress.entries(seq);
            }
            return true;
        });
        return count[0];
    }

    private static void line(Writer out, Object value) {
        try {
            out.write(JSON.writeValueAsString(value));
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file that is not a Glasskey audit export (or is cut short mid-line). */
    public static final class ExportFormatException extends RuntimeException {
        ExportFormatException(String message) {
            super(message);
        }
    }

    /**
     * Verifies an export offline. Checkpoints are trusted only when a {@code pinned} key (the
     * server's audit-signing public keys, obtained separately) verifies them; the keys the file
     * names prove consistency but not origin, so a checkpoint that verifies only with them makes
     * the result {@code untrusted}. Streams the lines with a token parser (no tree per line), one
     * walk from the start.
     *
     * @param external        checkpoints from a copy kept outside the database, matched too
     * @param keyFingerprints receives "id: SHA-256 fingerprint" of each key the file names
     */
    public static AuditVerification verifyExport(Reader in, PinnedKeys pinned, List<AuditCheckpoint> external, List<String> keyFingerprints,
                                                 ChainVerifier.Progress progress, long interval) {
        return ExportWalk.verify(in, pinned, external, keyFingerprints, progress, interval);
    }

    /**
     * {@link #verifyExport(Reader, PinnedKeys, List, List, ChainVerifier.Progress, long)} on a file:
     * long files (64 MiB and more) are read as two segments on two threads, with the same result,
     * first broken entry included, as one walk from the start (see {@link ExportWalk}).
     */
    public static AuditVerification verifyExport(Path file, PinnedKeys pinned, List<AuditCheckpoint> external,
                                                 List<String> keyFingerprints, ChainVerifier.Progress progress, long interval)
            throws IOException {
        return ExportWalk.verify(file, pinned, external, keyFingerprints, progress, interval);
    }

    /** SHA-256 of the key's SubjectPublicKeyInfo, hex: what an operator compares out of band. */
    public static String fingerprint(PublicKey key) {
        try {
            return HexFormat.ofDelimiter(":").formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, PublicKey> decode(Map<String, String> pems) {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        pems.forEach((id, pem) -> keys.put(id, ServerKeys.decodePublic(pem)));
        return keys;
    }

}
