package dev.glasskey.emergency;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.glasskey.key.SecurityKey;
import dev.glasskey.webauthn.Credential;

/**
 * The accounts × keys matrix: one row per emergency account, one column per active inventory
 * key, keys grouped by location and then custodian. Each cell says whether the pair works and
 * when it was last drilled.
 */
public record Matrix(Instant computedAt, List<Column> columns, List<Group> locations, List<Group> custodians, List<Row> rows,
                     long missing, long overdue) {

    /** A heading over adjacent columns that share a location (or a location and custodian). */
    public record Group(String label, int span) {}

    /** Cell states, from good to bad; the page colours by these. */
    public enum CellState {
        /** enrolled, working, drilled within the interval */
        READY,
        /** enrolled and working; drill coming due within the warning period */
        DUE_SOON,
        /** enrolled and working; never drilled or drill overdue */
        UNDRILLED,
        /** enrolled but not working: credential suspended, or model no longer allowed */
        BROKEN,
        /** enrolled on a key marked lost or retired: the credential no longer works (issue 18: a lost key stays visible) */
        KEY_LOST,
        /** not enrolled */
        MISSING;

        public String value() { return name().toLowerCase().replace('_', '-'); }
    }

    /** A key's column; {@code status} is {@code active}, or {@code lost}/{@code retired} for a key still carrying emergency credentials. */
    public record Column(String keyId, String label, String model, String serial, String custodian, String location,
                         int capacity, long used, String status) {
        public boolean active() {
            return "active".equals(status);
        }
    }

    public record Cell(String keyId, CellState state, String credentialId, Instant lastDrill, Instant drillDue) {}

    public record Row(String accountId, String displayName, boolean enabled, boolean usable, List<String> problems, List<Cell> cells) {}

    static Matrix of(EmergencyState state, EmergencyProperties properties) {
        Map<String, Usability.Verdict> verdicts = Usability.judge(state);
        // Columns: active keys that carry an emergency account, or nobody yet (a spare); a key
        // that only carries people's own accounts is not an emergency key. A lost or retired key
        // that still carries emergency credentials keeps its column, flagged, after the active ones:
        // a key that silently disappears is a key nobody goes looking for (issue 18).
        java.util.Set<String> emergencyIds = verdicts.keySet();
        List<SecurityKey> keys = state.keys().stream()
                .filter(k -> {
                    List<Credential> live = state.credentials().stream()
                            .filter(c -> c.keyId().equals(k.id()) && c.status() != Credential.Status.REVOKED).toList();
                    boolean carriesEmergency = live.stream().anyMatch(c -> emergencyIds.contains(c.accountId()));
                    return k.status() == SecurityKey.Status.ACTIVE ? live.isEmpty() || carriesEmergency : carriesEmergency;
                })
                .sorted(Comparator.comparing((SecurityKey k) -> k.status() != SecurityKey.Status.ACTIVE)
                        .thenComparing(k -> k.location() == null ? "\uffff" : k.location().toLowerCase())
                        .thenComparing(k -> k.custodian() == null ? "\uffff" : k.custodian().toLowerCase())
                        .thenComparing(SecurityKey::label))
                .toList();
        List<Column> columns = keys.stream().map(k -> new Column(k.id(), k.label(), k.model(), k.serial(), k.custodian(),
                k.location(), k.capacity(), Readiness.slotsUsed(state, k.id()), k.status().value())).toList();
        List<Row> rows = new ArrayList<>();
        long missing = 0;
        long overdue = 0;
        for (Usability.Verdict v : verdicts.values()) {
            List<Cell> cells = new ArrayList<>();
            for (SecurityKey k : keys) {
                Cell cell = cell(state, properties, v, k);
                if (cell.state() == CellState.MISSING && k.status() == SecurityKey.Status.ACTIVE) missing++;
                if (cell.state() == CellState.UNDRILLED) overdue++;
                cells.add(cell);
            }
            rows.add(new Row(v.account().id(), v.account().displayName(), v.account().enabled(), v.usable(), v.problems(), cells));
        }
        return new Matrix(state.now(), columns, groups(columns, c -> c.location() == null ? "location not recorded" : c.location()),
                groups(columns, c -> (c.location() == null ? "" : c.location()) + "\u0000" + (c.custodian() == null ? "no custodian" : c.custodian())),
                rows, missing, overdue);
    }

    /** Runs of adjacent columns with the same key (columns are sorted by location, then custodian). */
    private static List<Group> groups(List<Column> columns, java.util.function.Function<Column, String> key) {
        List<Group> groups = new ArrayList<>();
        String current = null;
        int span = 0;
        for (Column c : columns) {
            String k = key.apply(c);
            if (k.equals(current)) {
                span++;
                continue;
            }
            if (current != null) groups.add(new Group(label(current), span));
            current = k;
            span = 1;
        }
        if (current != null) groups.add(new Group(label(current), span));
        return groups;
    }

    private static String label(String key) {
        int cut = key.indexOf('\u0000');
        return cut < 0 ? key : key.substring(cut + 1);
    }

    private static Cell cell(EmergencyState state, EmergencyProperties properties, Usability.Verdict v, SecurityKey key) {
        Instant last = state.lastDrills().get(new EmergencyState.Pair(v.account().id(), key.id()));
        Instant due = last == null ? null : last.plus(properties.drillInterval());
        Optional<Credential> working = v.workingCredentials().stream().filter(c -> c.keyId().equals(key.id())).findFirst();
        if (working.isPresent()) {
            CellState s = switch (Readiness.DrillDue.of(last, state.now(), properties.drillInterval(), properties.drillWarning())) {
                case CURRENT -> CellState.READY;
                case DUE_SOON -> CellState.DUE_SOON;
                case NEVER, OVERDUE -> CellState.UNDRILLED;
            };
            return new Cell(key.id(), s, working.get().id(), last, due);
        }
        Optional<Credential> present = state.credentials().stream()
                .filter(c -> c.accountId().equals(v.account().id()) && c.keyId().equals(key.id()) && c.status() != Credential.Status.REVOKED)
                .findFirst();
        CellState enrolledButNotWorking = key.status() == SecurityKey.Status.ACTIVE ? CellState.BROKEN : CellState.KEY_LOST;
        return present.map(c -> new Cell(key.id(), enrolledButNotWorking, c.id(), last, due))
                .orElseGet(() -> new Cell(key.id(), CellState.MISSING, null, last, due));
    }
}
