package com.qualisys.controlplane.cdk.security;

import java.util.Map;

/**
 * Stand-in until the events package's pattern class is merged: one of the seed's security events
 * (a security group opened or closed), so the rule, its target and its dead-letter queue are built
 * and tested. ControlPlaneApp.securityPatterns() is the one line that switches to the real source.
 */
public final class InterimSecurityEventPatterns implements SecurityEventPatterns {
    static final String SECURITY_GROUP_CHANGES = """
            {
              "source": ["aws.ec2"],
              "detail-type": ["AWS API Call via CloudTrail"],
              "detail": {
                "eventSource": ["ec2.amazonaws.com"],
                "eventName": ["AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
                              "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress",
                              "ModifySecurityGroupRules"]
              }
            }""";

    @Override
    public Map<String, String> patterns() {
        return Map.of("security-group-changes", SECURITY_GROUP_CHANGES);
    }
}
