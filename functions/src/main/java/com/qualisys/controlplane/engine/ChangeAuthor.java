package com.qualisys.controlplane.engine;

import java.time.Instant;

/**
 * Who last changed a drifted resource, from its CloudTrail management event: the caller's ARN
 * (userIdentity.arn), the API call (eventName), when (eventTime) and from where (sourceIPAddress).
 * byControlPlane marks the control plane's own calls.
 */
public record ChangeAuthor(String who, String eventName, Instant eventTime, String sourceIp, boolean byControlPlane) {

    /** "arn:aws:iam::123456789012:user/mallory, ModifySubnetAttribute at 2026-…Z from 10.1.2.3". */
    public String describe() {
        return (byControlPlane ? "the control plane (" + who + ")" : who) + ", " + eventName + " at " + eventTime
                + " from " + sourceIp;
    }
}
