package com.qualisys.controlplane.spec;

import java.util.List;
import java.util.Map;

/**
 * How the control plane reacts to security events, budget alerts and cost anomalies.
 *
 * @param autoRemediate           master switch for security remediation: when false every security class is
 *                                at most {@code check} (drift check, repair by approval)
 * @param budgetLadder            budget action ladder, per alert percentage
 * @param anomalyStartsDriftCheck a cost anomaly (at or above the monitor's impact threshold) starts a drift check
 * @param controlPlaneRolePath    the IAM path of the control plane's own execution roles (e.g. /control-plane/):
 *                                CloudTrail events whose session issuer is exactly one of those roles, in the
 *                                event's account, are ignored so it never reacts to itself
 * @param security                per security class (audit-logging, security-groups, ...): remediate, check or
 *                                notify; a class not named follows autoRemediate. A class can only be lowered.
 * @param distinctApprover        destructive changes need the approval of a principal other than the one that
 *                                started the run, as CloudTrail names both (docs/locking.md)
 */
public record ResponsesSpec(boolean autoRemediate, List<LadderStep> budgetLadder, boolean anomalyStartsDriftCheck,
                            String controlPlaneRolePath, Map<String, String> security, boolean distinctApprover) {

    public ResponsesSpec {
        budgetLadder = budgetLadder == null ? List.of() : List.copyOf(budgetLadder);
        security = security == null ? Map.of() : Map.copyOf(security);
    }

    /**
     * At or above atPercent of a budget (optionally one budget only, optionally FORECASTED alerts; ACTUAL when
     * alertType is absent), run these actions.
     */
    public record LadderStep(int atPercent, String budget, String alertType, List<String> actions) {
        public LadderStep {
            actions = actions == null ? List.of() : List.copyOf(actions);
        }
    }
}
