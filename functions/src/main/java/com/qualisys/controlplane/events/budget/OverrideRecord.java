package com.qualisys.controlplane.events.budget;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A durable record of an intentional override: what a budget action changed on a managed resource
 * (each attribute's value before and after), why, and until when. While ACTIVE, a drift check reports
 * the changed attributes as an override and never reverts them ({@link OverrideFilter}); restore puts
 * the before values back and marks it RESTORED. Stored as JSON by {@link OverrideStore}.
 *
 * @param target     how to reach the resource (for a node group: cluster and nodegroup names)
 * @param expiresAt  the end of the budget period: {@code restoreExpired} restores it from then on
 */
public record OverrideRecord(String id, String environment, Status status, String action, String logicalId,
                             Map<String, String> target, List<AttributeChange> changes, String cause, Instant createdAt,
                             Instant expiresAt, Instant restoredAt, String restoreReason) {

    public enum Status { ACTIVE, RESTORED }

    /** One attribute, by the dotted path the owning layer's desired state uses. */
    public record AttributeChange(String path, Object before, Object after) {}

    public OverrideRecord {
        target = Map.copyOf(target);
        changes = List.copyOf(changes);
    }

    public boolean active() {
        return status == Status.ACTIVE;
    }

    public OverrideRecord restored(Instant at, String reason) {
        return new OverrideRecord(id, environment, Status.RESTORED, action, logicalId, target, changes, cause, createdAt,
                expiresAt, at, reason);
    }
}
