package dev.glasskey.mds;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * The loaded metadata as the rest of Glasskey judges by it, at one moment: the snapshot, whether it is
 * current, and the models whose status in force is in the deny set.
 *
 * @param day        the day (UTC) status reports are judged on
 * @param staleFrom  the BLOB's nextUpdate (start of that day, UTC); null when none is loaded
 * @param failFrom   {@code staleFrom} plus {@code glasskey.mds.stale-grace}
 * @param compromised models in the deny set, by AAGUID
 */
public record MdsStatus(MdsSnapshot snapshot, java.time.LocalDate day, Freshness freshness, Instant staleFrom, Instant failFrom,
                        Map<String, MdsSnapshot.Compromise> compromised) {

    /** Where the BLOB stands against its nextUpdate. Staleness never makes a key unusable by itself. */
    public enum Freshness {
        /** no BLOB loaded */
        NONE,
        /** before nextUpdate */
        CURRENT,
        /** nextUpdate passed, within the grace period: readiness warns */
        STALE,
        /** past the grace period: readiness fails */
        EXPIRED,
        /** the stored BLOB no longer parses: no status reports apply, readiness fails until one is loaded again */
        UNREADABLE
    }

    public MdsStatus {
        compromised = Map.copyOf(compromised);
    }

    public Set<String> compromisedAaguids() {
        return compromised.keySet();
    }

    /** The certification level of a model in force on {@link #day}, or null. */
    public MdsModel.Report certification(MdsModel model) {
        return model.certification(day);
    }

    /** The status of a model in force on {@link #day}, or null. */
    public MdsModel.Report latestStatus(MdsModel model) {
        return model.latestStatus(day);
    }
}
