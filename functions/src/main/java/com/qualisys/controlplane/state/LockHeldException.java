package com.qualisys.controlplane.state;

import java.time.Instant;

/** Another run holds the environment's apply lease: this run fails fast and says who and until when. */
public class LockHeldException extends RuntimeException {
    private final String environment;
    private final String holder;
    private final Instant expiresAt;

    public LockHeldException(String environment, String holder, Instant expiresAt) {
        super("environment " + environment + " is being applied by " + holder + " (lease expires " + expiresAt
                + "); try again after it finishes or its lease expires");
        this.environment = environment;
        this.holder = holder;
        this.expiresAt = expiresAt;
    }

    public String environment() {
        return environment;
    }

    public String holder() {
        return holder;
    }

    public Instant expiresAt() {
        return expiresAt;
    }
}
