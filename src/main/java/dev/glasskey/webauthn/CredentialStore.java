package dev.glasskey.webauthn;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.glasskey.system.Times;

@Repository
class CredentialStore {
    private final JdbcClient jdbc;

    CredentialStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Credential c) {
        jdbc.sql("""
                insert into credential (id, credential_id, account_id, key_id, public_key_cose, signature_count, aaguid,
                  attestation_format, attestation_trusted, backup_eligible, transports, status, status_reason, created_at,
                  last_used_at, status_changed_at)
                values (:id, :cid, :account, :key, :cose, :count, :aaguid, :fmt, :trusted, :be, :transports, :status,
                  :reason, :created, :used, :changed)""")
                .param("id", c.id()).param("cid", c.credentialId()).param("account", c.accountId()).param("key", c.keyId())
                .param("cose", c.publicKeyCose()).param("count", c.signatureCount()).param("aaguid", c.aaguid())
                .param("fmt", c.attestationFormat()).param("trusted", c.attestationTrusted()).param("be", c.backupEligible())
                .param("transports", c.transports()).param("status", c.status().value()).param("reason", c.statusReason())
                .param("created", Times.db(c.createdAt())).param("used", Times.db(c.lastUsedAt()))
                .param("changed", Times.db(c.statusChangedAt())).update();
    }

    Optional<Credential> findByCredentialId(String credentialId) {
        return jdbc.sql("select * from credential where credential_id = :cid").param("cid", credentialId)
                .query(CredentialStore::row).optional();
    }

    Optional<Credential> find(String id) {
        return jdbc.sql("select * from credential where id = :id").param("id", id).query(CredentialStore::row).optional();
    }

    Optional<Credential> findForUpdate(String id) {
        return jdbc.sql("select * from credential where id = :id for update").param("id", id).query(CredentialStore::row).optional();
    }

    List<Credential> forAccount(String accountId) {
        return jdbc.sql("select * from credential where account_id = :a order by created_at").param("a", accountId)
                .query(CredentialStore::row).list();
    }

    List<Credential> forKey(String keyId) {
        return jdbc.sql("select * from credential where key_id = :k order by created_at").param("k", keyId)
                .query(CredentialStore::row).list();
    }

    List<Credential> all() {
        return jdbc.sql("select * from credential order by created_at").query(CredentialStore::row).list();
    }

    long countActiveOnKey(String keyId) {
        return jdbc.sql("select count(*) from credential where key_id = :k and status <> 'revoked'").param("k", keyId)
                .query(Long.class).single();
    }

    List<Credential> activeFor(String accountId, String keyId) {
        return jdbc.sql("select * from credential where account_id = :a and key_id = :k and status <> 'revoked'")
                .param("a", accountId).param("k", keyId).query(CredentialStore::row).list();
    }

    /**
     * Records a verified use. The counter only moves forward, atomically: of two concurrent
     * assertions carrying the same counter, one loses (WebAuthn L3 §7.2 step 22). Authenticators
     * that keep the counter at zero stay at zero.
     */
    boolean recordUse(String id, long newCount, Instant at) {
        return jdbc.sql("""
                update credential set signature_count = :new, last_used_at = :at
                where id = :id and status = 'active' and (signature_count < :new or (signature_count = 0 and :new = 0))""")
                .param("new", newCount).param("at", Times.db(at)).param("id", id).update() == 1;
    }

    void setStatus(String id, Credential.Status status, String reason, Instant at) {
        jdbc.sql("update credential set status = :status, status_reason = :reason, status_changed_at = :at where id = :id")
                .param("status", status.value()).param("reason", reason).param("at", Times.db(at)).param("id", id).update();
    }

    void insertRegistration(String credentialId, String requestJson, String responseJson) {
        jdbc.sql("insert into credential_registration (credential_id, request_json, response_json) values (:id, :req, :res)")
                .param("id", credentialId).param("req", requestJson).param("res", responseJson).update();
    }

    /** A stored registration ceremony of a credential of the given model. */
    record Registration(String credentialId, boolean attestationTrusted, String requestJson, String responseJson) {}

    List<Registration> registrationsOfModel(String aaguid) {
        return jdbc.sql("""
                select c.id, c.attestation_trusted, r.request_json, r.response_json
                from credential c join credential_registration r on r.credential_id = c.id
                where c.aaguid = :aaguid and c.status <> 'revoked' order by c.id""")
                .param("aaguid", aaguid)
                .query((rs, n) -> new Registration(rs.getString(1), rs.getBoolean(2), rs.getString(3), rs.getString(4))).list();
    }

    void setAttestationTrusted(String id, boolean trusted) {
        jdbc.sql("update credential set attestation_trusted = :t where id = :id").param("t", trusted).param("id", id).update();
    }

    static Credential row(ResultSet rs, int n) throws SQLException {
        return new Credential(rs.getString("id"), rs.getString("credential_id"), rs.getString("account_id"),
                rs.getString("key_id"), rs.getString("public_key_cose"), rs.getLong("signature_count"),
                rs.getString("aaguid"), rs.getString("attestation_format"), rs.getBoolean("attestation_trusted"),
                rs.getBoolean("backup_eligible"), rs.getString("transports"), Credential.Status.of(rs.getString("status")),
                rs.getString("status_reason"), Times.instant(rs.getObject("created_at", OffsetDateTime.class)),
                Times.instant(rs.getObject("last_used_at", OffsetDateTime.class)),
                Times.instant(rs.getObject("status_changed_at", OffsetDateTime.class)));
    }
}
