package com.qualisys.controlplane.state;

import java.time.Instant;

/**
 * The right to apply one environment until {@code expiresAt}. {@code leaseId} is what release and
 * renew check, so only the run that took the lease can give it back or extend it.
 *
 * @param takenOverFrom the holder of an expired lease this one replaced, or null
 */
public record Lease(String environment, String holder, String leaseId, Instant acquiredAt, Instant expiresAt,
                    String takenOverFrom) {}
