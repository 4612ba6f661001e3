package com.qualisys.controlplane.cdk;

import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.EnvironmentSpec.StateSpec;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.StorageClass;
import software.amazon.awscdk.services.s3.Transition;
import java.util.Map;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.constructs.Construct;

/**
 * The control plane's own state: the apply lock (one item per environment, expiring with its
 * lease) and the bucket of drift and apply reports. Both outlive the stack (RETAIN): a removed
 * control plane must not take its audit trail or a held lease with it.
 */
final class StateStore extends Construct {
    /** Reports are read in the days after a run; a year covers audits, then they go. */
    static final int REPORT_DAYS_TO_INFREQUENT_ACCESS = 30;
    static final int REPORT_DAYS_TO_EXPIRY = 365;
    static final int OLD_VERSION_DAYS = 30;

    static final String REPORTS_PREFIX = "reports/";
    static final String OVERRIDES_PREFIX = "overrides/";

    final Table lockTable;
    final Bucket reportBucket;

    StateStore(Construct scope, String id, EnvironmentSpec spec) {
        super(scope, id);
        StateSpec state = spec.state();
        lockTable = Table.Builder.create(this, "LockTable")
                .tableName(state.lockTable())
                .partitionKey(Attribute.builder().name("lockId").type(AttributeType.STRING).build())
                .timeToLiveAttribute("expiresAt")
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .encryption(TableEncryption.AWS_MANAGED)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .deletionProtection(true)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();

        reportBucket = Bucket.Builder.create(this, "ReportBucket")
                // Unique per hub account and region: S3 bucket names are global (EnvironmentSpec.reportBucket).
                .bucketName(spec.reportBucket())
                .versioned(true)
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .enforceSsl(true)
                // Only reports/ ages out: overrides/ holds the budget ladder's records of what it changed,
                // which must outlive any report until they are restored.
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("age-out-old-reports")
                        .prefix(REPORTS_PREFIX)
                        .transitions(List.of(Transition.builder()
                                .storageClass(StorageClass.INFREQUENT_ACCESS)
                                .transitionAfter(Duration.days(REPORT_DAYS_TO_INFREQUENT_ACCESS)).build()))
                        .expiration(Duration.days(REPORT_DAYS_TO_EXPIRY))
                        .noncurrentVersionExpiration(Duration.days(OLD_VERSION_DAYS))
                        .abortIncompleteMultipartUploadAfter(Duration.days(7))
                        .build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        Checkov.skip(reportBucket, "CKV_AWS_18", "The bucket holds reports that only the control plane's own functions"
                + " write; who wrote what is in their execution logs, and an access-log bucket would itself need one.");
        Checkov.skip(lockTable, "CKV_AWS_119", "The lock table holds one lease item per environment (holder, expiry), no"
                + " secret or customer data: DynamoDB's AWS managed key is enough.");
        Nag.suppress(reportBucket, "AwsSolutions-S1",
                "The bucket holds reports that only the control plane's own functions write; who wrote what is"
                        + " in their execution logs, and an access-log bucket would itself need one.");
    }

    /**
     * Only these roles (the budget functions) may write or delete under overrides/: an override tells
     * every plan to leave a changed attribute alone, so a forged one would hide drift.
     */
    void restrictOverridesTo(List<IRole> writers) {
        reportBucket.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("OverridesWrittenOnlyByTheBudgetFunctions")
                .effect(Effect.DENY)
                .principals(List.of(new AnyPrincipal()))
                .actions(List.of("s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl",
                        "s3:RestoreObject"))
                .resources(List.of(reportBucket.arnForObjects(OVERRIDES_PREFIX + "*")))
                .conditions(Map.of("ArnNotEquals", Map.of("aws:PrincipalArn", writers.stream().map(IRole::getRoleArn).toList())))
                .build());
    }
}
