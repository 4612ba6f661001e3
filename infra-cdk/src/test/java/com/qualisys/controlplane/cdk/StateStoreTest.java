package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class StateStoreTest {
    private final Template template = TestStacks.phaseOne().template();
    private final EnvironmentSpec.StateSpec state = TestStacks.specs().load("dev").state();

    @Test
    void lockTableIsKeyedByLockIdExpiresByTtlKeepsPointInTimeRecoveryAndIsEncrypted() {
        template.resourceCountIs("AWS::DynamoDB::Table", 1);
        template.hasResource("AWS::DynamoDB::Table", Map.of(
                "DeletionPolicy", "Retain",
                "Properties", Map.of(
                        "TableName", state.lockTable(),
                        "KeySchema", List.of(Map.of("AttributeName", "lockId", "KeyType", "HASH")),
                        "AttributeDefinitions", List.of(Map.of("AttributeName", "lockId", "AttributeType", "S")),
                        "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true),
                        "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                        "SSESpecification", Map.of("SSEEnabled", true),
                        "DeletionProtectionEnabled", true)));
    }

    @Test
    void reportBucketNameIsUniquePerHubAccountAndRegion() {
        var dev = TestStacks.specs().load("dev");
        assertThat(dev.reportBucket()).isEqualTo(state.reportBucket() + "-" + dev.aws().hubAccountId() + "-" + dev.aws().region());
        template.hasResourceProperties("AWS::S3::Bucket", Map.of("BucketName", dev.reportBucket()));
    }

    @Test
    void reportBucketIsVersionedEncryptedPrivateAndAgesOutOldReports() {
        template.resourceCountIs("AWS::S3::Bucket", 1);
        template.hasResource("AWS::S3::Bucket", Map.of(
                "DeletionPolicy", "Retain",
                "Properties", Map.of(
                        "BucketName", TestStacks.specs().load("dev").reportBucket(),
                        "VersioningConfiguration", Map.of("Status", "Enabled"),
                        "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(Map.of(
                                "ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                        "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                                "IgnorePublicAcls", true, "RestrictPublicBuckets", true),
                        "LifecycleConfiguration", Map.of("Rules", List.of(Match.objectLike(Map.of(
                                "Status", "Enabled",
                                "ExpirationInDays", StateStore.REPORT_DAYS_TO_EXPIRY,
                                "NoncurrentVersionExpiration", Map.of("NoncurrentDays", StateStore.OLD_VERSION_DAYS),
                                "Transitions", List.of(Map.of("StorageClass", "STANDARD_IA",
                                        "TransitionInDays", StateStore.REPORT_DAYS_TO_INFREQUENT_ACCESS)))))))));
    }

    @Test
    void reportBucketRefusesEveryRequestThatIsNotTls() {
        Map<String, Map<String, Object>> policies = Cfn.resources(template, "AWS::S3::BucketPolicy");
        assertThat(policies).hasSize(1);
        assertThat(policies.values().iterator().next().toString())
                .contains("Effect=Deny").contains("aws:SecureTransport=false").contains("Action=s3:*");
    }
}
