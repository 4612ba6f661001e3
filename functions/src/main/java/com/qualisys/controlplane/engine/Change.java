package com.qualisys.controlplane.engine;

import java.util.List;

/**
 * One planned change. destructive marks changes that lose data or cut traffic (deleting or
 * replacing a stateful resource, any replace): apply refuses them without approval.
 * physicalId is the live resource's id (null for CREATE).
 */
public record Change(String logicalId, String kind, Action action, boolean destructive, String physicalId,
                     List<Difference> differences) {
    public Change {
        differences = List.copyOf(differences);
    }
}
