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

    /** What a sign-in rests on. */
    public record Basis(String accountId, long securityVersion, String credentialId, String keyId, boolean emergency,
                        Instant authTime) {}

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
        if (row.isEmpty()) {
            return ended("account.not_found", "the account no longer exists");
        }
        Current c = row.get();
        if (!c.enabled()) {
            return ended("account.disabled", "the account was disabled");
        }
        if (c.securityVersion() != basis.securityVersion()) {
            return ended("session.revoked", "access was taken away since the sign-in (a role removed, or signed out everywhere)");
        }
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
