package com.qualisys.controlplane.cdk.security;

import java.util.Map;

/**
 * The seam between the CDK app and {@code com.qualisys.controlplane.events}: the EventBridge
 * patterns (JSON, as EventBridge takes them) of the CloudTrail events the security response
 * reacts to, by a short rule name ({@code security-group-changes} becomes the rule
 * {@code qualisys-security-group-changes}).
 */
@FunctionalInterface
public interface SecurityEventPatterns {
    Map<String, String> patterns();
}
