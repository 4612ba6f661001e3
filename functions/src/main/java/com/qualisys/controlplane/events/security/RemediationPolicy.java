package com.qualisys.controlplane.events.security;

import com.qualisys.controlplane.spec.ResponsesSpec;
import java.util.List;

/**
 * Decides what the environment's policy allows for a finding (pure).
 * <ul>
 * <li>The policy of a class is {@code responses.security.<class>} if set, else {@code remediate} when
 *     {@code responses.autoRemediate} is on and {@code check} when it is off. autoRemediate off caps
 *     every class at {@code check}: production changes go through people.</li>
 * <li>{@code remediate}: the direct repair where one exists (StopLogging → StartLogging; internet-open
 *     security-group rules the spec does not declare → revoke exactly those rules), then a targeted drift
 *     check of the resource, applied: the call is undone at once, and the apply repairs every other drift
 *     of the resource (a second internet-open rule added earlier, a trail's changed settings), so the
 *     response fixes the resource, not just the call.</li>
 * <li>{@code check}: a targeted drift check, not applied (its plan awaits approval).</li>
 * <li>{@code notify}: no step. Access keys are notify-only whatever the policy: deleting a person's key
 *     is not a repair the control plane can judge.</li>
 * <li>LOW findings (the change matches the spec) get no step; ignored findings get nothing at all.</li>
 * </ul>
 */
public final class RemediationPolicy {
    public static final String REMEDIATE = "remediate";
    public static final String CHECK = "check";
    public static final String NOTIFY = "notify";

    private final ResponsesSpec responses;

    public RemediationPolicy(ResponsesSpec responses) {
        this.responses = responses;
    }

    public String policyFor(SecurityClass cls) {
        String ceiling = responses.autoRemediate() ? REMEDIATE : CHECK;
        String configured = responses.security().get(cls.key());
        if (cls == SecurityClass.ACCESS_KEYS) return NOTIFY;
        if (configured == null) return ceiling;
        return rank(configured) < rank(ceiling) ? configured : ceiling;
    }

    private static int rank(String policy) {
        return switch (policy) {
            case NOTIFY -> 0;
            case CHECK -> 1;
            default -> 2;
        };
    }

    public SecurityDecision decide(SecurityFinding f) {
        if (f.ignored()) return new SecurityDecision(f, NOTIFY, List.of());
        String policy = policyFor(f.securityClass());
        if (policy.equals(NOTIFY) || f.severity() == Severity.LOW || f.logicalId() == null) {
            return new SecurityDecision(f, policy, List.of());
        }
        if (policy.equals(CHECK)) {
            return new SecurityDecision(f, policy, List.of(new RemediationStep.DriftCheck(f.layer(), f.logicalId(), false)));
        }
        RemediationStep.DriftCheck repairAll = new RemediationStep.DriftCheck(f.layer(), f.logicalId(), true);
        if (f.eventName().equals("StopLogging")) {
            return new SecurityDecision(f, policy, List.of(new RemediationStep.StartLogging(f.physicalId()), repairAll));
        }
        if (!f.offendingRules().isEmpty()) {
            return new SecurityDecision(f, policy,
                    List.of(new RemediationStep.RevokeSecurityGroupRules(f.physicalId(), f.logicalId(), f.offendingRules()), repairAll));
        }
        return new SecurityDecision(f, policy, List.of(repairAll));
    }
}
