package dev.glasskey.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of verifying the chain and its signed checkpoints.
 *
 * <p>Three verdicts: {@link #INTACT}, {@link #BROKEN} (an entry, a link, the head or a checkpoint
 * does not verify: {@code firstBrokenSeq} names where), and {@link #UNTRUSTED}: the chain links
 * and every checkpoint matches it, but some checkpoint is signed by a key that is not pinned
 * outside the database ({@code glasskey.audit.trusted-keys}) — what a database writer who
 * re-signed a rewritten chain with a key of their own leaves behind.
 *
 * @param intact               the verdict is {@link #INTACT}: every entry links and hashes, the head matches, every
 *                             checkpoint verifies with a pinned key and matches
 * @param verdict              {@code intact}, {@code broken} or {@code untrusted}
 * @param entries              entries read
 * @param firstBrokenSeq       the first entry (or checkpoint position) that does not verify, or null
 * @param problem              what is wrong there (or which keys are not trusted), for people; null when intact
 * @param checkpoints          stored checkpoints whose signature (by a pinned key) and position verified
 * @param lastCheckpointSeq    the newest checkpoint (stored or external) verified with a pinned key, or null
 * @param untrustedCheckpoints checkpoints whose signature verifies only with a key that is not pinned
 * @param untrustedKeys        those keys: {@code "id (SHA-256 fingerprint)"}
 * @param externalCheckpoints  checkpoints from an external copy ({@code --checkpoints FILE}) that matched the chain
 */
public record AuditVerification(boolean intact, String verdict, long entries, Long firstBrokenSeq, String problem, long checkpoints,
                                Long lastCheckpointSeq, long untrustedCheckpoints, List<String> untrustedKeys,
                                long externalCheckpoints) {
    public static final String INTACT = "intact";
    public static final String BROKEN = "broken";
    public static final String UNTRUSTED = "untrusted";

    public AuditVerification {
        untrustedKeys = List.copyOf(untrustedKeys);
    }

    public boolean broken() {
        return BROKEN.equals(verdict);
    }

    public boolean untrusted() {
        return UNTRUSTED.equals(verdict);
    }

    /**
     * Two consecutive segments' results as one (the second's entries follow the first's). The
     * first broken segment decides; untrusted keys and counts add up.
     */
    static AuditVerification join(AuditVerification first, AuditVerification second, String pinnedSource) {
        List<String> keys = new ArrayList<>(first.untrustedKeys());
        second.untrustedKeys().stream().filter(k -> !keys.contains(k)).forEach(keys::add);
        long untrusted = first.untrustedCheckpoints() + second.untrustedCheckpoints();
        Long last = second.lastCheckpointSeq() != null ? second.lastCheckpointSeq() : first.lastCheckpointSeq();
        if (first.broken()) {
            return new AuditVerification(false, BROKEN, first.entries(), first.firstBrokenSeq(), first.problem(), first.checkpoints(),
                    first.lastCheckpointSeq(), untrusted, keys, first.externalCheckpoints());
        }
        long entries = first.entries() + second.entries();
        long checkpoints = first.checkpoints() + second.checkpoints();
        long external = first.externalCheckpoints() + second.externalCheckpoints();
        if (second.broken()) {
            return new AuditVerification(false, BROKEN, entries, second.firstBrokenSeq(), second.problem(), checkpoints, last,
                    untrusted, keys, external);
        }
        return of(entries, null, null, checkpoints, last, untrusted, keys, external, pinnedSource);
    }

    /** A result whose verdict follows from what was found: broken when {@code brokenSeq} is set, else untrusted or intact. */
    static AuditVerification of(long entries, Long brokenSeq, String problem, long checkpoints, Long last, long untrusted,
                                List<String> untrustedKeys, long external, String pinnedSource) {
        if (brokenSeq != null) {
            return new AuditVerification(false, BROKEN, entries, brokenSeq, problem, checkpoints, last, untrusted, untrustedKeys, external);
        }
        if (untrusted > 0) {
            return new AuditVerification(false, UNTRUSTED, entries, null, untrusted + " signed checkpoint(s) verify only with key(s) "
                    + "not pinned in " + pinnedSource + ": " + String.join(", ", untrustedKeys), checkpoints, last, untrusted,
                    untrustedKeys, external);
        }
        return new AuditVerification(true, INTACT, entries, null, null, checkpoints, last, 0, List.of(), external);
    }
}
