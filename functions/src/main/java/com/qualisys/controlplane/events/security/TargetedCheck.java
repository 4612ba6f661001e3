package com.qualisys.controlplane.events.security;

import java.util.List;

/**
 * What the security response's targeted drift check of the touched resource found: the plan before
 * remediation, the targeted apply (when the policy allows one) and the plan after. Parts that did not
 * run are null.
 */
public record TargetedCheck(String layer, List<String> logicalIds, Result before, Applied applied, Result after) {
    public TargetedCheck {
        logicalIds = List.copyOf(logicalIds);
    }

    /** One targeted plan: its change count and its text rendering. */
    public record Result(int changes, String summary) {}

    /** A targeted apply: the changes made, or why it was refused (destructive changes need approval). */
    public record Applied(List<String> changes, String refusedBecause) {
        public Applied {
            changes = changes == null ? List.of() : List.copyOf(changes);
        }
    }

    /** The outcome of a DriftCheck step, given this check (null when none could run). */
    public static StepOutcome outcome(RemediationStep.DriftCheck step, TargetedCheck check, String environment, boolean dryRun) {
        String apply = "./qualisys apply --env " + environment + " --layer " + step.layer();
        if (check == null || check.before() == null) {
            return new StepOutcome(step, StepOutcome.Status.FAILED, "no targeted drift check ran: layer " + step.layer()
                    + " is not part of this control plane");
        }
        int found = check.before().changes();
        if (dryRun) {
            return new StepOutcome(step, StepOutcome.Status.PLANNED, found == 0 ? "the resource is as the spec wants it: nothing to repair"
                    : step.apply() ? "would apply the " + found + " change(s) the check found" : "would leave the " + found
                    + " change(s) for approval (" + apply + ")");
        }
        if (found == 0) return new StepOutcome(step, StepOutcome.Status.ALREADY_DONE, "the resource is as the spec wants it");
        if (!step.apply()) {
            return new StepOutcome(step, StepOutcome.Status.HANDED_OFF, "found " + found + " change(s); repair needs approval: " + apply);
        }
        Applied a = check.applied();
        if (a == null) return new StepOutcome(step, StepOutcome.Status.FAILED, "the targeted apply did not run");
        if (a.refusedBecause() != null) {
            return new StepOutcome(step, StepOutcome.Status.HANDED_OFF, "not applied: " + a.refusedBecause() + "; approve with " + apply
                    + " --approve-destructive");
        }
        if (a.changes().isEmpty()) return new StepOutcome(step, StepOutcome.Status.ALREADY_DONE, "nothing left to apply");
        return new StepOutcome(step, StepOutcome.Status.DONE, "applied " + String.join(", ", a.changes()));
    }
}
