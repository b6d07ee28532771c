package dev.glasskey.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.springframework.beans.factory.ObjectProvider;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.glasskey.mds.MdsService;
import dev.glasskey.mds.MdsStatus;
import dev.glasskey.system.ErrorCode;
import dev.glasskey.system.Times;
import dev.glasskey.webauthn.AuthenticatorStandard;

/**
 * The one re-check of a sign-in against current state, run on every request of a session and on
 * every use of an OpenID Connect authorization made from it (refresh, UserInfo, introspection).
 * A sign-in still stands while its account exists, is enabled and has the same security version
 * as at the sign-in (nothing took access away since: no role removed, no "sign out everywhere"),
 * the credential it signed in with is active and on an active key, the credential's key model is
 * not in the deny set of the loaded FIDO metadata (for accounts held to the emergency standard, as
 * at sign-in: {@link AuthenticatorStandard}), and its absolute lifetime has not run out. One indexed
 * read: the account, the credential and its key by primary key, and the loaded BLOB's serial (whose
 * parsed snapshot is in memory), and — in the same statement — the roles the account holds right now
 * ({@link SessionRoles}: held roles and, with PIM, live activations), which the session carries on this request.
 */
@Component
@EnableConfigurationProperties(SessionProperties.class)
public class SessionCheck {
    private final JdbcClient jdbc;
    private final SessionProperties properties;
    private final MdsService mds;

    /** The per-request statements, each with the current roles joined in (resolved once: the hook's query is fixed). */
    private final String keyStatement;
    private final String passwordStatement;

    SessionCheck(JdbcClient jdbc, SessionProperties properties, MdsService mds, ObjectProvider<SessionRoles> sessionRoles) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.mds = mds;
        SessionRoles hook = sessionRoles.getIfAvailable();
        String rolesQuery = hook == null ? SessionRoles.HELD : hook.currentRolesQuery();
        // The roles query names :account itself, so each side of it reads by the account index; joined "on 1 = 1"
        // it adds one row per role to the one row of the account (left join: an account with no role keeps its row).
        this.keyStatement = """
                select a.enabled, a.security_version, c.status as credential_status, c.key_id, k.status as key_status, k.label,
                       a.emergency, c.aaguid, (select m.serial from mds_blob m where m.id = 1) as mds_serial, r.role, r.ends_at
                from account a
                left join credential c on c.id = :credential and c.account_id = a.id
                left join security_key k on k.id = c.key_id
                left join (%s) r on 1 = 1
                where a.id = :account""".formatted(rolesQuery);
        this.passwordStatement = """
                select a.enabled, a.security_version, a.emergency, t.status,
                       (select count(*) from account_role h where h.account_id = a.id and h.role in (:privileged)), r.role, r.ends_at
                from account a left join account_totp t on t.account_id = a.id
                left join (%s) r on 1 = 1
                where a.id = :account""".formatted(rolesQuery);
    }

    /**
     * What a sign-in rests on.
     *
     * @param passwordAndCode a password + authenticator-app sign-in (issue 15): it rests on the account's
     *        authenticator app still being set up, not on a credential and key
     */
    public record Basis(String accountId, long securityVersion, String credentialId, String keyId, boolean emergency,
                        Instant authTime, boolean passwordAndCode) {}

    /**
     * Why a sign-in no longer stands.
     *
     * @param reason a stable code, recorded as the audit entry's reason
     * @param description for people
     */
    public record Ended(String reason, String description) {}

    private record Current(boolean enabled, long securityVersion, String credentialStatus, String keyId, String keyStatus,
                           String keyLabel, boolean emergency, String aaguid, long metadataSerial) {}

    /**
     * The re-check's answer: why the sign-in no longer stands (empty while it stands) and, read by the
     * same statement, the roles its account holds right now ({@link SessionRoles}; empty once ended).
     */
    public record Outcome(Optional<Ended> ended, Set<String> roles, Instant rolesUntil) {
        public Outcome {
            roles = Set.copyOf(roles);
        }

        static Outcome ended(Optional<Ended> ended) {
            return new Outcome(ended, Set.of(), null);
        }

        static Outcome standing(CurrentRoles roles) {
            return new Outcome(Optional.empty(), roles.roles(), roles.until());
        }
    }

    /**
     * The roles of the account, gathered from the rows of one statement: each role with the latest end
     * among its grants (a held one never ends by itself). {@link #until} is the earliest of those ends:
     * the instant the set changes by itself (issue 16 §4: a token carrying the roles ends by then).
     */
    private static final class CurrentRoles {
        private final java.util.Map<String, Instant> ends = new java.util.HashMap<>();

        void add(String role, java.time.OffsetDateTime endsAt) {
            if (role == null) {
                return;
            }
            Instant end = endsAt == null ? Instant.MAX : Times.instant(endsAt);
            ends.merge(role, end, (a, b) -> a.isAfter(b) ? a : b);
        }

        Set<String> roles() {
            return ends.keySet();
        }

        /** Null when no role ends by itself. */
        Instant until() {
            return ends.values().stream().filter(e -> !e.equals(Instant.MAX)).min(Instant::compareTo).orElse(null);
        }
    }

    /** Empty while the sign-in stands. */
    public Optional<Ended> check(Basis basis, Instant now) {
        return standing(basis, now).ended();
    }

    /**
     * The re-check and the account's current roles in one indexed read (issue 16 "Performance": role
     * evaluation rides on the statement every authenticated request already makes). The roles come as
     * extra rows of a left join on {@link SessionRoles}'s query, one row per role (or one with a null
     * role for an account with none); the account, credential and key columns repeat on each.
     */
    public Outcome standing(Basis basis, Instant now) {
        if (basis.passwordAndCode()) {
            return checkPasswordAndCode(basis, now);
        }
        CurrentRoles roles = new CurrentRoles();
        List<Current> rows = jdbc.sql(keyStatement)
                .param("account", basis.accountId()).param("credential", basis.credentialId()).param("now", Times.db(now))
                .query((rs, n) -> {
                    roles.add(rs.getString(10), rs.getObject(11, java.time.OffsetDateTime.class));
                    return new Current(rs.getBoolean(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getBoolean(7), rs.getString(8), rs.getLong(9));
                })
                .list();
        Optional<Current> row = rows.stream().findFirst();
        Optional<Ended> account = accountEnded(row.isPresent(), row.map(Current::enabled).orElse(false),
                row.map(Current::securityVersion).orElse(0L), basis);
        if (account.isPresent()) {
            return Outcome.ended(account);
        }
        Current c = row.get();
        if (c.credentialStatus() == null || !c.keyId().equals(basis.keyId())) {
            return Outcome.ended(ended("credential.not_found", "the credential signed in with no longer exists"));
        }
        if (!"active".equals(c.credentialStatus())) {
            return Outcome.ended(ended("credential." + c.credentialStatus(), "the credential signed in with is " + c.credentialStatus()));
        }
        if (!"active".equals(c.keyStatus())) {
            return Outcome.ended(ended("credential.key_lost", "key '" + c.keyLabel() + "' is " + c.keyStatus()));
        }
        if (c.metadataSerial() > 0) {
            MdsStatus metadata = mds.statusAt(c.metadataSerial(), now);
            // The roles held right now, activations included: an activated global-admin is held to the emergency standard too.
            if (AuthenticatorStandard.compromised(c.aaguid(), metadata.compromisedAaguids())
                    && AuthenticatorStandard.requiredFor(c.emergency(), roles.roles())) {
                return Outcome.ended(ended(ErrorCode.CREDENTIAL_MODEL_COMPROMISED.code(), "FIDO metadata BLOB no. " + metadata.snapshot().serial()
                        + " reports the key model signed in with " + metadata.compromised().get(c.aaguid()).describe()));
            }
        }
        Instant end = expiresAt(basis);
        if (!now.isBefore(end)) {
            return Outcome.ended(ended("session.expired", "the sign-in is older than its lifetime ("
                    + properties.maxAge(basis.emergency()) + (basis.emergency() ? " for an emergency account" : "") + ")"));
        }
        return Outcome.standing(roles);
    }

    /**
     * A password + code sign-in stands while the account is enabled, has the same security version,
     * holds no role that needs a security key ({@code Roles#keyRequired}: a role added since is taken
     * at the next request, not at the next sign-in), and its authenticator app is still active. Still
     * one indexed read.
     */
    private Outcome checkPasswordAndCode(Basis basis, Instant now) {
        record Row(boolean enabled, long securityVersion, boolean emergency, String totpStatus, long privilegedRoles) {}
        CurrentRoles roles = new CurrentRoles();
        Optional<Row> row = jdbc.sql(passwordStatement)
                .param("account", basis.accountId()).param("privileged", dev.glasskey.account.Roles.PRIVILEGED)
                .param("now", Times.db(now))
                .query((rs, n) -> {
                    roles.add(rs.getString(6), rs.getObject(7, java.time.OffsetDateTime.class));
                    return new Row(rs.getBoolean(1), rs.getLong(2), rs.getBoolean(3), rs.getString(4), rs.getLong(5));
                })
                .list().stream().findFirst();
        Optional<Ended> account = accountEnded(row.isPresent(), row.map(Row::enabled).orElse(false),
                row.map(Row::securityVersion).orElse(0L), basis);
        if (account.isPresent()) {
            return Outcome.ended(account);
        }
        Row r = row.get();
        if (r.emergency() || r.privilegedRoles() > 0) {
            return Outcome.ended(ended(ErrorCode.ACCOUNT_KEY_REQUIRED.code(), "the account now holds a role that signs in only with a security key"));
        }
        if (!"active".equals(r.totpStatus())) {
            return Outcome.ended(ended("totp.removed", "the authenticator app signed in with is no longer set up"));
        }
        Instant end = expiresAt(basis);
        if (!now.isBefore(end)) {
            return Outcome.ended(ended("session.expired", "the sign-in is older than its lifetime (" + properties.maxAge(false) + ")"));
        }
        return Outcome.standing(roles);
    }

    /** What every sign-in rests on, whatever its method: the account exists, is enabled, and nothing took access away since. */
    private static Optional<Ended> accountEnded(boolean exists, boolean enabled, long securityVersion, Basis basis) {
        if (!exists) {
            return ended("account.not_found", "the account no longer exists");
        }
        if (!enabled) {
            return ended("account.disabled", "the account was disabled");
        }
        if (securityVersion != basis.securityVersion()) {
            return ended("session.revoked", "access was taken away since the sign-in (a role removed, or signed out everywhere)");
        }
        return Optional.empty();
    }

    /**
     * The roles a sign-in carries, of those its account holds now ({@link Outcome#roles}): Glasskey's own
     * roles only (application roles reach only their client's tokens, {@code Roles#isApplication}), and for a
     * password + code sign-in none that needs a security key ({@code Roles#keyRequired}: an activation does not
     * lift DOMAIN rule 1). The session and the tokens made from a sign-in carry the same.
     */
    public static Set<String> carried(Basis basis, Set<String> current) {
        return current.stream().filter(r -> !dev.glasskey.account.Roles.isApplication(r))
                .filter(r -> !basis.passwordAndCode() || !dev.glasskey.account.Roles.PRIVILEGED.contains(r))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** When a sign-in's absolute lifetime ends. */
    public Instant expiresAt(Basis basis) {
        return basis.authTime().plus(properties.maxAge(basis.emergency()));
    }

    private static Optional<Ended> ended(String reason, String description) {
        return Optional.of(new Ended(reason, description));
    }
}
