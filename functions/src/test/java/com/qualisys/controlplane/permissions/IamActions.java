package com.qualisys.controlplane.permissions;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The IAM action an SDK operation is authorised as. Mostly {@code prefix:Operation}; the table
 * below holds the operations whose IAM action is named differently (S3's bucket sub-resources,
 * Budgets' View/Modify pair, ...). See the Service Authorization Reference of each service.
 */
final class IamActions {
    /** SDK service name (SdkExecutionAttribute.SERVICE_NAME) → IAM service prefix. */
    private static final Map<String, String> PREFIX = Map.ofEntries(
            Map.entry("Ec2", "ec2"), Map.entry("Iam", "iam"), Map.entry("Sts", "sts"),
            Map.entry("CloudWatchLogs", "logs"), Map.entry("CloudTrail", "cloudtrail"),
            Map.entry("DynamoDb", "dynamodb"), Map.entry("Sns", "sns"), Map.entry("Budgets", "budgets"),
            Map.entry("CostExplorer", "ce"), Map.entry("Kms", "kms"), Map.entry("Eks", "eks"),
            Map.entry("Rds", "rds"), Map.entry("ElastiCache", "elasticache"),
            Map.entry("SecretsManager", "secretsmanager"), Map.entry("Sfn", "states"),
            Map.entry("EventBridge", "events"), Map.entry("ResourceGroupsTaggingApi", "tag"),
            Map.entry("S3", "s3"), Map.entry("Sqs", "sqs"), Map.entry("Scheduler", "scheduler"), Map.entry("Lambda", "lambda"));

    /** Operations whose IAM action differs from "prefix:Operation". */
    private static final Map<String, List<String>> RENAMED = Map.ofEntries(
            Map.entry("s3:ListObjectsV2", List.of("s3:ListBucket")),
            Map.entry("s3:ListObjects", List.of("s3:ListBucket")),
            Map.entry("s3:HeadBucket", List.of("s3:ListBucket")),
            Map.entry("s3:HeadObject", List.of("s3:GetObject")),
            Map.entry("s3:ListObjectVersions", List.of("s3:ListBucketVersions")),
            Map.entry("s3:DeleteObjects", List.of("s3:DeleteObject")),
            Map.entry("s3:CopyObject", List.of("s3:GetObject", "s3:PutObject")),
            Map.entry("s3:ListBuckets", List.of("s3:ListAllMyBuckets")),
            Map.entry("s3:PutBucketEncryption", List.of("s3:PutEncryptionConfiguration")),
            Map.entry("s3:GetBucketEncryption", List.of("s3:GetEncryptionConfiguration")),
            Map.entry("s3:PutBucketLifecycleConfiguration", List.of("s3:PutLifecycleConfiguration")),
            Map.entry("s3:GetBucketLifecycleConfiguration", List.of("s3:GetLifecycleConfiguration")),
            Map.entry("s3:DeleteBucketLifecycle", List.of("s3:PutLifecycleConfiguration")),
            Map.entry("s3:PutPublicAccessBlock", List.of("s3:PutBucketPublicAccessBlock")),
            Map.entry("s3:GetPublicAccessBlock", List.of("s3:GetBucketPublicAccessBlock")),
            Map.entry("s3:DeletePublicAccessBlock", List.of("s3:PutBucketPublicAccessBlock")),
            Map.entry("s3:DeleteBucketPolicy", List.of("s3:DeleteBucketPolicy")),
            Map.entry("s3:DeleteBucketTagging", List.of("s3:PutBucketTagging")),
            Map.entry("budgets:DescribeBudget", List.of("budgets:ViewBudget")),
            Map.entry("budgets:DescribeBudgets", List.of("budgets:ViewBudget")),
            Map.entry("budgets:DescribeNotificationsForBudget", List.of("budgets:ViewBudget")),
            Map.entry("budgets:DescribeSubscribersForNotification", List.of("budgets:ViewBudget")),
            Map.entry("budgets:DescribeBudgetPerformanceHistory", List.of("budgets:ViewBudget")),
            Map.entry("budgets:CreateBudget", List.of("budgets:ModifyBudget")),
            Map.entry("budgets:UpdateBudget", List.of("budgets:ModifyBudget")),
            Map.entry("budgets:DeleteBudget", List.of("budgets:ModifyBudget")),
            Map.entry("budgets:CreateNotification", List.of("budgets:ModifyBudget")),
            Map.entry("budgets:UpdateNotification", List.of("budgets:ModifyBudget")),
            Map.entry("budgets:DeleteNotification", List.of("budgets:ModifyBudget")),
            Map.entry("budgets:CreateSubscriber", List.of("budgets:ModifyBudget")),
            Map.entry("budgets:UpdateSubscriber", List.of("budgets:ModifyBudget")),
            Map.entry("budgets:DeleteSubscriber", List.of("budgets:ModifyBudget")),
            Map.entry("logs:TagLogGroup", List.of("logs:TagLogGroup")),
            Map.entry("events:PutEvents", List.of("events:PutEvents")));

    /** Calls every principal may make without a grant. */
    private static final Set<String> NO_PERMISSION_NEEDED = Set.of("sts:GetCallerIdentity");

    static String prefix(String sdkServiceName) {
        String p = PREFIX.get(sdkServiceName);
        if (p == null) throw new IllegalStateException("no IAM service prefix known for SDK service " + sdkServiceName
                + ": add it to IamActions.PREFIX");
        return p;
    }

    /** The IAM actions an operation is authorised as; empty when no permission is needed. */
    static List<String> of(String sdkServiceName, String operation) {
        String plain = prefix(sdkServiceName) + ":" + operation;
        if (NO_PERMISSION_NEEDED.contains(plain)) return List.of();
        return RENAMED.getOrDefault(plain, List.of(plain));
    }

    private IamActions() {}
}
