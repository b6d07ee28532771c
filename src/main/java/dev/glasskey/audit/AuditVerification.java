package dev.glasskey.audit;

/**
 * The outcome of verifying the chain and its signed checkpoints.
 *
 * @param intact              every entry links and hashes, the head matches, every checkpoint verifies and matches
 * @param entries             entries read
 * @param firstBrokenSeq      the first entry (or checkpoint position) that does not verify, or null
 * @param problem             what is wrong there, for people; null when intact
 * @param checkpoints         checkpoints whose signature and position verified
 * @param lastCheckpointSeq   the newest verified checkpoint's entry, or null when there is none
 */
public record AuditVerification(boolean intact, long entries, Long firstBrokenSeq, String problem, long checkpoints,
                                Long lastCheckpointSeq) {
}
