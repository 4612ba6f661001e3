package com.qualisys.controlplane.state;

import java.time.Instant;

/**
 * The right to apply one environment until {@code expiresAt}. {@code leaseId} is what release and
 * renew check, so only the run that took the lease can give it back or extend it.
 *
 * @param generation    the fencing token: the lock's generation when this lease was taken. It only
 *                      grows (every acquire adds one), so a write carrying an older generation comes
 *                      from a run that has been taken over and is refused ({@link LeaseFence})
 * @param takenOverFrom the holder of an expired lease this one replaced, or null
 */
public record Lease(String environment, String holder, String leaseId, long generation, Instant acquiredAt, Instant expiresAt,
                    String takenOverFrom) {}
