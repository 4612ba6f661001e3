package com.qualisys.controlplane.state;

/**
 * A write was refused because its fencing token is stale: the writer's lease expired (or was broken)
 * and, for a takeover, a newer writer holds a later generation. Nothing was written.
 */
public class FencedOutException extends LeaseLostException {
    public FencedOutException(Lease stale, String write, Lease current) {
        super("write refused (" + write + "): the lease of " + stale.holder() + " on environment " + stale.environment()
                + " (fencing token " + stale.generation() + ") is no longer valid"
                + (current == null ? "; the environment is not locked now"
                        : current.leaseId().equals(stale.leaseId()) ? "; it expired at " + current.expiresAt()
                        : "; " + current.holder() + " holds it now with fencing token " + current.generation()));
    }
}
