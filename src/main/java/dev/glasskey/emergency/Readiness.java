package dev.glasskey.emergency;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.glasskey.account.Account;
import dev.glasskey.key.SecurityKey;
import dev.glasskey.mds.MdsStatus;
import dev.glasskey.webauthn.AuthenticatorStandard;
import dev.glasskey.webauthn.Credential;

/**
 * The readiness checks of DOMAIN rule 4 (and issue 19's key models and metadata), as pure functions of an {@link EmergencyState}. Each
 * check names what it found and what to do. Thresholds: fewer usable emergency accounts than the
 * guard's minimum fails, 3–5 is the recommendation (Microsoft's guidance asks for at least two);
 * an overdue or never-drilled pair fails, one coming due within the warning period warns.
 */
public final class Readiness {
    private Readiness() {}

    public static final int RECOMMENDED_MIN = 3;
    static final int RECOMMENDED_MAX = 5;

    public static ReadinessReport report(EmergencyState state, EmergencyProperties properties, List<ReadinessCheck> extra) {
        Map<String, Usability.Verdict> verdicts = Usability.judge(state);
        int usable = (int) verdicts.values().stream().filter(Usability.Verdict::usable).count();
        List<ReadinessCheck> checks = new ArrayList<>();
        checks.add(accounts(verdicts, usable, properties.minimumUsableAccounts()));
        checks.add(keysPerAccount(state, verdicts));
        checks.add(locations(state, verdicts));
        checks.add(matrix(state, verdicts));
        checks.add(drills(state, verdicts, properties.drillInterval(), properties.drillWarning()));
        checks.add(capacity(state));
        checks.add(impersonal(state, verdicts));
        checks.add(administrators(state));
        checks.add(keyModels(state, usable, properties.minimumUsableAccounts()));
        checks.add(metadata(state));
        checks.addAll(extra);
        return ReadinessReport.of(state.now(), usable, properties.minimumUsableAccounts(), checks);
    }

    static ReadinessCheck accounts(Map<String, Usability.Verdict> verdicts, int usable, int minimum) {
        String id = "emergency.accounts";
        String title = "At least " + minimum + " usable emergency accounts (" + RECOMMENDED_MIN + "–" + RECOMMENDED_MAX + " recommended)";
        List<String> unusable = verdicts.values().stream().filter(v -> !v.usable())
                .map(v -> "'" + v.account().displayName() + "' (" + String.join(", ", v.problems()) + ")").toList();
        String found = usable + " of " + verdicts.size() + " emergency accounts usable"
                + (unusable.isEmpty() ? "." : "; not usable: " + String.join("; ", unusable) + ".");
        if (usable < minimum) {
            return ReadinessCheck.fail(id, title, found, "Create emergency accounts with the global-admin role and enrol each on "
                    + "at least two security keys, or repair the accounts listed.");
        }
        if (usable < RECOMMENDED_MIN) {
            return ReadinessCheck.warn(id, title, found, "Add an emergency account: with only " + usable
                    + ", losing one leaves the organisation at the minimum.");
        }
        if (verdicts.size() > RECOMMENDED_MAX) {
            return ReadinessCheck.warn(id, title, found, "Keep at most " + RECOMMENDED_MAX
                    + " emergency accounts: each one is a standing privileged identity to guard and drill.");
        }
        if (!unusable.isEmpty()) {
            return ReadinessCheck.warn(id, title, found, "Repair or delete the accounts listed.");
        }
        return ReadinessCheck.pass(id, title, found);
    }

    static ReadinessCheck keysPerAccount(EmergencyState state, Map<String, Usability.Verdict> verdicts) {
        String id = "emergency.keys_per_account";
        String title = "Every emergency account enrolled on at least 2 active keys";
        if (verdicts.isEmpty()) {
            return ReadinessCheck.fail(id, title, "There are no emergency accounts.", "Create emergency accounts.");
        }
        List<String> none = new ArrayList<>();
        List<String> one = new ArrayList<>();
        for (Usability.Verdict v : verdicts.values()) {
            if (!v.account().enabled()) continue;
            long keys = v.workingCredentials().stream().map(Credential::keyId).distinct().count();
            if (keys == 0) none.add("'" + v.account().displayName() + "'");
            else if (keys == 1) one.add("'" + v.account().displayName() + "'");
        }
        if (!none.isEmpty()) {
            return ReadinessCheck.fail(id, title, "On no working key: " + String.join(", ", none)
                    + (one.isEmpty() ? "." : "; on only one key: " + String.join(", ", one) + "."),
                    "Enrol each listed account on at least two active security keys kept in different places.");
        }
        if (!one.isEmpty()) {
            return ReadinessCheck.warn(id, title, "On only one working key: " + String.join(", ", one) + ".",
                    "Enrol each listed account on a second security key kept in another place.");
        }
        return ReadinessCheck.pass(id, title, "Every enabled emergency account works on at least two keys.");
    }

    static ReadinessCheck locations(EmergencyState state, Map<String, Usability.Verdict> verdicts) {
        String id = "emergency.locations";
        String title = "Emergency keys kept in at least 2 places";
        List<SecurityKey> keys = emergencyKeys(state, verdicts);
        Set<String> places = new TreeSet<>();
        List<String> unrecorded = new ArrayList<>();
        for (SecurityKey k : keys) {
            if (k.location() == null) unrecorded.add("'" + k.label() + "'");
            else places.add(k.location().strip().toLowerCase(Locale.ROOT));
        }
        String found = keys.size() + " emergency key(s) in " + places.size() + " recorded place(s)"
                + (unrecorded.isEmpty() ? "." : "; no location recorded for " + String.join(", ", unrecorded) + ".");
        if (places.size() < 2) {
            return ReadinessCheck.fail(id, title, found, "Keep the emergency keys in at least two separate places and record "
                    + "each key's location in the inventory, so one fire, theft or flood cannot take them all.");
        }
        if (!unrecorded.isEmpty()) {
            return ReadinessCheck.warn(id, title, found, "Record where each listed key is kept.");
        }
        return ReadinessCheck.pass(id, title, found);
    }

    static ReadinessCheck matrix(EmergencyState state, Map<String, Usability.Verdict> verdicts) {
        String id = "emergency.matrix";
        String title = "Every emergency key carries every emergency account";
        List<SecurityKey> keys = emergencyKeys(state, verdicts);
        List<String> missing = new ArrayList<>();
        for (Usability.Verdict v : verdicts.values()) {
            if (!v.account().enabled()) continue;
            Set<String> on = v.workingCredentials().stream().map(Credential::keyId).collect(Collectors.toSet());
            for (SecurityKey k : keys) {
                if (!on.contains(k.id())) missing.add("'" + v.account().displayName() + "' on '" + k.label() + "'");
            }
        }
        if (keys.isEmpty()) {
            return ReadinessCheck.fail(id, title, "No active key carries an emergency account.", "Enrol the emergency accounts on security keys.");
        }
        if (!missing.isEmpty()) {
            return ReadinessCheck.warn(id, title, missing.size() + " missing: " + String.join(", ", missing) + ".",
                    "Issue enrolment links for the missing pairs (the matrix page lists them), so any one key opens every account.");
        }
        return ReadinessCheck.pass(id, title, "All " + keys.size() + " emergency keys carry every enabled emergency account.");
    }

    static ReadinessCheck drills(EmergencyState state, Map<String, Usability.Verdict> verdicts, Duration interval, Duration warning) {
        String id = "emergency.drills";
        String title = "Every (account, key) pair drilled within " + interval.toDays() + " days";
        List<String> overdue = new ArrayList<>();
        List<String> dueSoon = new ArrayList<>();
        List<DrillPair> pairList = drillPairs(state, verdicts, interval, warning);
        int pairs = pairList.size();
        for (DrillPair p : pairList) {
            String pair = "'" + p.verdict().account().displayName() + "' on '" + state.key(p.keyId()).label() + "'";
            switch (p.due()) {
                case NEVER -> overdue.add(pair + " never drilled");
                case OVERDUE -> overdue.add(pair + " last drilled " + p.lastDrill());
                case DUE_SOON -> dueSoon.add(pair + " due by " + p.lastDrill().plus(interval));
                case CURRENT -> { }
            }
        }
        if (!overdue.isEmpty()) {
            return ReadinessCheck.fail(id, title, overdue.size() + " of " + pairs + " pairs overdue: " + String.join(", ", overdue) + ".",
                    "Start a drill (console: Readiness → Start drill) and have each custodian sign in with the key on each account.");
        }
        if (!dueSoon.isEmpty()) {
            return ReadinessCheck.warn(id, title, dueSoon.size() + " of " + pairs + " pairs coming due: " + String.join(", ", dueSoon) + ".",
                    "Schedule a drill for these pairs before they are overdue.");
        }
        return ReadinessCheck.pass(id, title, pairs == 0 ? "No enrolled pairs to drill." : "All " + pairs + " pairs drilled within the interval.");
    }

    static ReadinessCheck capacity(EmergencyState state) {
        String id = "emergency.capacity";
        String title = "No key over its discoverable-credential capacity";
        List<String> over = new ArrayList<>();
        List<String> full = new ArrayList<>();
        for (SecurityKey k : state.keys()) {
            if (k.status() != SecurityKey.Status.ACTIVE) continue;
            long used = slotsUsed(state, k.id());
            if (used > k.capacity()) over.add("'" + k.label() + "' holds " + used + " of " + k.capacity());
            else if (used == k.capacity()) full.add("'" + k.label() + "' (" + used + ")");
        }
        if (!over.isEmpty()) {
            return ReadinessCheck.fail(id, title, String.join(", ", over) + ".", "Check the recorded capacity against the key model, "
                    + "and move accounts to another key: the key may already have overwritten older credentials.");
        }
        if (!full.isEmpty()) {
            return ReadinessCheck.warn(id, title, "Full: " + String.join(", ", full) + ".",
                    "A full key cannot take a new emergency account; plan a second key for new accounts.");
        }
        return ReadinessCheck.pass(id, title, "Every active key has room.");
    }

    static ReadinessCheck impersonal(EmergencyState state, Map<String, Usability.Verdict> verdicts) {
        String id = "emergency.impersonal";
        String title = "Emergency accounts are not tied to a person";
        List<Account> people = state.accounts().stream().filter(a -> !a.emergency()).toList();
        List<String> named = new ArrayList<>();
        for (Usability.Verdict v : verdicts.values()) {
            String name = normalise(v.account().displayName());
            for (Account p : people) {
                String person = normalise(p.displayName());
                if (name.equals(person) || (person.contains(" ") && name.contains(person))) {
                    named.add("'" + v.account().displayName() + "' is named after '" + p.displayName() + "'");
                }
            }
        }
        Set<String> emergencyKeyIds = emergencyKeys(state, verdicts).stream().map(SecurityKey::id).collect(Collectors.toSet());
        Set<String> personIds = people.stream().map(Account::id).collect(Collectors.toSet());
        Set<String> shared = new TreeSet<>();
        for (Credential c : state.credentials()) {
            if (c.status() == Credential.Status.ACTIVE && personIds.contains(c.accountId()) && emergencyKeyIds.contains(c.keyId())) {
                String person = people.stream().filter(p -> p.id().equals(c.accountId())).findFirst().orElseThrow().displayName();
                shared.add("key '" + state.key(c.keyId()).label() + "' also carries personal account '" + person + "'");
            }
        }
        List<String> personLike = verdicts.values().stream().map(v -> v.account().displayName())
                .filter(Readiness::looksLikeAPersonsName).map(n -> "'" + n + "'").toList();
        if (!named.isEmpty()) {
            return ReadinessCheck.fail(id, title, String.join("; ", named) + ".",
                    "Rename the emergency account after its function (e.g. 'Break-glass 1'): it belongs to the organisation, not to a person.");
        }
        if (!personLike.isEmpty() || !shared.isEmpty()) {
            List<String> found = new ArrayList<>();
            if (!personLike.isEmpty()) {
                found.add(String.join(", ", personLike) + " look" + (personLike.size() == 1 ? "s" : "") + " like a person's name ("
                        + IMPERSONAL_LIMIT + ")");
            }
            found.addAll(shared);
            return ReadinessCheck.warn(id, title, String.join("; ", found) + ".", !personLike.isEmpty()
                    ? "Rename the emergency account after its function (e.g. 'Break-glass 1'): it belongs to the organisation, not to a person."
                    : "Keep emergency keys for emergency accounts only: a key carried daily by a person travels, wears and gets lost with them.");
        }
        return ReadinessCheck.pass(id, title, "No emergency account is named after a person or shares a key with one ("
                + IMPERSONAL_LIMIT + ").");
    }

    /**
     * Administrators are held to the emergency standard (issue 13): one whose every credential falls
     * short of it — a synced passkey, or a model the allow-list does not admit — can no longer sign in.
     */
    static ReadinessCheck administrators(EmergencyState state) {
        String id = "emergency.administrators";
        String title = "Administrators sign in with emergency-grade security keys";
        List<String> stranded = Usability.administratorsWithoutEmergencyGradeKeys(state).stream()
                .map(a -> "'" + a.displayName() + "'").toList();
        if (!stranded.isEmpty()) {
            return ReadinessCheck.warn(id, title, "No credential of " + String.join(", ", stranded)
                    + " meets the standard (device-bound; not of a model reported compromised; an allowed, attested model when the allow-list is set), "
                    + "so they cannot sign in.",
                    "Enrol each listed administrator on a device-bound security key of an allowed model, then revoke the old credentials.");
        }
        return ReadinessCheck.pass(id, title, "Every administrator holding a credential can sign in with one that meets the standard.");
    }

    /**
     * Issue 19: no credential of an account held to the emergency standard (emergency accounts,
     * administrators) is of a model whose latest status in the loaded FIDO metadata is in the deny set.
     * Such credentials no longer count (Usability), so this check names the keys and accounts to act on
     * and says how many emergency accounts remain usable.
     */
    static ReadinessCheck keyModels(EmergencyState state, int usable, int minimum) {
        String id = "emergency.key_models";
        String title = "No emergency or administrator key is of a model FIDO metadata reports compromised";
        MdsStatus metadata = state.metadata();
        if (!metadata.snapshot().loaded()) {
            return ReadinessCheck.pass(id, title, "No FIDO metadata is loaded: status reports are not checked.");
        }
        Map<String, Account> held = new LinkedHashMap<>();
        for (Account a : state.accounts()) {
            if (AuthenticatorStandard.requiredFor(a)) held.put(a.id(), a);
        }
        // key id -> the accounts whose live credential on it is of a compromised model
        Map<String, Set<String>> keys = new LinkedHashMap<>();
        Map<String, String> models = new LinkedHashMap<>();
        for (Credential c : state.credentials()) {
            Account a = held.get(c.accountId());
            if (a == null || c.status() == Credential.Status.REVOKED
                    || !AuthenticatorStandard.compromised(c.aaguid(), state.compromisedAaguids())) continue;
            keys.computeIfAbsent(c.keyId(), k -> new TreeSet<>()).add("'" + a.displayName() + "'");
            models.put(c.keyId(), metadata.compromised().get(c.aaguid()).describe());
        }
        if (keys.isEmpty()) {
            return ReadinessCheck.pass(id, title, "No such credential (FIDO metadata BLOB no. " + metadata.snapshot().serial() + ").");
        }
        List<String> found = new ArrayList<>();
        keys.forEach((keyId, accounts) -> {
            SecurityKey key = state.key(keyId);
            found.add("key '" + (key == null ? keyId : key.label()) + "' (model " + models.get(keyId) + ") carrying "
                    + String.join(", ", accounts));
        });
        int total = state.emergencyAccounts().size();
        return ReadinessCheck.fail(id, title, "FIDO metadata BLOB no. " + metadata.snapshot().serial() + ": " + String.join("; ", found)
                        + ". These credentials no longer count: " + usable + " of " + total + " emergency accounts remain usable (minimum "
                        + minimum + (usable < minimum ? ", BELOW IT" : "") + ").",
                "Enrol the listed accounts on spare keys of another model (one not reported compromised) now, then revoke the "
                        + "listed credentials and retire these keys.");
    }

    /** Issue 19: the loaded BLOB is current. Stale metadata is reported, and never makes a key unusable by itself. */
    static ReadinessCheck metadata(EmergencyState state) {
        String id = "emergency.metadata";
        String title = "FIDO metadata current (status reports of key models)";
        MdsStatus m = state.metadata();
        String load = "Download the current BLOB (https://mds3.fidoalliance.org/) and load it: glasskey mds load, POST /api/mds, "
                + "or the console's Key models page.";
        return switch (m.freshness()) {
            case NONE -> ReadinessCheck.pass(id, title, "No FIDO metadata is loaded (optional): key models are judged by the allow-list alone.");
            case CURRENT -> ReadinessCheck.pass(id, title, "BLOB no. " + m.snapshot().serial() + ", next update due "
                    + m.snapshot().nextUpdate() + ".");
            case STALE -> ReadinessCheck.warn(id, title, "BLOB no. " + m.snapshot().serial() + " was due to be replaced on "
                    + m.snapshot().nextUpdate() + ": status reports published since are missing. It turns into a failure at " + m.failFrom()
                    + ".", load);
            case UNREADABLE -> ReadinessCheck.fail(id, title, "The stored BLOB no. " + m.snapshot().serial() + " cannot be parsed "
                    + "(see the server log): no status reports apply.", load);
            case EXPIRED -> ReadinessCheck.fail(id, title, "BLOB no. " + m.snapshot().serial() + " was due to be replaced on "
                    + m.snapshot().nextUpdate() + ", more than the grace period (glasskey.mds.stale-grace) ago: status reports "
                    + "published since are missing. Keys are not affected by this alone.", load);
        };
    }

    /** A working (enabled emergency account, key) pair and where it stands against the drill interval. */
    record DrillPair(Usability.Verdict verdict, String keyId, Instant lastDrill, DrillDue due) {}

    /** Every pair that should be drilled: each enabled emergency account on each key it works on. */
    static List<DrillPair> drillPairs(EmergencyState state, Map<String, Usability.Verdict> verdicts, Duration interval, Duration warning) {
        List<DrillPair> pairs = new ArrayList<>();
        for (Usability.Verdict v : verdicts.values()) {
            if (!v.account().enabled()) continue;
            for (String keyId : v.workingCredentials().stream().map(Credential::keyId).collect(Collectors.toCollection(LinkedHashSet::new))) {
                Instant last = state.lastDrills().get(new EmergencyState.Pair(v.account().id(), keyId));
                pairs.add(new DrillPair(v, keyId, last, DrillDue.of(last, state.now(), interval, warning)));
            }
        }
        return pairs;
    }

    /** Active keys carrying at least one working emergency credential. */
    static List<SecurityKey> emergencyKeys(EmergencyState state, Map<String, Usability.Verdict> verdicts) {
        Set<String> ids = verdicts.values().stream().flatMap(v -> v.workingCredentials().stream())
                .map(Credential::keyId).collect(Collectors.toSet());
        return state.keys().stream().filter(k -> ids.contains(k.id())).toList();
    }

    /** Credentials occupying a slot on the key: revoked ones may have been overwritten, suspect ones not. */
    static long slotsUsed(EmergencyState state, String keyId) {
        return state.credentials().stream().filter(c -> c.keyId().equals(keyId) && c.status() != Credential.Status.REVOKED).count();
    }

    /** What the impersonal check can and cannot see, said wherever it reports (issue 18). */
    static final String IMPERSONAL_LIMIT = "checked: the exact names of people's accounts here, and the shape of a personal name — "
            + "two or three capitalised words with no digit and no functional word such as 'break-glass', 'emergency' or 'admin'; "
            + "a person's name in another form is not caught";

    /** Words that say what an account is for; a name containing one is taken as functional. */
    private static final Set<String> FUNCTIONAL_WORDS = Set.of("break", "glass", "break-glass", "breakglass", "emergency", "admin",
            "administrator", "account", "recovery", "backup", "root", "ops", "operations", "security", "vault", "access", "team",
            "service", "on-call", "oncall", "primary", "secondary", "spare", "reserve", "fallback", "firecall", "fire", "key",
            "one", "two", "three", "four", "five", "alpha", "bravo", "charlie", "delta", "echo", "north", "south", "east", "west",
            "site", "office", "hq", "dr", "safe", "sealed", "envelope", "global", "tenant", "owner", "test");

    /**
     * A guess from the shape of the name alone: "John Smith" looks personal, "Break-glass 1" does not.
     * Two or three words, each capitalised letters ("Anna", "O'Neil", "Mary-Jane"), none a functional word.
     */
    static boolean looksLikeAPersonsName(String displayName) {
        String[] words = displayName.strip().split("\\s+");
        if (words.length < 2 || words.length > 3) {
            return false;
        }
        for (String w : words) {
            if (!w.matches("\\p{Lu}\\p{Ll}*(['-]\\p{Lu}?\\p{Ll}+)*") || FUNCTIONAL_WORDS.contains(w.toLowerCase(Locale.ROOT))) {
                return false;
            }
            for (String part : w.toLowerCase(Locale.ROOT).split("-")) {
                if (FUNCTIONAL_WORDS.contains(part)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String normalise(String s) {
        return s.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    }

    /** Where a pair stands against the drill interval. */
    enum DrillDue {
        NEVER, OVERDUE, DUE_SOON, CURRENT;

        static DrillDue of(Instant last, Instant now, Duration interval, Duration warning) {
            if (last == null) return NEVER;
            Instant due = last.plus(interval);
            if (!now.isBefore(due)) return OVERDUE;
            if (!now.plus(warning).isBefore(due)) return DUE_SOON;
            return CURRENT;
        }
    }
}
