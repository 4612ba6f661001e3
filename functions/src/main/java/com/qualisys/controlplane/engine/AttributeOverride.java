package com.qualisys.controlplane.engine;

import java.time.Instant;

/**
 * An intentional override of one attribute: the environment's own response (e.g. a budget action)
 * set {@code path} of {@code logicalId} to {@code value} on purpose, for a while. While the live value
 * is still that value and the override has not expired, drift reports the difference as overridden
 * and apply leaves it alone; once expired, it is drift again (reported as an expired override).
 *
 * @param id        the override's id, for people and for restoring it
 * @param path      the dotted attribute path the owning layer's desired state uses ("scaling.maxSize")
 * @param cause     why, in one line ("budget qualisys-monthly-500 reached $500.00")
 * @param expiresAt when it stops explaining drift (the end of the budget period); null: never
 */
public record AttributeOverride(String id, String logicalId, String path, Object value, String cause, Instant expiresAt) {
    public AttributeOverride(String id, String logicalId, String path, Object value, String cause) {
        this(id, logicalId, path, value, cause, null);
    }

    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
