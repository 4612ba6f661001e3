package com.qualisys.controlplane.events.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CloudTrail calls the control plane watches, by service, each with its {@link SecurityClass}.
 * One table feeds both the EventBridge rule patterns and the classifier, so they cannot disagree.
 */
public final class WatchedCalls {

    /** An AWS service as EventBridge sees its CloudTrail events: source aws.x, eventSource x.amazonaws.com. */
    public record Service(String source, String eventSource) {}

    public record Call(Service service, String eventName, SecurityClass securityClass) {}

    public static final Service EC2 = new Service("aws.ec2", "ec2.amazonaws.com");
    public static final Service CLOUDTRAIL = new Service("aws.cloudtrail", "cloudtrail.amazonaws.com");
    public static final Service IAM_SERVICE = new Service("aws.iam", "iam.amazonaws.com");
    public static final Service KMS = new Service("aws.kms", "kms.amazonaws.com");
    public static final Service EKS = new Service("aws.eks", "eks.amazonaws.com");
    public static final Service RDS = new Service("aws.rds", "rds.amazonaws.com");
    public static final Service S3 = new Service("aws.s3", "s3.amazonaws.com");
    public static final Service SECRETS_MANAGER = new Service("aws.secretsmanager", "secretsmanager.amazonaws.com");

    private static final Map<String, Call> BY_NAME = new LinkedHashMap<>();

    static {
        add(EC2, SecurityClass.SECURITY_GROUPS, "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
                "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "ModifySecurityGroupRules");
        add(EC2, SecurityClass.NETWORK_ACLS, "CreateNetworkAclEntry", "ReplaceNetworkAclEntry", "DeleteNetworkAclEntry",
                "ReplaceNetworkAclAssociation");
        add(EC2, SecurityClass.ROUTES, "CreateRoute", "ReplaceRoute", "DeleteRoute", "ReplaceRouteTableAssociation",
                "AssociateRouteTable", "DisassociateRouteTable");
        add(EC2, SecurityClass.AUDIT_LOGGING, "DeleteFlowLogs");
        add(CLOUDTRAIL, SecurityClass.AUDIT_LOGGING, "StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors");
        add(IAM_SERVICE, SecurityClass.IAM, "UpdateAssumeRolePolicy", "PutRolePolicy", "DeleteRolePolicy",
                "AttachRolePolicy", "DetachRolePolicy", "PutRolePermissionsBoundary", "DeleteRolePermissionsBoundary",
                "UpdateRole", "CreatePolicyVersion", "SetDefaultPolicyVersion", "DeletePolicyVersion");
        add(IAM_SERVICE, SecurityClass.ACCESS_KEYS, "CreateAccessKey");
        add(KMS, SecurityClass.ENCRYPTION_KEYS, "DisableKey", "ScheduleKeyDeletion", "DisableKeyRotation", "PutKeyPolicy");
        add(EKS, SecurityClass.EKS_CLUSTER, "UpdateClusterConfig");
        add(RDS, SecurityClass.RDS_INSTANCE, "ModifyDBInstance");
        add(S3, SecurityClass.TRAIL_BUCKET, "PutBucketPolicy", "DeleteBucketPolicy", "PutBucketPublicAccessBlock",
                "DeleteBucketPublicAccessBlock");
        add(SECRETS_MANAGER, SecurityClass.SECRETS, "PutResourcePolicy", "DeleteResourcePolicy");
    }

    private WatchedCalls() {}

    private static void add(Service service, SecurityClass securityClass, String... names) {
        for (String n : names) BY_NAME.put(service.eventSource() + ":" + n, new Call(service, n, securityClass));
    }

    public static Optional<Call> find(String eventSource, String eventName) {
        return Optional.ofNullable(BY_NAME.get(eventSource + ":" + eventName));
    }

    public static List<Call> all() {
        return List.copyOf(BY_NAME.values());
    }

    public static List<String> names(Service service, SecurityClass securityClass) {
        return BY_NAME.values().stream().filter(c -> c.service().equals(service) && c.securityClass() == securityClass)
                .map(Call::eventName).toList();
    }
}
