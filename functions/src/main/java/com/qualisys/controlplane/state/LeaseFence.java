package com.qualisys.controlplane.state;

import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.WriteFence;

/**
 * The write fence of one lease: before each change, a conditional write on the lock item that
 * succeeds only while the item still holds this lease id and generation (the fencing token) and the
 * lease has not expired; it also records the change as the lock's {@code lastWrite}.
 *
 * <p>AWS APIs take no fencing token, so the check precedes the write rather than travelling with it:
 * a run paused between the check and its write (a long GC, a frozen Lambda) could still make that one
 * write. The window is one API call, not a lease period; changes are idempotent and the next run
 * re-plans from live state, so such a write is corrected rather than compounded.
 */
public final class LeaseFence implements WriteFence {
    private final ApplyLock lock;
    private final Lease lease;

    LeaseFence(ApplyLock lock, Lease lease) {
        this.lock = lock;
        this.lease = lease;
    }

    public Lease lease() {
        return lease;
    }

    @Override
    public void beforeWrite(String layer, Change change) {
        lock.checkFence(lease, layer + ": " + change.action() + " " + change.logicalId());
    }

    /** A write of something the reconciler does not plan (a budget cap, a restore). */
    public void beforeWrite(String what) {
        lock.checkFence(lease, what);
    }
}
