package com.qualisys.controlplane.events.security;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.layers.vpc.Ec2Errors;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * Carries out the direct remediation steps of a decision, idempotently: each first reads the live
 * state (GetTrailStatus, DescribeSecurityGroups) and makes its mutating call only when still needed,
 * so a repeat makes no mutating call. DriftCheck steps are returned as HANDED_OFF.
 */
public final class RemediationExecutor {
    private final AwsClients aws;

    public RemediationExecutor(AwsClients aws) {
        this.aws = aws;
    }

    public List<StepOutcome> execute(SecurityDecision decision) {
        List<StepOutcome> outcomes = new ArrayList<>();
        for (RemediationStep step : decision.steps()) {
            try {
                outcomes.add(switch (step) {
                    case RemediationStep.StartLogging s -> startLogging(s);
                    case RemediationStep.RevokeSecurityGroupRules r -> revoke(r);
                    case RemediationStep.DriftCheck d -> new StepOutcome(d, StepOutcome.Status.HANDED_OFF,
                            "targeted drift check requested from the state machine");
                });
            } catch (SdkException e) {
                outcomes.add(new StepOutcome(step, StepOutcome.Status.FAILED, failure(e)));
            }
        }
        return outcomes;
    }

    private StepOutcome startLogging(RemediationStep.StartLogging s) {
        if (Boolean.TRUE.equals(aws.cloudTrail().getTrailStatus(r -> r.name(s.trailName())).isLogging())) {
            return new StepOutcome(s, StepOutcome.Status.ALREADY_DONE, "trail " + s.trailName() + " is already logging");
        }
        aws.cloudTrail().startLogging(r -> r.name(s.trailName()));
        return new StepOutcome(s, StepOutcome.Status.DONE, "trail " + s.trailName() + " is logging again");
    }

    private StepOutcome revoke(RemediationStep.RevokeSecurityGroupRules r) {
        SecurityGroup group = aws.ec2().describeSecurityGroups(q -> q.groupIds(r.groupId())).securityGroups().getFirst();
        List<IpRule> present = new ArrayList<>();
        for (IpRule rule : r.rules()) {
            List<IpPermission> live = rule.egress() ? group.ipPermissionsEgress() : group.ipPermissions();
            if (live.stream().anyMatch(p -> matches(p, rule))) present.add(rule);
        }
        if (present.isEmpty()) {
            return new StepOutcome(r, StepOutcome.Status.ALREADY_DONE, "none of the rules is present on " + r.groupId());
        }
        List<IpPermission> ingress = present.stream().filter(x -> !x.egress()).map(RemediationExecutor::permission).toList();
        List<IpPermission> egress = present.stream().filter(IpRule::egress).map(RemediationExecutor::permission).toList();
        // A concurrent response (a redelivered event) may revoke the same rules between our read and our call.
        List<IpPermission> gone = new ArrayList<>(Ec2Errors.rulesIdempotently(ingress,
                p -> aws.ec2().revokeSecurityGroupIngress(q -> q.groupId(r.groupId()).ipPermissions(p)), Ec2Errors.RULE_NOT_FOUND));
        gone.addAll(Ec2Errors.rulesIdempotently(egress,
                p -> aws.ec2().revokeSecurityGroupEgress(q -> q.groupId(r.groupId()).ipPermissions(p)), Ec2Errors.RULE_NOT_FOUND));
        if (gone.size() == ingress.size() + egress.size()) {
            return new StepOutcome(r, StepOutcome.Status.ALREADY_DONE, "the rules were revoked meanwhile on " + r.groupId());
        }
        return new StepOutcome(r, StepOutcome.Status.DONE, "revoked " + String.join(", ", present.stream().map(IpRule::display).toList())
                + " on " + r.groupId());
    }

    private static boolean matches(IpPermission p, IpRule rule) {
        if (!IpRule.normalizeProtocol(p.ipProtocol()).equals(rule.protocol())) return false;
        if (!rule.allTraffic() && (!eq(p.fromPort(), rule.fromPort()) || !eq(p.toPort(), rule.toPort()))) return false;
        return p.ipRanges().stream().anyMatch(x -> x.cidrIp().equals(rule.cidr()))
                || p.ipv6Ranges().stream().anyMatch(x -> x.cidrIpv6().equals(rule.cidr()));
    }

    private static boolean eq(Integer a, Integer b) {
        return a == null ? b == null : a.equals(b);
    }

    private static IpPermission permission(IpRule rule) {
        IpPermission.Builder b = IpPermission.builder().ipProtocol(rule.protocol());
        if (!rule.allTraffic()) b.fromPort(rule.fromPort()).toPort(rule.toPort());
        if (rule.cidr().contains(":")) b.ipv6Ranges(Ipv6Range.builder().cidrIpv6(rule.cidr()).build());
        else b.ipRanges(IpRange.builder().cidrIp(rule.cidr()).build());
        return b.build();
    }

    /** The service's error code and message: AWS error texts name resources, never secret values. */
    static String failure(SdkException e) {
        if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException a && a.awsErrorDetails() != null) {
            return a.awsErrorDetails().errorCode() + ": " + a.awsErrorDetails().errorMessage();
        }
        return e.getClass().getSimpleName();
    }
}
