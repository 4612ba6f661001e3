package com.qualisys.controlplane.engine;

/**
 * Thrown by {@link Layer#apply} when a change cannot be made yet because something it needs is
 * still being created by AWS (a node group needs an ACTIVE cluster, the connection secret needs
 * the database's endpoint). Apply never waits: the Reconciler records the change as pending,
 * skips the changes that depend on it, and goes on; the next apply (after the state machine's
 * Wait + readiness loop) makes it.
 */
public class ChangePendingException extends RuntimeException {
    public ChangePendingException(String reason) {
        super(reason);
    }
}
