package dev.glasskey.emergency;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.glasskey.GlasskeyApplication;
import dev.glasskey.account.AccountService;
import dev.glasskey.account.Roles;
import dev.glasskey.key.KeyService;
import dev.glasskey.system.Actor;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.GlasskeyException;
import dev.glasskey.testing.SoftwareAuthenticator;
import dev.glasskey.testing.TempDirs;
import dev.glasskey.webauthn.AllowedModelService;
import dev.glasskey.webauthn.CredentialService;
import dev.glasskey.webauthn.EnrolmentService;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lockout guard under long random sequences of administrative changes, through the real
 * services on the real (embedded) database. A small model of the world, written here and not
 * shared with the product, predicts for every change whether the guard must refuse it; the test
 * asserts the guard refuses exactly those, that a refused change leaves stored state exactly as
 * it was, that the server's count of usable emergency accounts matches the model's, and that it
 * never drops below the minimum.
 *
 * <p>World per try: four emergency accounts (global-admin) each enrolled on three keys; keys 0
 * and 1 are model X, key 2 is model Y, each with genuine packed attestation from its model's CA.
 */
class LockoutGuardPropertyTest {
    static final int ACCOUNTS = 4;
    static final int KEYS = 3;
    static final int MINIMUM = 2;
    static final UUID MODEL_X = UUID.fromString("0a0a0a0a-1111-4111-8111-000000000001");
    static final UUID MODEL_Y = UUID.fromString("0b0b0b0b-2222-4222-8222-000000000002");
    static final String ORIGIN = "http://localhost:8080";

    static ConfigurableApplicationContext context;

    @BeforeContainer
    static void start() {
        SpringApplication app = new SpringApplication(GlasskeyApplication.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        context = app.run("--glasskey.data-dir=" + TempDirs.create("glasskey-guard-props-"),
                "--glasskey.first-start.enabled=false", "--logging.level.root=warn");
    }

    @AfterContainer
    static void stop() {
        if (context != null) context.close();
    }

    /** One administrative change, by index into the world. */
    record Change(Kind kind, int index, int other) {
        @Override
        public String toString() {
            return kind + "(" + index + (kind == Kind.REVOKE ? "," + other : "") + ")";
        }
    }

    /**
     * The kinds of change. PIM (issue 16): {@code ELIGIBLE} gives a permanent eligible assignment of
     * global-admin (which an emergency account activates on its own: usable), {@code ELIGIBLE_UNTIL}
     * one with an end (runs out by itself: not usable), {@code END_ELIGIBLE} removes the live one,
     * {@code ACTIVATE} / {@code DEACTIVATE} an emergency activation from it and its early end.
     */
    enum Kind { DISABLE, ENABLE, DROP_ADMIN, GRANT_ADMIN, REVOKE, KEY_LOST, KEY_RETIRE, ALLOW_X, ALLOW_Y, UNLIST_X, UNLIST_Y,
        ELIGIBLE, ELIGIBLE_UNTIL, END_ELIGIBLE, ACTIVATE, DEACTIVATE }

    @Provide
    Arbitrary<List<Change>> changes() {
        Arbitrary<Change> change = Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, ACCOUNTS - 1),
                Arbitraries.integers().between(0, KEYS - 1)).as((kind, i, j) -> new Change(kind,
                switch (kind) {
                    case KEY_LOST, KEY_RETIRE -> i % KEYS;
                    default -> i;
                }, j));
        return change.list().ofMinSize(30).ofMaxSize(60);
    }

    @Property(tries = 50)
    void usableEmergencyAccountsNeverDropBelowTheMinimum(@ForAll("changes") @Size(min = 30, max = 60) List<Change> changes) {
        World world = new World(context);
        Model model = world.model;
        assertThat(world.usableOnServer()).isEqualTo(ACCOUNTS);
        for (Change change : changes) {
            Model after = model.apply(change);
            boolean mustRefuse = after != null && after.usable().size() < MINIMUM
                    && !after.usable().containsAll(model.usable());
            String before = world.storedState();
            GlasskeyException refusal = null;
            try {
                world.apply(change);
            } catch (GlasskeyException e) {
                refusal = e;
            }
            Statistics.label("outcome").collect(after == null ? "not applicable" : mustRefuse ? "refused by the guard" : "accepted");
            if (after == null) {
                // not applicable in this state (e.g. the key is already lost): refused or a no-op, nothing changes
                assertThat(world.storedState()).as("%s not applicable", change).isEqualTo(before);
                if (refusal != null) {
                    assertThat(refusal.errorCode()).as("%s", change).isNotEqualTo(ErrorCode.LOCKOUT_GUARD);
                }
                continue;
            }
            if (mustRefuse) {
                assertThat(refusal).as("%s must be refused: usable %s -> %s", change, model.usable(), after.usable()).isNotNull();
                assertThat(refusal.errorCode()).isEqualTo(ErrorCode.LOCKOUT_GUARD);
                assertThat(world.storedState()).as("refused %s left state untouched", change).isEqualTo(before);
            } else {
                assertThat(refusal).as("%s must pass: usable %s -> %s", change, model.usable(), after.usable()).isNull();
                model = after;
                world.model = after;
            }
            assertThat(world.usableOnServer()).as("usable after %s", change).isEqualTo(model.usable().size())
                    .isGreaterThanOrEqualTo(MINIMUM);
        }
    }

    /** The test's own account of the world; {@link #apply} returns null where a change does not apply. */
    record Model(boolean[] enabled, boolean[] admin, boolean[][] credential, boolean[] keyActive, Set<UUID> listed,
                 boolean[] eligible, boolean[] eligibleUntil, boolean[] active) {

        static Model initial() {
            boolean[][] creds = new boolean[ACCOUNTS][KEYS];
            for (boolean[] row : creds) java.util.Arrays.fill(row, true);
            boolean[] t = new boolean[ACCOUNTS];
            java.util.Arrays.fill(t, true);
            boolean[] keys = new boolean[KEYS];
            java.util.Arrays.fill(keys, true);
            return new Model(t, t.clone(), creds, keys, Set.of(), new boolean[ACCOUNTS], new boolean[ACCOUNTS], new boolean[ACCOUNTS]);
        }

        static UUID modelOf(int key) {
            return key < 2 ? MODEL_X : MODEL_Y;
        }

        Set<Integer> usable() {
            Set<Integer> usable = new HashSet<>();
            for (int a = 0; a < ACCOUNTS; a++) {
                if (!enabled[a] || !(admin[a] || eligible[a])) continue;
                for (int k = 0; k < KEYS; k++) {
                    if (credential[a][k] && keyActive[k] && (listed.isEmpty() || listed.contains(modelOf(k)))) {
                        usable.add(a);
                        break;
                    }
                }
            }
            return usable;
        }

        Model apply(Change c) {
            boolean[] enabled = this.enabled.clone();
            boolean[] admin = this.admin.clone();
            boolean[][] credential = new boolean[ACCOUNTS][];
            for (int a = 0; a < ACCOUNTS; a++) credential[a] = this.credential[a].clone();
            boolean[] keyActive = this.keyActive.clone();
            Set<UUID> listed = new HashSet<>(this.listed);
            boolean[] eligible = this.eligible.clone();
            boolean[] eligibleUntil = this.eligibleUntil.clone();
            boolean[] active = this.active.clone();
            int i = c.index();
            switch (c.kind()) {
                case DISABLE -> { if (!enabled[i]) return null; enabled[i] = false; }
                case ENABLE -> { if (enabled[i]) return null; enabled[i] = true; }
                case DROP_ADMIN -> { if (!admin[i]) return null; admin[i] = false; }
                case GRANT_ADMIN -> { if (admin[i]) return null; admin[i] = true; }
                case REVOKE -> { if (!credential[i][c.other()]) return null; credential[i][c.other()] = false; }
                case KEY_LOST, KEY_RETIRE -> { if (!keyActive[i]) return null; keyActive[i] = false; }
                case ALLOW_X -> { if (!listed.add(MODEL_X)) return null; }
                case ALLOW_Y -> { if (!listed.add(MODEL_Y)) return null; }
                case UNLIST_X -> { if (!listed.remove(MODEL_X)) return null; }
                case UNLIST_Y -> { if (!listed.remove(MODEL_Y)) return null; }
                case ELIGIBLE -> { if (eligible[i] || eligibleUntil[i]) return null; eligible[i] = true; }
                case ELIGIBLE_UNTIL -> { if (eligible[i] || eligibleUntil[i]) return null; eligibleUntil[i] = true; }
                case END_ELIGIBLE -> { if (!eligible[i] && !eligibleUntil[i]) return null; eligible[i] = false; eligibleUntil[i] = false; }
                // Activation needs a live eligibility and the role not held already; it needs no approver.
                case ACTIVATE -> { if (!(eligible[i] || eligibleUntil[i]) || admin[i] || active[i] || !enabled[i]) return null; active[i] = true; }
                case DEACTIVATE -> { if (!active[i]) return null; active[i] = false; }
            }
            return new Model(enabled, admin, credential, keyActive, Set.copyOf(listed), eligible, eligibleUntil, active);
        }
    }

    /** The real world behind the model: services and database of the running context. */
    static final class World {
        final AccountService accounts;
        final KeyService keys;
        final CredentialService credentials;
        final AllowedModelService allowList;
        final ReadinessService readiness;
        final dev.glasskey.pim.PimService pim;
        final JdbcClient jdbc;
        final List<String> accountIds = new ArrayList<>();
        final List<String> keyIds = new ArrayList<>();
        final String[][] credentialIds = new String[ACCOUNTS][KEYS];
        Model model = Model.initial();

        World(ConfigurableApplicationContext context) {
            accounts = context.getBean(AccountService.class);
            keys = context.getBean(KeyService.class);
            credentials = context.getBean(CredentialService.class);
            allowList = context.getBean(AllowedModelService.class);
            readiness = context.getBean(ReadinessService.class);
            pim = context.getBean(dev.glasskey.pim.PimService.class);
            jdbc = context.getBean(JdbcClient.class);
            EnrolmentService enrolments = context.getBean(EnrolmentService.class);
            wipe();
            SoftwareAuthenticator[] authenticators = new SoftwareAuthenticator[KEYS];
            for (int k = 0; k < KEYS; k++) {
                authenticators[k] = SoftwareAuthenticator.packed(Model.modelOf(k)).origin(ORIGIN);
                keyIds.add(keys.register(Actor.SYSTEM, new KeyService.KeyDetails("key " + k + " " + UUID.randomUUID(), null,
                        null, null, null, "place " + k, null)).id());
            }
            for (int a = 0; a < ACCOUNTS; a++) {
                String id = accounts.create(Actor.SYSTEM, "Break-glass " + a, true, Set.of(Roles.GLOBAL_ADMIN)).id();
                accountIds.add(id);
                for (int k = 0; k < KEYS; k++) {
                    var link = enrolments.issue(Actor.SYSTEM, id, keyIds.get(k));
                    String session = UUID.randomUUID().toString();
                    String response = authenticators[k].register(enrolments.start(link.token(), session));
                    credentialIds[a][k] = enrolments.finish(link.token(), session, response).id();
                }
            }
        }

        void apply(Change c) {
            int i = c.index();
            switch (c.kind()) {
                case DISABLE -> accounts.setEnabled(Actor.SYSTEM, accountIds.get(i), false);
                case ENABLE -> accounts.setEnabled(Actor.SYSTEM, accountIds.get(i), true);
                case DROP_ADMIN -> accounts.setRoles(Actor.SYSTEM, accountIds.get(i), Set.of(Roles.AUDITOR));
                case GRANT_ADMIN -> accounts.setRoles(Actor.SYSTEM, accountIds.get(i), Set.of(Roles.GLOBAL_ADMIN));
                case REVOKE -> credentials.revoke(Actor.SYSTEM, credentialIds[i][c.other()], "property test");
                case KEY_LOST -> keys.markLost(Actor.SYSTEM, keyIds.get(i), "property test");
                case KEY_RETIRE -> keys.retire(Actor.SYSTEM, keyIds.get(i), "property test");
                case ALLOW_X -> allowList.allow(Actor.SYSTEM, MODEL_X.toString(), "Model X", SoftwareAuthenticator.packed(MODEL_X).attestationRootPem());
                case ALLOW_Y -> allowList.allow(Actor.SYSTEM, MODEL_Y.toString(), "Model Y", SoftwareAuthenticator.packed(MODEL_Y).attestationRootPem());
                case UNLIST_X -> allowList.remove(Actor.SYSTEM, MODEL_X.toString());
                case UNLIST_Y -> allowList.remove(Actor.SYSTEM, MODEL_Y.toString());
                case ELIGIBLE -> pim.assign(Actor.SYSTEM, new dev.glasskey.pim.PimService.NewAssignment(accountIds.get(i), Roles.GLOBAL_ADMIN,
                        "eligible", null, false, "property test"));
                case ELIGIBLE_UNTIL -> pim.assign(Actor.SYSTEM, new dev.glasskey.pim.PimService.NewAssignment(accountIds.get(i),
                        Roles.GLOBAL_ADMIN, "eligible", java.time.Instant.now().plus(java.time.Duration.ofDays(30)), false, "property test"));
                case END_ELIGIBLE -> live(i, "eligible").ifPresent(id -> pim.remove(Actor.SYSTEM, id, "property test"));
                case ACTIVATE -> {
                    var account = accounts.get(accountIds.get(i));
                    // A security-key sign-in made just now (the step-up), as the session would carry it.
                    var signedIn = new dev.glasskey.webauthn.SignedIn(account.id(), account.displayName(), true, account.roles(),
                            credentialIds[i][0], keyIds.get(0), Model.modelOf(0).toString(), true, true, java.time.Instant.now(),
                            account.securityVersion());
                    pim.activate(Actor.SYSTEM, signedIn, new dev.glasskey.pim.PimService.Activation(Roles.GLOBAL_ADMIN, 30, "property test", null));
                }
                case DEACTIVATE -> live(i, "active").ifPresent(id -> pim.deactivate(Actor.SYSTEM, accountIds.get(i), id));
            }
        }

        /** The id of the account's live PIM assignment of this kind, if any. */
        private java.util.Optional<String> live(int account, String kind) {
            return jdbc.sql("select id from pim_assignment where account_id = :a and kind = :k and ended_at is null")
                    .param("a", accountIds.get(account)).param("k", kind).query(String.class).optional();
        }

        int usableOnServer() {
            return readiness.report().usableAccounts();
        }

        /** Everything a change could touch (the audit log grows by design and is left out). */
        String storedState() {
            StringBuilder sb = new StringBuilder();
            for (String sql : List.of(
                    "select id, enabled, updated_at from account order by id",
                    "select account_id, role from account_role order by account_id, role",
                    "select id, status, status_changed_at from security_key order by id",
                    "select id, status, status_reason, attestation_trusted from credential order by id",
                    "select aaguid, roots_pem from allowed_model order by aaguid",
                    "select id, account_id, role, kind, ends_at, ended_at from pim_assignment order by id")) {
                jdbc.sql(sql).query(rs -> {
                    for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) sb.append(rs.getString(c)).append('|');
                    sb.append('\n');
                });
            }
            return sb.toString();
        }

        /** Each try starts from an empty inventory (this context's database belongs to this test alone). */
        private void wipe() {
            for (String table : List.of("pim_approval", "pim_request", "pim_approver", "pim_assignment", "drill_result", "drill", "credential_registration", "credential", "ceremony", "enrolment",
                    "account_password", "account_totp", "recovery_code", "account_role", "account", "security_key", "allowed_model", "readiness_state")) {
                jdbc.sql("delete from " + table).update();
            }
        }
    }

}
