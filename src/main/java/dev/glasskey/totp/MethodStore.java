package dev.glasskey.totp;

import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.glasskey.system.SealedColumn;
import dev.glasskey.system.Sealing;
import dev.glasskey.system.Times;

/** A person's password hash and authenticator-app secret (sealed: {@link SealedColumn#TOTP}). */
@Repository
class MethodStore {
    static final String PENDING = "pending";
    static final String ACTIVE = "active";

    private final JdbcClient jdbc;
    private final Sealing sealing;

    MethodStore(JdbcClient jdbc, Sealing sealing) {
        this.jdbc = jdbc;
        this.sealing = sealing;
    }

    /** The authenticator app of an account; {@code secret} opened (base32). */
    record TotpRow(String accountId, String secret, String status, Long lastStep) {}

    Optional<String> passwordHash(String accountId) {
        return jdbc.sql("select hash from account_password where account_id = :a").param("a", accountId).query(String.class).optional();
    }

    void setPassword(String accountId, String hash, Instant at) {
        int updated = jdbc.sql("update account_password set hash = :h, changed_at = :at where account_id = :a")
                .param("h", hash).param("at", Times.db(at)).param("a", accountId).update();
        if (updated == 0) {
            jdbc.sql("insert into account_password (account_id, hash, changed_at) values (:a, :h, :at)")
                    .param("a", accountId).param("h", hash).param("at", Times.db(at)).update();
        }
    }

    Optional<TotpRow> totp(String accountId) {
        return jdbc.sql("select account_id, secret, status, last_step from account_totp where account_id = :a").param("a", accountId)
                .query((rs, n) -> new TotpRow(rs.getString(1), sealing.open(SealedColumn.TOTP, rs.getString(1), rs.getString(2)),
                        rs.getString(3), rs.getObject(4) == null ? null : rs.getLong(4)))
                .optional();
    }

    /** Replaces a pending set-up (or starts one): a new secret, not yet confirmed. */
    void startTotp(String accountId, String secret, Instant at) {
        jdbc.sql("delete from account_totp where account_id = :a and status = :pending").param("a", accountId).param("pending", PENDING).update();
        jdbc.sql("""
                insert into account_totp (account_id, secret, status, created_at, confirmed_at, last_step)
                values (:a, :s, :pending, :at, null, null)""")
                .param("a", accountId).param("s", sealing.seal(SealedColumn.TOTP, accountId, secret)).param("pending", PENDING)
                .param("at", Times.db(at)).update();
    }

    /** Confirms a pending set-up with the step its first code matched (that step is then spent). */
    boolean confirmTotp(String accountId, long step, Instant at) {
        return jdbc.sql("update account_totp set status = :active, confirmed_at = :at, last_step = :step where account_id = :a and status = :pending")
                .param("active", ACTIVE).param("at", Times.db(at)).param("step", step).param("a", accountId).param("pending", PENDING)
                .update() == 1;
    }

    /** Removes the account's password, authenticator app and recovery codes; true when it had any of them. */
    boolean removeAll(String accountId) {
        int removed = 0;
        for (String table : java.util.List.of("recovery_code", "account_totp", "account_password")) {
            removed += jdbc.sql("delete from " + table + " where account_id = :a").param("a", accountId).update();
        }
        return removed > 0;
    }

    /** Replaces the account's recovery codes with these (their hashes). */
    void replaceRecoveryCodes(String accountId, java.util.List<String> hashes, Instant at) {
        jdbc.sql("delete from recovery_code where account_id = :a").param("a", accountId).update();
        for (String hash : hashes) {
            jdbc.sql("insert into recovery_code (account_id, code_hash, created_at, used_at) values (:a, :h, :at, null)")
                    .param("a", accountId).param("h", hash).param("at", Times.db(at)).update();
        }
    }

    /** Spends an unused recovery code: true only for the one caller that did. */
    boolean useRecoveryCode(String accountId, String hash, Instant at) {
        return jdbc.sql("update recovery_code set used_at = :at where account_id = :a and code_hash = :h and used_at is null")
                .param("at", Times.db(at)).param("a", accountId).param("h", hash).update() == 1;
    }

    long unusedRecoveryCodes(String accountId) {
        return jdbc.sql("select count(*) from recovery_code where account_id = :a and used_at is null").param("a", accountId)
                .query(Long.class).single();
    }

    /**
     * Spends a time step of an active authenticator app: true only for the one caller that moved
     * {@code last_step} forward to it. A step at or before the last one accepted — the same code
     * again, or an older one — is refused, also between two concurrent sign-ins (the row's update).
     */
    boolean spendStep(String accountId, long step) {
        return jdbc.sql("update account_totp set last_step = :step where account_id = :a and status = :active"
                        + " and (last_step is null or last_step < :step)")
                .param("step", step).param("a", accountId).param("active", ACTIVE).update() == 1;
    }
}
