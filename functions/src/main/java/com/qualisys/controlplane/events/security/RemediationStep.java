package com.qualisys.controlplane.events.security;

import java.util.List;

/**
 * One thing the control plane does about a finding. StartLogging and RevokeSecurityGroupRules are
 * carried out directly by {@link RemediationExecutor}; DriftCheck is handed to the security-response
 * state machine (a targeted plan of one layer's resource, applied when {@code apply} is true, else
 * offered for approval).
 */
public sealed interface RemediationStep {

    /** One line for notifications: what will be (or was) done. */
    String describe();

    record StartLogging(String trailName) implements RemediationStep {
        public String describe() {
            return "restart logging of trail " + trailName + " (StartLogging)";
        }
    }

    record RevokeSecurityGroupRules(String groupId, String logicalId, List<IpRule> rules) implements RemediationStep {
        public RevokeSecurityGroupRules {
            rules = List.copyOf(rules);
        }

        public String describe() {
            return "revoke " + String.join(", ", rules.stream().map(IpRule::display).toList()) + " on " + groupId
                    + " (" + logicalId + ")";
        }
    }

    record DriftCheck(String layer, String logicalId, boolean apply) implements RemediationStep {
        public String describe() {
            String target = logicalId == null ? "layer " + layer : logicalId;
            return apply ? "drift check and apply of " + target : "drift check of " + target + " (repair needs approval)";
        }
    }
}
