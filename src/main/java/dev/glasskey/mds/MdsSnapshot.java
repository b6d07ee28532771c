package dev.glasskey.mds;

import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parsed form of the accepted BLOB, kept in memory ({@link MdsSnapshots}) and replaced as a
 * whole: its header facts and every model it describes by AAGUID. Immutable; {@link #NONE} while
 * no BLOB has been loaded.
 *
 * @param serial     the BLOB's {@code no}; 0 for {@link #NONE}
 * @param nextUpdate when the FIDO Alliance promises the next BLOB (MDS3 §3.1.6)
 */
public record MdsSnapshot(long serial, LocalDate nextUpdate, String legalHeader, String sha256, Instant loadedAt, String loadedBy,
                          String source, Map<String, MdsModel> models) {

    public static final MdsSnapshot NONE = new MdsSnapshot(0, null, null, null, null, null, null, Map.of());

    public MdsSnapshot {
        models = Map.copyOf(models);
    }

    /** The stored BLOB no. {@code serial} that no longer parses: no models, no nextUpdate. */
    static MdsSnapshot unreadable(long serial, String sha256, Instant loadedAt, String loadedBy, String source) {
        return new MdsSnapshot(serial, null, null, sha256, loadedAt, loadedBy, source, Map.of());
    }

    public boolean loaded() {
        return serial > 0;
    }

    /** Loaded, but the stored BLOB could not be parsed ({@link #unreadable}). */
    public boolean unreadable() {
        return loaded() && nextUpdate == null;
    }

    public Optional<MdsModel> model(String aaguid) {
        return aaguid == null ? Optional.empty() : Optional.ofNullable(models.get(aaguid));
    }

    /** A model whose status in force is in the deny set: which, why and since when. */
    public record Compromise(String aaguid, String name, String status, LocalDate since) {
        public String describe() {
            return "'" + name + "' (" + aaguid + ") is " + status + (since == null ? "" : " since " + since);
        }
    }

    /** The models whose status in force on {@code day} is one of {@code deny}, by AAGUID. */
    public Map<String, Compromise> compromised(Set<String> deny, LocalDate day) {
        Map<String, Compromise> result = new LinkedHashMap<>();
        for (MdsModel m : models.values()) {
            MdsModel.Report latest = m.latestStatus(day);
            if (latest != null && deny.contains(latest.status())) {
                result.put(m.aaguid(), new Compromise(m.aaguid(), m.description(), latest.status(), latest.effectiveDate()));
            }
        }
        return Map.copyOf(result);
    }
}
