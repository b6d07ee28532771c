package dev.glasskey.secret;

import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.glasskey.audit.Audit;
import dev.glasskey.audit.AuditEvent;
import dev.glasskey.system.Actor;
import dev.glasskey.system.H2FileMaintenance;
import dev.glasskey.system.SealedColumn;
import dev.glasskey.system.Sealing;
import dev.glasskey.system.Times;

/**
 * Every secret in the database sealed under the key-encryption key (docs/OPERATIONS.md, "Secrets
 * at rest"): first start, the upgrade of an installation that kept them in clear, and
 * {@code glasskey keys rewrap}.
 *
 * <p>First start (of this version, on this database) runs once every bean exists and before the
 * schedulers, the web server or any runner can read a secret: in one transaction every value
 * still in clear is sealed, the current KEK's check value is stored, and that is audited
 * ({@code secrets.seal}). A start whose current KEK is new to the database (the first step of a
 * rotation, the old KEK configured as previous) stores its check value ({@code secrets.kek.add}).
 */
@Service
public class SecretsAtRest implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(SecretsAtRest.class);

    private final Sealing sealing;
    private final KeyEncryptionKeys keks;
    private final SecretStore store;
    private final Audit audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final DataSource dataSource;

    SecretsAtRest(Sealing sealing, KeyEncryptionKeys keks, SecretStore store, Audit audit, TransactionTemplate tx, Clock clock,
                  DataSource dataSource) {
        this.sealing = sealing;
        this.keks = keks;
        this.store = store;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.dataSource = dataSource;
    }

    @Override
    public void afterSingletonsInstantiated() {
        int sealed;
        try {
            sealed = tx.execute(s -> sealAtStart());
        } catch (DuplicateKeyException anotherNodeDidIt) {
            // Two nodes starting together on a new database: the other committed first; see what it left.
            sealed = tx.execute(s -> sealAtStart());
        }
        if (sealed > 0) {
            rewriteEmbeddedFile("the secrets it held in clear");
        }
    }

    /**
     * On the embedded database, the values just replaced are still in the file's free space until
     * H2 happens to reuse it: rewrite the file so they are gone from it. (With PostgreSQL, the
     * server vacuums dead row versions; its files and backups are the operator's to handle.)
     */
    private void rewriteEmbeddedFile(String what) {
        try {
            if (H2FileMaintenance.rewriteFile(dataSource)) {
                log.info("Rewrote the embedded database file: {} are gone from it", what);
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("Could not rewrite the embedded database file ({}): its free space may still hold {}; compact it with the "
                    + "server stopped (docs/OPERATIONS.md, \"Secrets at rest\")", e.toString(), what);
        }
    }

    /** Returns how many values kept in clear were sealed. */
    private int sealAtStart() {
        Map<String, String> checks = store.lockChecks();
        Sealing.Kek current = sealing.current();
        if (checks.isEmpty()) {
            Map<String, Integer> sealed = new LinkedHashMap<>();
            for (SealedColumn column : SealedColumn.ALL) {
                for (SecretStore.Stored row : store.lockValues(column)) {
                    if (Sealing.isSealed(row.value())) {
                        continue;
                    }
                    if (store.replace(column, row.rowId(), row.value(), sealing.seal(column, row.rowId(), row.value()))) {
                        sealed.merge(column.toString(), 1, Integer::sum);
                    }
                }
            }
            storeCheck(current);
            int total = sealed.values().stream().mapToInt(Integer::intValue).sum();
            audit.record(AuditEvent.success(Actor.SYSTEM, "secrets.seal", current.id(), false, total == 0
                    ? "secrets are sealed under key-encryption key " + current
                    : total + " secret(s) kept in clear by an earlier version sealed under key-encryption key " + current + " " + sealed
                            + "; backups taken before this still hold them in clear: rotate the signing keys"));
            if (total > 0) {
                log.warn("Sealed {} secret(s) that an earlier version kept in clear {} under key-encryption key {}. Backups taken before "
                        + "this upgrade still hold them in clear: rotate the signing keys (docs/OPERATIONS.md, \"Secrets at rest\")",
                        total, sealed, current);
            }
            return total;
        }
        if (!checks.containsKey(current.id())) {
            storeCheck(current);
            audit.record(AuditEvent.success(Actor.SYSTEM, "secrets.kek.add", current.id(), false, "key-encryption key " + current
                    + " seals from now on; secrets sealed under " + checks.keySet() + " open with the previous keys until "
                    + "'glasskey keys rewrap' re-seals them"));
            log.info("Key-encryption key {} is new to this database: it seals from now on; run 'glasskey keys rewrap' to re-seal the "
                    + "secrets still under {}", current, checks.keySet());
        }
        return 0;
    }

    private void storeCheck(Sealing.Kek kek) {
        Sealing only = new Sealing(kek, List.of());
        store.insertCheck(kek.id(), only.seal(SealedColumn.KEK_CHECK, kek.id(), KeyEncryptionKeys.CHECK_PLAINTEXT), Times.now(clock));
    }

    /** What a rewrap did. */
    public record Rewrapped(String kekId, String kekSource, int resealed, List<String> retiredKekIds) {}

    /**
     * Re-seals every secret under one key-encryption key and forgets every other, in one
     * transaction, audited ({@code secrets.rewrap}). With {@code master.key} (no KEK configured),
     * under a new {@code master.key}; else under the configured KEK, the previous ones opening what
     * they sealed. Afterwards no other KEK opens anything in the database.
     */
    public Rewrapped rewrap(Actor actor) {
        boolean newMasterKey = keks.masterKeyInUse();
        MasterKey masterKey = keks.masterKey();
        Sealing target = newMasterKey ? new Sealing(masterKey.createNext(), sealing.keys()) : sealing;
        Rewrapped result;
        try {
            result = tx.execute(s -> rewrapTo(actor, target));
        } catch (RuntimeException e) {
            if (newMasterKey) {
                masterKey.discardNext();
            }
            throw e;
        }
        if (newMasterKey) {
            masterKey.promoteNext();
        }
        rewriteEmbeddedFile("the secrets as the previous key-encryption keys sealed them");
        return result;
    }

    private Rewrapped rewrapTo(Actor actor, Sealing target) {
        store.lockChecks();
        Sealing.Kek kek = target.current();
        int resealed = 0;
        for (SealedColumn column : SealedColumn.ALL) {
            for (SecretStore.Stored row : store.lockValues(column)) {
                if (kek.id().equals(Sealing.kekIdOf(row.value()))) {
                    continue;
                }
                // Opening checks each value where it is (a value that does not open stops the whole rewrap).
                String plaintext = target.open(column, row.rowId(), row.value());
                store.replace(column, row.rowId(), row.value(), target.seal(column, row.rowId(), plaintext));
                resealed++;
            }
        }
        if (!store.checks().containsKey(kek.id())) {
            storeCheck(kek);
        }
        List<String> retired = new ArrayList<>(store.deleteChecksExcept(kek.id()));
        audit.record(AuditEvent.success(actor, "secrets.rewrap", kek.id(), false, resealed + " secret(s) re-sealed under key-encryption key "
                + kek + (retired.isEmpty() ? "" : "; no longer needed: key-encryption key(s) " + retired)).flag());
        return new Rewrapped(kek.id(), kek.source(), resealed, retired);
    }
}
