package com.qualisys.controlplane.engine;

import java.util.List;
import java.util.stream.Collectors;

/** Apply met destructive changes that nobody approved; nothing was changed. */
public class ApprovalRequiredException extends RuntimeException {
    private final List<Change> changes;

    public ApprovalRequiredException(String layer, List<Change> changes) {
        this(layer, changes, "layer " + layer + " has destructive changes that need approval: ");
    }

    protected ApprovalRequiredException(String layer, List<Change> changes, String lead) {
        super(lead + changes.stream().map(c -> c.action() + " " + c.logicalId()).collect(Collectors.joining(", ")));
        this.changes = List.copyOf(changes);
    }

    public List<Change> changes() {
        return changes;
    }
}
