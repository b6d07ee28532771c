package dev.glasskey.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The verification walk, independent of where the entries come from (database or export):
 * feed entries in order with {@link #accept}, then call {@link #finish}. Stops at the first
 * break. Allocation-light: one {@link AuditChain.Hasher}, no per-entry objects of its own.
 */
public final class ChainVerifier {
    /** Told every {@code interval} entries (the count this verifier has checked so far), for progress on long logs. */
    public interface Progress {
        void entries(long verified);
    }

    /** A checkpoint to meet on the walk: stored or from an external copy, and whether a pinned key signed it. */
    private record Mark(AuditCheckpoint checkpoint, boolean external, boolean trusted) {
        String what() {
            return (external ? "the external checkpoint of " : "the signed checkpoint of ") + checkpoint.signedAt();
        }
    }

    private final AuditChain.Hasher hasher = new AuditChain.Hasher();
    private final NavigableMap<Long, List<Mark>> checkpoints = new TreeMap<>();
    private final String pinnedSource;
    private final Progress progress;
    private final long interval;
    private String prev = AuditChain.GENESIS;
    private long expectedSeq = 1;
    private final long firstSeq;
    /** A segment starting after entry 1 takes its first link on trust; the caller checks that seam. */
    private String firstPrev;
    private long counted;
    private long checkpointsVerified;
    private long externalVerified;
    private long untrusted;
    private final List<String> untrustedKeys = new ArrayList<>();
    private Long lastCheckpointSeq;
    private Long brokenSeq;
    private String problem;
    /** The next checkpoint's entry, so the walk does not look up (and box) every seq. */
    private long nextCheckpoint = Long.MAX_VALUE;

    /**
     * @param checkpoints every stored checkpoint, in any order
     * @param keys        the pinned keys and the keys the source names; a checkpoint no key verifies breaks the chain
     */
    public ChainVerifier(Iterable<AuditCheckpoint> checkpoints, CheckpointKeys keys, Progress progress, long interval) {
        this(1, checkpoints, List.of(), keys, progress, interval);
    }

    /**
     * A verifier for the segment of the chain starting at entry {@code firstSeq}: its first entry's
     * link to the one before is not checked here ({@link #firstPrevHash()} returns it, for the
     * caller to compare with the previous segment's {@link #lastHash()}).
     *
     * @param external checkpoints from a copy kept outside the database ({@code audit verify --checkpoints}):
     *                 the chain must match each of them too
     */
    public ChainVerifier(long firstSeq, Iterable<AuditCheckpoint> checkpoints, Iterable<AuditCheckpoint> external,
                         CheckpointKeys keys, Progress progress, long interval) {
        this.firstSeq = firstSeq;
        this.expectedSeq = firstSeq;
        this.prev = firstSeq == 1 ? AuditChain.GENESIS : null;
        this.pinnedSource = keys.pinned().describe();
        this.progress = progress;
        this.interval = interval <= 0 ? Long.MAX_VALUE : interval;
        mark(checkpoints, false, keys);
        mark(external, true, keys);
        Long first = this.checkpoints.ceilingKey(firstSeq);
        nextCheckpoint = first == null ? Long.MAX_VALUE : first;
    }

    private void mark(Iterable<AuditCheckpoint> list, boolean external, CheckpointKeys keys) {
        for (AuditCheckpoint c : list) {
            CheckpointKeys.Trust trust = keys.judge(c);
            switch (trust) {
                case INVALID -> broken(c.seq(), (external ? "the external checkpoint" : "the signed checkpoint") + " at entry " + c.seq()
                        + " does not verify" + (keys.names(c.keyId()) ? " (bad signature)" : " (unknown key " + c.keyId() + ")"));
                case UNTRUSTED -> {
                    untrusted++;
                    String key = keys.describe(c.keyId());
                    if (!untrustedKeys.contains(key)) {
                        untrustedKeys.add(key);
                    }
                }
                case TRUSTED -> { }
            }
            this.checkpoints.computeIfAbsent(c.seq(), s -> new ArrayList<>(1)).add(new Mark(c, external, trust == CheckpointKeys.Trust.TRUSTED));
        }
    }

    public boolean broken() {
        return brokenSeq != null;
    }

    /** One entry; returns false once the chain is broken (the caller may stop reading). */
    public boolean accept(long seq, String at, String actor, String action, String target, String outcome, String reason,
                          boolean emergency, boolean flagged, String client, String detail, String prevHash, String hash) {
        if (brokenSeq != null && brokenSeq <= expectedSeq) {
            return false;
        }
        if (seq != expectedSeq) {
            return broken(expectedSeq, seq > expectedSeq ? "entry " + expectedSeq + " is missing (next stored entry is " + seq + ")"
                    : "entry " + seq + " appears out of order after entry " + (expectedSeq - 1));
        }
        if (prev == null && seq == firstSeq) {
            prev = prevHash;
            firstPrev = prevHash;
        }
        if (!prev.equals(prevHash)) {
            return broken(seq, "entry " + seq + " does not link to the hash of entry " + (seq - 1)
                    + " (an entry was removed, inserted or reordered here)");
        }
        if (!hasher.matches(hash, prevHash, seq, at, actor, action, target, outcome, reason, emergency, flagged, client, detail)) {
            return broken(seq, "entry " + seq + " does not match its hash (it was edited)");
        }
        List<Mark> marks = seq == nextCheckpoint ? checkpoints.get(seq) : null;
        if (marks != null) {
            Long next = checkpoints.higherKey(seq);
            nextCheckpoint = next == null ? Long.MAX_VALUE : next;
            for (Mark mark : marks) {
                if (!mark.checkpoint().headHash().equals(hash)) {
                    return broken(seq, "entry " + seq + " differs from " + mark.what()
                            + ": the chain was rewritten at or before this entry"
                            + (lastCheckpointSeq == null ? "" : ", after entry " + lastCheckpointSeq));
                }
            }
            for (Mark mark : marks) {
                if (brokenSeq == null && mark.trusted()) {
                    if (mark.external()) {
                        externalVerified++;
                    } else {
                        checkpointsVerified++;
                    }
                    lastCheckpointSeq = seq;
                }
            }
        }
        prev = hash;
        expectedSeq++;
        if ((++counted % interval) == 0) {
            progress.entries(counted);
        }
        // A checkpoint that failed its signature check marks a later entry: keep walking to it,
        // an earlier break would be named first.
        return brokenSeq == null || brokenSeq > expectedSeq;
    }

    /**
     * Ends the walk. {@code headSeq}/{@code headHash} are the stored head (null when the
     * source has none; a segment passes its last seq and no hash): a deleted last entry shows
     * there, or in a later checkpoint.
     */
    public AuditVerification finish(Long headSeq, String headHash) {
        long last = expectedSeq - 1;
        if (brokenSeq == null && firstSeq > 1 && last < firstSeq && headSeq != null && headSeq >= firstSeq) {
            broken(firstSeq, "entry " + firstSeq + " is missing");
        }
        if (brokenSeq == null && headSeq != null && (headSeq != last || (headHash != null && !headHash.equals(prev)))) {
            broken(last + 1, headSeq > last ? "entries " + (last + 1) + " to " + headSeq + " are missing (the chain head names entry " + headSeq + ")"
                    : "the chain head (entry " + headSeq + ") does not match the last entry " + last);
        }
        if (brokenSeq == null && !checkpoints.isEmpty() && checkpoints.lastKey() > last) {
            boolean external = checkpoints.lastEntry().getValue().stream().allMatch(Mark::external);
            broken(last + 1, "entries " + (last + 1) + " to " + checkpoints.lastKey() + " are missing ("
                    + (external ? "an external" : "a signed") + " checkpoint names entry " + checkpoints.lastKey() + ")");
        }
        return AuditVerification.of(last - firstSeq + 1, brokenSeq, problem, checkpointsVerified, lastCheckpointSeq, untrusted,
                untrustedKeys, externalVerified, pinnedSource);
    }

    /** The previous-entry hash of this segment's first entry (null if none was read). */
    public String firstPrevHash() {
        return firstPrev;
    }

    /** The hash of the last entry that verified. */
    public String lastHash() {
        return prev;
    }

    private boolean broken(long seq, String what) {
        if (brokenSeq == null || seq < brokenSeq) {
            brokenSeq = seq;
            problem = what;
        }
        return false;
    }
}
