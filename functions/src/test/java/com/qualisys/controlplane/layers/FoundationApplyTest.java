package com.qualisys.controlplane.layers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.engine.ReportRenderer;
import com.qualisys.controlplane.layers.iam.PolicyDocument;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.budgets.model.Notification;
import software.amazon.awssdk.services.iam.model.Role;

/** One apply of account, iam and monitoring on an empty account builds the seed; the next changes nothing. */
class FoundationApplyTest {
    private static FoundationFixture world;
    private static AwsClients aws;
    private static List<com.qualisys.controlplane.engine.Reconciler.ApplyResult> firstApply;

    @BeforeAll
    static void applyOnAnEmptyAccount() {
        world = FoundationFixture.fresh();
        aws = world.clients();
        firstApply = world.applyAll(aws);
    }

    @Test
    void theFirstApplyCreatesEveryResourceOfTheThreeLayers() {
        List<String> created = firstApply.stream().flatMap(r -> r.applied().stream()).map(Change::logicalId).sorted().toList();
        assertThat(created).containsExactlyInAnyOrder(
                "account/alias/primary",
                "iam/policy/QualisysDeveloperPolicy", "iam/policy/QualisysCICDPolicy", "iam/policy/QualisysRDSServicePolicy",
                "iam/policy/QualisysElastiCacheServicePolicy", "iam/policy/QualisysECRServicePolicy", "iam/policy/QualisysMFAEnforcement",
                "iam/role/QualisysDevOpsAdmin", "iam/role/QualisysDeveloper", "iam/role/QualisysCICD", "iam/role/QualisysEKSService",
                "iam/role/QualisysRDSService", "iam/role/QualisysElastiCacheService", "iam/role/QualisysECRService",
                "monitoring/topic/qualisys-budget-alerts",
                "monitoring/budget/qualisys-monthly-500", "monitoring/budget/qualisys-monthly-1000", "monitoring/budget/qualisys-monthly-2000",
                "monitoring/anomaly-monitor/qualisys-all-services",
                "monitoring/anomaly-subscription/qualisys-anomaly-alerts", "monitoring/anomaly-subscription/qualisys-anomaly-digest",
                "monitoring/bucket/" + world.spec.monitoring().cloudTrail().bucket(),
                "monitoring/trail/qualisys-management-trail");
    }

    @Test
    void humanRolesAreAssumedOnlyWithMfaFromThisAccount() {
        for (String name : List.of("QualisysDevOpsAdmin", "QualisysDeveloper")) {
            Role role = aws.iam().getRole(r -> r.roleName(name)).role();
            assertThat(PolicyDocument.canonical(role.assumeRolePolicyDocument())).isEqualTo(PolicyDocument.canonical("""
                    {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},
                     "Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"""));
        }
    }

    @Test
    void ciCdNeedsNoMfaButItsSessionsLastAtMostOneHour() {
        Role cicd = aws.iam().getRole(r -> r.roleName("QualisysCICD")).role();
        assertThat(cicd.maxSessionDuration()).isEqualTo(3600);
        assertThat(PolicyDocument.toJson(PolicyDocument.canonical(cicd.assumeRolePolicyDocument()))).doesNotContain("multifactor");
        assertThat(attached("QualisysCICD")).containsExactly("arn:aws:iam::123456789012:policy/qualisys/QualisysCICDPolicy");
    }

    @Test
    void rolesCarryThePoliciesOfTheSeedsTables() {
        assertThat(attached("QualisysDevOpsAdmin")).containsExactlyInAnyOrder("arn:aws:iam::aws:policy/PowerUserAccess",
                "arn:aws:iam::aws:policy/IAMFullAccess", "arn:aws:iam::123456789012:policy/qualisys/QualisysMFAEnforcement");
        assertThat(attached("QualisysEKSService")).containsExactlyInAnyOrder("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
                "arn:aws:iam::aws:policy/AmazonEKSVPCResourceController");
        assertThat(attached("QualisysRDSService")).containsExactly("arn:aws:iam::123456789012:policy/qualisys/QualisysRDSServicePolicy");
        Role eks = aws.iam().getRole(r -> r.roleName("QualisysEKSService")).role();
        assertThat(PolicyDocument.toJson(PolicyDocument.canonical(eks.assumeRolePolicyDocument()))).contains("eks.amazonaws.com");
    }

    @Test
    void theAccountHasItsAlias() {
        assertThat(aws.iam().listAccountAliases().accountAliases()).containsExactly(world.spec.account().alias());
    }

    @Test
    void threeMonthlyBudgetsAlertAt80And100PercentActualAnd150PercentForecastToTheTopic() {
        String topic = "arn:aws:sns:us-east-1:123456789012:qualisys-budget-alerts";
        for (int limit : List.of(500, 1000, 2000)) {
            String name = "qualisys-monthly-" + limit;
            var budget = aws.budgets().describeBudget(r -> r.accountId(FoundationFixture.ACCOUNT).budgetName(name)).budget();
            assertThat(budget.budgetLimit().amount()).isEqualByComparingTo(String.valueOf(limit));
            assertThat(budget.timeUnitAsString()).isEqualTo("MONTHLY");
            List<Notification> notifications = aws.budgets().describeNotificationsForBudget(r -> r.accountId(FoundationFixture.ACCOUNT).budgetName(name)).notifications();
            assertThat(notifications).extracting(n -> n.notificationTypeAsString() + " > " + n.threshold().intValue() + "%")
                    .containsExactlyInAnyOrder("ACTUAL > 80%", "ACTUAL > 100%", "FORECASTED > 150%");
            for (Notification n : notifications) {
                assertThat(aws.budgets().describeSubscribersForNotification(r -> r.accountId(FoundationFixture.ACCOUNT).budgetName(name).notification(n))
                        .subscribers()).extracting(s -> s.subscriptionTypeAsString() + ":" + s.address()).containsExactly("SNS:" + topic);
            }
        }
    }

    @Test
    void theAlertTopicMailsTheDevOpsLeadAndLetsBudgetsAndAnomalyDetectionPublish() {
        String topic = "arn:aws:sns:us-east-1:123456789012:qualisys-budget-alerts";
        assertThat(aws.sns().listSubscriptionsByTopic(r -> r.topicArn(topic)).subscriptions())
                .extracting(s -> s.protocol() + ":" + s.endpoint()).containsExactlyInAnyOrder("email:" + world.spec.monitoring().alertEmail(),
                        // The hub's budget function answers the alerts (docs/accounts.md).
                        "lambda:arn:aws:lambda:us-east-1:" + world.spec.aws().hubAccountId() + ":function:qualisys-budget-alert:live");
        String policy = aws.sns().getTopicAttributes(r -> r.topicArn(topic)).attributes().get("Policy");
        assertThat(policy).contains("budgets.amazonaws.com").contains("costalerts.amazonaws.com");
    }

    @Test
    void anomaliesOver50DollarsAlertTheTopicImmediatelyAndMailADailyDigest() {
        List<JsonNode> monitors = world.anomalies().monitors();
        assertThat(monitors).hasSize(1);
        assertThat(monitors.get(0).get("MonitorDimension").asText()).isEqualTo("SERVICE");
        String monitorArn = monitors.get(0).get("MonitorArn").asText();
        Map<String, JsonNode> byName = new java.util.HashMap<>();
        world.anomalies().subscriptions().forEach(s -> byName.put(s.get("SubscriptionName").asText(), s));
        assertThat(byName).containsOnlyKeys("qualisys-anomaly-alerts", "qualisys-anomaly-digest");
        JsonNode immediate = byName.get("qualisys-anomaly-alerts");
        assertThat(immediate.get("Frequency").asText()).isEqualTo("IMMEDIATE");
        assertThat(immediate.get("Subscribers").get(0).get("Type").asText()).isEqualTo("SNS");
        JsonNode digest = byName.get("qualisys-anomaly-digest");
        assertThat(digest.get("Frequency").asText()).isEqualTo("DAILY");
        assertThat(digest.get("Subscribers").get(0).get("Type").asText()).isEqualTo("EMAIL");
        for (JsonNode s : byName.values()) {
            assertThat(s.get("MonitorArnList").get(0).asText()).isEqualTo(monitorArn);
            JsonNode dims = s.get("ThresholdExpression").get("Dimensions");
            assertThat(dims.get("Key").asText()).isEqualTo("ANOMALY_TOTAL_IMPACT_ABSOLUTE");
            assertThat(dims.get("Values").get(0).asText()).isEqualTo("50");
            assertThat(dims.get("MatchOptions").get(0).asText()).isEqualTo("GREATER_THAN_OR_EQUAL");
        }
    }

    @Test
    void theManagementTrailLogsAllRegionsWithValidationIntoAPrivateEncryptedExpiringBucket() {
        var trail = aws.cloudTrail().describeTrails().trailList().stream().filter(t -> t.name().equals("qualisys-management-trail")).findFirst().orElseThrow();
        String bucket = world.spec.monitoring().cloudTrail().bucket();
        assertThat(trail.isMultiRegionTrail()).isTrue();
        assertThat(trail.includeGlobalServiceEvents()).isTrue();
        assertThat(trail.logFileValidationEnabled()).isTrue();
        assertThat(trail.s3BucketName()).isEqualTo(bucket);
        assertThat(aws.cloudTrail().getTrailStatus(r -> r.name("qualisys-management-trail")).isLogging()).isTrue();
        assertThat(aws.cloudTrail().getEventSelectors(r -> r.trailName("qualisys-management-trail")).eventSelectors())
                .allSatisfy(s -> assertThat(s.includeManagementEvents()).isTrue());

        var pab = aws.s3().getPublicAccessBlock(r -> r.bucket(bucket)).publicAccessBlockConfiguration();
        assertThat(List.of(pab.blockPublicAcls(), pab.ignorePublicAcls(), pab.blockPublicPolicy(), pab.restrictPublicBuckets())).containsOnly(true);
        assertThat(aws.s3().getBucketEncryption(r -> r.bucket(bucket)).serverSideEncryptionConfiguration().rules().get(0)
                .applyServerSideEncryptionByDefault().sseAlgorithmAsString()).isEqualTo("AES256");
        assertThat(aws.s3().getBucketLifecycleConfiguration(r -> r.bucket(bucket)).rules())
                .singleElement().satisfies(rule -> assertThat(rule.expiration().days()).isEqualTo(90));
        String policy = aws.s3().getBucketPolicy(r -> r.bucket(bucket)).policy();
        assertThat(policy).contains("cloudtrail.amazonaws.com").contains("arn:aws:cloudtrail:us-east-1:123456789012:trail/qualisys-management-trail")
                .contains("AWSLogs/123456789012/*");
    }

    @Test
    void aSecondApplyMakesNoMutatingCallAndDriftReportsNone() {
        try (AwsClients again = world.clients()) {
            world.applyAll(again);
            assertThat(again.calls().mutatingByOperation()).isEmpty();
            assertThat(again.calls().mutating()).isZero();
            System.out.println("second apply API calls (all read-only): " + again.calls().byOperation());
        }
        try (AwsClients check = world.clients()) {
            Report drift = world.drift(check);
            assertThat(drift.hasChanges()).as(ReportRenderer.text(drift)).isFalse();
            System.out.println("drift check API calls: " + check.calls().total() + " " + check.calls().byOperation());
        }
    }

    private static List<String> attached(String role) {
        return aws.iam().listAttachedRolePolicies(r -> r.roleName(role)).attachedPolicies().stream().map(p -> p.policyArn()).toList();
    }
}
