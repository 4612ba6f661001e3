package com.qualisys.cli.local;

import com.qualisys.asl.PendingTask;
import com.qualisys.controlplane.handlers.StateMachines;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Picks the approval to answer among the tasks a local run ({@code qualisys run ... --local})
 * waits for in its token directory. Pure.
 */
public final class LocalApprovals {
    private LocalApprovals() {}

    /**
     * @param execution the execution's id ({@code arn:...:execution:provision:<name>}) or name; null when only one
     *                  execution waits for approval
     */
    public static PendingTask select(List<PendingTask> pending, String execution, String tokenDirectory) {
        List<PendingTask> approvals = pending.stream()
                .filter(p -> StateMachines.APPROVAL_STATE.equals(p.stateName()))
                .filter(p -> execution == null || matches(p, execution))
                .sorted(Comparator.comparing(PendingTask::registeredAt))
                .toList();
        if (approvals.isEmpty()) {
            throw new IllegalArgumentException((execution == null ? "no local execution" : "local execution " + execution + " is not")
                    + " waiting for approval (nothing pending in " + tokenDirectory + ")");
        }
        List<String> executions = approvals.stream().map(PendingTask::executionId).distinct().toList();
        if (execution == null && executions.size() > 1) {
            throw new IllegalArgumentException("several local executions wait for approval; name one:\n  "
                    + executions.stream().collect(Collectors.joining("\n  ")));
        }
        return approvals.getLast();
    }

    private static boolean matches(PendingTask p, String execution) {
        String id = p.executionId();
        return id != null && (id.equals(execution) || id.endsWith(":" + execution));
    }
}
