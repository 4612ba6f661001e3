package com.qualisys.controlplane.state;

import java.time.Instant;

/**
 * Another run holds the environment's apply lease: this run fails fast and says who, until when, and
 * the lease id that {@code qualisys unlock} needs if that run is gone.
 */
public class LockHeldException extends RuntimeException {
    private final String environment;
    private final String holder;
    private final String leaseId;
    private final Instant expiresAt;

    public LockHeldException(Lease current) {
        this(current.environment(), current.holder(), current.leaseId(), current.expiresAt());
    }

    public LockHeldException(String environment, String holder, String leaseId, Instant expiresAt) {
        super("environment " + environment + " is being applied by " + holder + " (lease expires " + expiresAt
                + "); try again after it finishes or its lease expires"
                + (leaseId == null ? "" : "; if that run is gone: qualisys unlock --env " + environment + " --lease " + leaseId));
        this.environment = environment;
        this.holder = holder;
        this.leaseId = leaseId;
        this.expiresAt = expiresAt;
    }

    public String environment() {
        return environment;
    }

    public String holder() {
        return holder;
    }

    public String leaseId() {
        return leaseId;
    }

    public Instant expiresAt() {
        return expiresAt;
    }
}
