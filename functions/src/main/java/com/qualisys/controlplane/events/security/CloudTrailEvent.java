package com.qualisys.controlplane.events.security;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A CloudTrail management event as EventBridge delivers it ("AWS API Call via CloudTrail"), reduced to
 * what classification needs. requestParameters and responseElements are kept as parsed (never logged
 * whole: see {@link Redaction}); they are empty objects when CloudTrail recorded null.
 */
public record CloudTrailEvent(
        String eventBridgeId,
        String account,
        String region,
        String eventId,
        String eventName,
        String eventSource,
        Instant eventTime,
        Actor actor,
        String sourceIpAddress,
        String userAgent,
        String errorCode,
        String errorMessage,
        JsonNode requestParameters,
        JsonNode responseElements) {

    /**
     * Who made the call: CloudTrail's userIdentity. arn is the session ARN for assumed roles
     * (arn:aws:sts::123456789012:assumed-role/Role/session); sessionIssuerArn the role behind it.
     */
    public record Actor(String type, String arn, String principalId, String accountId, String userName,
                        String sessionIssuerArn, String invokedBy) {

        /** The most telling name: the ARN, else the issuer, else the principal id, else the type. */
        public String display() {
            if (arn != null) return arn;
            if (sessionIssuerArn != null) return sessionIssuerArn;
            if (principalId != null) return type + " " + principalId;
            return invokedBy != null ? invokedBy : type;
        }
    }

    public boolean failed() {
        return errorCode != null;
    }
}
