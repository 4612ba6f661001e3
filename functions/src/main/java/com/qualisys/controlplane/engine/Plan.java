package com.qualisys.controlplane.engine;

import java.util.List;
import java.util.Map;

/**
 * The changes that would bring one layer of one environment to its desired state. overridden lists
 * the differences that intentional overrides explain ({@link Overrides}): they are reported, not
 * changes, and apply leaves them as they are. expired lists the differences of overrides that have
 * expired: they explain nothing any more, so each is also among the changes; it is listed so that a
 * report says which override it was and how to restore it. references maps the logical id of every
 * resource the changes refer to ({@code ref:<logical-id>}) to its live physical id, so that a report
 * shows the id rather than the reference; a resource this plan creates or replaces has no entry (its
 * id is known after apply).
 */
public record Plan(String environment, String layer, List<Change> changes, List<Overridden> overridden, List<Overridden> expired,
                   Map<String, String> references) {
    public Plan {
        changes = List.copyOf(changes);
        overridden = List.copyOf(overridden);
        expired = List.copyOf(expired);
        references = Map.copyOf(references);
    }

    public Plan(String environment, String layer, List<Change> changes, List<Overridden> overridden, List<Overridden> expired) {
        this(environment, layer, changes, overridden, expired, Map.of());
    }

    public Plan(String environment, String layer, List<Change> changes, List<Overridden> overridden) {
        this(environment, layer, changes, overridden, List.of());
    }

    public Plan(String environment, String layer, List<Change> changes) {
        this(environment, layer, changes, List.of());
    }

    public Plan withReferences(Map<String, String> physicalIdByLogicalId) {
        return new Plan(environment, layer, changes, overridden, expired, physicalIdByLogicalId);
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    public boolean hasDestructiveChanges() {
        return changes.stream().anyMatch(Change::destructive);
    }

    /** The digest of this plan's destructive changes, which an approval names ({@link DestructiveApproval}). */
    public String destructiveDigest() {
        return DestructiveApproval.digest(changes.stream().filter(Change::destructive).toList());
    }
}
