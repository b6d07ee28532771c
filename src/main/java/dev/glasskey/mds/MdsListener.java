package dev.glasskey.mds;

import dev.glasskey.system.Actor;

/**
 * What follows from a newly accepted BLOB, in the transaction that stores it: features above this
 * one (the allow-list in {@code webauthn}, readiness and its alert in {@code emergency}) react without
 * this package knowing them, as {@code AuditListener} and {@code ChangeGuard} do. Listeners run in
 * their {@code @Order}.
 *
 * <p>This is deliberately not a change guard: a BLOB that reports a model compromised takes access
 * away, and must, whatever the lockout guard's minimum.
 */
public interface MdsListener {

    /**
     * Called in the load's transaction once the serial is judged, before anything is stored or audited:
     * take the locks the reaction needs here, so that a load takes them in the order every other
     * transaction does (lock rows first, the audit head after).
     */
    default void beforeLoad() {}

    /** The accepted BLOB's snapshot {@code after}, replacing {@code before} ({@link MdsSnapshot#NONE} on the first load). */
    void loaded(Actor actor, MdsSnapshot before, MdsSnapshot after);
}
