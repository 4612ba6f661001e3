package com.qualisys.controlplane.engine;

/**
 * Checked by {@link Reconciler#apply} before every change it makes: the proof that this run still
 * holds the environment's lock. An implementation throws (and the change is not made) when the run
 * has lost it; the state package's LeaseFence checks the lease's fencing token with a conditional
 * write on the lock table.
 */
@FunctionalInterface
public interface WriteFence {
    void beforeWrite(String layer, Change change);

    /**
     * The fence of a reconciler built for reading (plan, drift, readiness): it has no lease, so any
     * write is refused before it is made.
     */
    WriteFence READ_ONLY = (layer, change) -> {
        throw new IllegalStateException("refusing to " + change.action() + " " + change.logicalId() + " in layer " + layer
                + ": this reconciler holds no lease on the environment (writers take the environment's lock first)");
    };

    /** No check: a reconciler driven by a test of one layer in isolation, with no lock table. */
    WriteFence UNCHECKED = (layer, change) -> {};
}
