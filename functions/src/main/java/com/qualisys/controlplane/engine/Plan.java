package com.qualisys.controlplane.engine;

import java.util.List;

/** The changes that would bring one layer of one environment to its desired state. */
public record Plan(String environment, String layer, List<Change> changes) {
    public Plan {
        changes = List.copyOf(changes);
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    public boolean hasDestructiveChanges() {
        return changes.stream().anyMatch(Change::destructive);
    }
}
