package dev.glasskey.session;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.glasskey.mds.MdsService;
import dev.glasskey.mds.MdsStatus;
import dev.glasskey.system.ErrorCode;
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
 * parsed snapshot is in memory); the account's roles are read only for a credential of a model in the deny set.
 */
@Component
@EnableConfigurationProperties(SessionProperties.class)
public class SessionCheck {
    private final JdbcClient jdbc;
    private final SessionProperties properties;
    private final MdsService mds;

    SessionCheck(JdbcClient jdbc, SessionProperties properties, MdsService mds) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.mds = mds;
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

    /** Empty while the sign-in stands. */
    public Optional<Ended> check(Basis basis, Instant now) {
        if (basis.passwordAndCode()) {
            return checkPasswordAndCode(basis, now);
        }
        Optional<Current> row = jdbc.sql("""
                select a.enabled, a.security_version, c.status as credential_status, c.key_id, k.status as key_status, k.label,
                       a.emergency, c.aaguid, (select m.serial from mds_blob m where m.id = 1) as mds_serial
                from account a
                left join credential c on c.id = :credential and c.account_id = a.id
                left join security_key k on k.id = c.key_id
                where a.id = :account""")
                .param("account", basis.accountId()).param("credential", basis.credentialId())
                .query((rs, n) -> new Current(rs.getBoolean(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getBoolean(7), rs.getString(8), rs.getLong(9)))
                .optional();
        Optional<Ended> account = accountEnded(row.isPresent(), row.map(Current::enabled).orElse(false),
                row.map(Current::securityVersion).orElse(0L), basis);
        if (account.isPresent()) {
            return account;
        }
        Current c = row.get();
        if (c.credentialStatus() == null || !c.keyId().equals(basis.keyId())) {
            return ended("credential.not_found", "the credential signed in with no longer exists");
        }
        if (!"active".equals(c.credentialStatus())) {
            return ended("credential." + c.credentialStatus(), "the credential signed in with is " + c.credentialStatus());
        }
        if (!"active".equals(c.keyStatus())) {
            return ended("credential.key_lost", "key '" + c.keyLabel() + "' is " + c.keyStatus());
        }
        if (c.metadataSerial() > 0) {
            MdsStatus metadata = mds.statusAt(c.metadataSerial(), now);
            if (AuthenticatorStandard.compromised(c.aaguid(), metadata.compromisedAaguids())
                    && AuthenticatorStandard.requiredFor(c.emergency(), roles(basis.accountId()))) {
                return ended(ErrorCode.CREDENTIAL_MODEL_COMPROMISED.code(), "FIDO metadata BLOB no. " + metadata.snapshot().serial()
                        + " reports the key model signed in with " + metadata.compromised().get(c.aaguid()).describe());
            }
        }
        Instant end = expiresAt(basis);
        if (!now.isBefore(end)) {
            return ended("session.expired", "the sign-in is older than its lifetime ("
                    + properties.maxAge(basis.emergency()) + (basis.emergency() ? " for an emergency account" : "") + ")");
        }
        return Optional.empty();
    }

    /**
     * A password + code sign-in stands while the account is enabled, has the same security version,
     * holds no role that needs a security key ({@code Roles#keyRequired}: a role added since is taken
     * at the next request, not at the next sign-in), and its authenticator app is still active. Still
     * one indexed read.
     */
    private Optional<Ended> checkPasswordAndCode(Basis basis, Instant now) {
        record Row(boolean enabled, long securityVersion, boolean emergency, String totpStatus, long privilegedRoles) {}
        Optional<Row> row = jdbc.sql("""
                select a.enabled, a.security_version, a.emergency, t.status,
                       (select count(*) from account_role r where r.account_id = a.id and r.role in (:privileged))
                from account a left join account_totp t on t.account_id = a.id
                where a.id = :account""")
                .param("account", basis.accountId()).param("privileged", dev.glasskey.account.Roles.PRIVILEGED)
                .query((rs, n) -> new Row(rs.getBoolean(1), rs.getLong(2), rs.getBoolean(3), rs.getString(4), rs.getLong(5)))
                .optional();
        Optional<Ended> account = accountEnded(row.isPresent(), row.map(Row::enabled).orElse(false),
                row.map(Row::securityVersion).orElse(0L), basis);
        if (account.isPresent()) {
            return account;
        }
        Row r = row.get();
        if (r.emergency() || r.privilegedRoles() > 0) {
            return ended(ErrorCode.ACCOUNT_KEY_REQUIRED.code(), "the account now holds a role that signs in only with a security key");
        }
        if (!"active".equals(r.totpStatus())) {
            return ended("totp.removed", "the authenticator app signed in with is no longer set up");
        }
        Instant end = expiresAt(basis);
        if (!now.isBefore(end)) {
            return ended("session.expired", "the sign-in is older than its lifetime (" + properties.maxAge(false) + ")");
        }
        return Optional.empty();
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

    private Set<String> roles(String accountId) {
        return jdbc.sql("select role from account_role where account_id = :account").param("account", accountId).query(String.class).set();
    }

    /** When a sign-in's absolute lifetime ends. */
    public Instant expiresAt(Basis basis) {
        return basis.authTime().plus(properties.maxAge(basis.emergency()));
    }

    private static Optional<Ended> ended(String reason, String description) {
        return Optional.of(new Ended(reason, description));
    }
}
