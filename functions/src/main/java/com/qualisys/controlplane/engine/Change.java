package com.qualisys.controlplane.engine;

import java.util.List;

/**
 * One planned change. destructive marks changes that lose data or cut traffic (deleting or
 * replacing a stateful resource, any replace): apply refuses them without approval.
 * physicalId is the live resource's id (null for CREATE).
 *
 * @param forcesReplacement for a REPLACE, the changed attributes AWS cannot change in place (why it is a replace)
 * @param forcedBy          the resources whose replacement in the same plan causes this change: this
 *                          resource refers to them by id, and their ids change ({@link Replacements})
 */
public record Change(String logicalId, String kind, Action action, boolean destructive, String physicalId,
                     List<Difference> differences, List<String> forcesReplacement, List<String> forcedBy) {
    public Change {
        differences = List.copyOf(differences);
        forcesReplacement = List.copyOf(forcesReplacement);
        forcedBy = List.copyOf(forcedBy);
    }

    public Change(String logicalId, String kind, Action action, boolean destructive, String physicalId, List<Difference> differences) {
        this(logicalId, kind, action, destructive, physicalId, differences, List.of(), List.of());
    }

    /** The same change with other differences (what is left of it once overrides explain some). */
    public Change withDifferences(List<Difference> remaining) {
        return new Change(logicalId, kind, action, destructive, physicalId, remaining, forcesReplacement, forcedBy);
    }

    public Change withForcedBy(List<String> replaced) {
        return new Change(logicalId, kind, action, destructive, physicalId, differences, forcesReplacement, replaced);
    }
}
