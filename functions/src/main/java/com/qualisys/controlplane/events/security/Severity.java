package com.qualisys.controlplane.events.security;

/**
 * How bad a security-relevant change is. The rule, applied by {@link SecurityEventClassifier}:
 * <ul>
 * <li><b>CRITICAL</b> — the audit trail or its evidence is blinded (StopLogging, DeleteTrail, DeleteFlowLogs,
 *     the trail bucket's policy or public-access block removed); a data store, an admin port (22, 3389) or all
 *     traffic is opened to the internet (0.0.0.0/0 or ::/0); an isolated subnet tier gets an internet route;
 *     the database is made publicly accessible; a KMS key is disabled or scheduled for deletion; the root user
 *     creates an access key.</li>
 * <li><b>HIGH</b> — a control on a managed resource is weakened: other internet-facing openings, trail
 *     settings or event selectors changed, trust or permission changes on the Qualisys roles and policies,
 *     EKS endpoint or logging changes, RDS deletion protection or backups reduced, trail bucket policy or
 *     secret resource policy replaced.</li>
 * <li><b>MEDIUM</b> — a managed resource's security configuration drifts without opening it to the
 *     internet: rules revoked or added between internal peers, NACL and route changes inside the VPC,
 *     other ModifyDBInstance / UpdateClusterConfig changes, access keys for IAM users.</li>
 * <li><b>LOW</b> — the change brings the resource to (or keeps it at) its desired state, e.g. re-adding
 *     a rule the spec declares.</li>
 * </ul>
 */
public enum Severity {
    LOW, MEDIUM, HIGH, CRITICAL;

    public Severity atLeast(Severity other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
