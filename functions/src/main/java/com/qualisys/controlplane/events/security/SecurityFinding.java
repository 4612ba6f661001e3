package com.qualisys.controlplane.events.security;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a CloudTrail event means for this environment: which managed resource it touched (layer and
 * logical id, where determinable), how bad it is and why, who did it from where, what exactly, and when.
 * ignoredBecause is set when the control plane should not react (failed call, its own call, an
 * unmanaged resource, an unwatched call); the other fields are still filled as far as known.
 *
 * @param request         requestParameters summarized with secrets redacted ({@link Redaction})
 * @param offendingRules  rules of the event that open the resource to the internet against the spec
 */
public record SecurityFinding(
        String eventId,
        String eventName,
        SecurityClass securityClass,
        String layer,
        String logicalId,
        String physicalId,
        Severity severity,
        String severityReason,
        CloudTrailEvent.Actor who,
        String sourceIpAddress,
        Instant when,
        String what,
        Map<String, Object> request,
        List<IpRule> offendingRules,
        String ignoredBecause) {

    public SecurityFinding {
        request = request == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(request));
        offendingRules = offendingRules == null ? List.of() : List.copyOf(offendingRules);
    }

    public boolean ignored() {
        return ignoredBecause != null;
    }
}
