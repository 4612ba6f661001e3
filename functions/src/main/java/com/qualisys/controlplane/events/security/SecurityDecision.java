package com.qualisys.controlplane.events.security;

import java.util.List;

/**
 * The control plane's answer to one security event: the finding, the policy that applied
 * (remediate, check or notify) and the steps it allows. Ignored findings have no steps and are not
 * notified; every other decision is notified, even with no steps.
 */
public record SecurityDecision(SecurityFinding finding, String policy, List<RemediationStep> steps) {
    public SecurityDecision {
        steps = List.copyOf(steps);
    }

    public boolean ignored() {
        return finding.ignored();
    }

    public boolean shouldNotify() {
        return !finding.ignored();
    }
}
