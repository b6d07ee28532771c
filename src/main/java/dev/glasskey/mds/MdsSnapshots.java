package dev.glasskey.mds;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The parsed snapshot of the stored BLOB, kept in memory so that no request parses megabytes of
 * JSON, and replaced as a whole (one volatile reference). Which BLOB is current is the database's
 * to say: callers ask for the snapshot of the serial they read in their own transaction, so every
 * node follows a load made on another one at its next read, and a restored backup is followed too.
 *
 * <p>A load in progress offers its snapshot as {@code pending} to its own transaction (the only one
 * that can read the new serial before the commit); after the commit it becomes the cached one, after a
 * rollback it is dropped.
 */
@Component
class MdsSnapshots {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MdsSnapshots.class);
    private final MdsStore store;
    private final MdsVerifier verifier;
    private volatile MdsSnapshot cached = MdsSnapshot.NONE;
    private volatile MdsSnapshot pending;

    MdsSnapshots(MdsStore store, MdsVerifier verifier) {
        this.store = store;
        this.verifier = verifier;
    }

    /**
     * The snapshot of the BLOB with this serial, as read from {@code mds_blob} by the caller (in its
     * transaction, if any). Parsing from the database happens once per change of BLOB on each node.
     */
    MdsSnapshot at(long serial) {
        MdsSnapshot c = cached;
        if (c.serial() == serial) {
            return c;
        }
        MdsSnapshot p = pending;
        if (p != null && p.serial() == serial) {
            return p;
        }
        if (serial == 0) {
            cached = MdsSnapshot.NONE;
            return MdsSnapshot.NONE;
        }
        synchronized (this) {
            c = cached;
            if (c.serial() == serial) {
                return c;
            }
            MdsStore.StoredBlob stored = store.current();
            if (stored.jws() == null) {
                cached = MdsSnapshot.NONE;
                return MdsSnapshot.NONE;
            }
            MdsSnapshot parsed;
            try {
                parsed = verifier.snapshot(verifier.parseAccepted(stored.jws()), stored.sha256(), stored.loadedAt(),
                        stored.loadedBy(), stored.source());
            } catch (RuntimeException e) {
                // A BLOB verified when it was loaded no longer parses (a library upgrade, a damaged row). Every request reads
                // the metadata, so this must not fail them all: no status reports apply, and readiness fails until a BLOB is
                // loaded again (MdsStatus.Freshness.UNREADABLE).
                log.error("The stored FIDO metadata BLOB no. {} cannot be parsed; its status reports do not apply until a BLOB is loaded again",
                        stored.serial(), e);
                parsed = MdsSnapshot.unreadable(stored.serial(), stored.sha256(), stored.loadedAt(), stored.loadedBy(), stored.source());
            }
            cached = parsed;
            return parsed;
        }
    }

    /** The snapshot of a load in the current transaction: pending until it commits (then current) or rolls back (then gone). */
    void stage(MdsSnapshot snapshot) {
        pending = snapshot;
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                if (status == STATUS_COMMITTED) {
                    cached = snapshot;
                }
                pending = null;
            }
        });
    }
}
