package com.qualisys.controlplane.layers;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.engine.ReportRenderer;
import com.qualisys.controlplane.layers.iam.PolicyDocument;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.budgets.model.Notification;
import software.amazon.awssdk.services.budgets.model.Subscriber;

/**
 * Someone changes the foundation by hand: the drift check names the resource and the attribute,
 * and the next apply repairs exactly that with targeted calls, after which drift is empty.
 */
class FoundationDriftRepairTest {
    private static final String ACCOUNT = FoundationFixture.ACCOUNT;
    private static final String TOPIC = "arn:aws:sns:us-east-1:" + ACCOUNT + ":qualisys-budget-alerts";
    private static final String TRAIL = "qualisys-management-trail";
    private static FoundationFixture world;
    private static String trailBucket;

    @BeforeAll
    static void applyTheFoundation() {
        world = FoundationFixture.fresh();
        trailBucket = world.spec.monitoring().cloudTrail().bucket();
        try (AwsClients aws = world.clients()) {
            world.applyAll(aws);
        }
    }

    /** An out-of-band change, where the drift report must show it, and the calls that repair it. */
    record DriftCase(String name, Consumer<AwsClients> change, String logicalId, Action action, String path, Map<String, Integer> repairCalls) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<DriftCase> outOfBandChanges() {
        return Stream.of(
                new DriftCase("a statement granting secrets access is added to QualisysCICDPolicy", aws -> {
                    String arn = "arn:aws:iam::" + ACCOUNT + ":policy/qualisys/QualisysCICDPolicy";
                    String current = aws.iam().getPolicyVersion(r -> r.policyArn(arn)
                            .versionId(aws.iam().getPolicy(p -> p.policyArn(arn)).policy().defaultVersionId())).policyVersion().document();
                    Map<String, Object> doc = PolicyDocument.parse(current);
                    List<Object> statements = new java.util.ArrayList<>((List<?>) doc.get("Statement"));
                    statements.add(Map.of("Effect", "Allow", "Action", "secretsmanager:GetSecretValue", "Resource", "*"));
                    doc.put("Statement", statements);
                    aws.iam().createPolicyVersion(r -> r.policyArn(arn).policyDocument(PolicyDocument.toJson(doc)).setAsDefault(true));
                }, "iam/policy/QualisysCICDPolicy", Action.UPDATE, "document.Statement", Map.of("Iam.CreatePolicyVersion", 1)),

                new DriftCase("the MFA condition is removed from QualisysDeveloper's trust policy", aws ->
                        aws.iam().updateAssumeRolePolicy(r -> r.roleName("QualisysDeveloper").policyDocument("""
                                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},
                                 "Action":"sts:AssumeRole"}]}""")),
                        "iam/role/QualisysDeveloper", Action.UPDATE, "assumeRolePolicy.Statement", Map.of("Iam.UpdateAssumeRolePolicy", 1)),

                new DriftCase("QualisysCICD's maximum session is raised to 12 hours", aws ->
                        aws.iam().updateRole(r -> r.roleName("QualisysCICD").maxSessionDuration(43200)),
                        "iam/role/QualisysCICD", Action.UPDATE, "maxSessionSeconds", Map.of("Iam.UpdateRole", 1)),

                new DriftCase("AdministratorAccess is attached to QualisysDeveloper", aws ->
                        aws.iam().attachRolePolicy(r -> r.roleName("QualisysDeveloper").policyArn("arn:aws:iam::aws:policy/AdministratorAccess")),
                        "iam/role/QualisysDeveloper", Action.UPDATE, "managedPolicies", Map.of("Iam.DetachRolePolicy", 1)),

                new DriftCase("an inline policy is put on QualisysCICD", aws ->
                        aws.iam().putRolePolicy(r -> r.roleName("QualisysCICD").policyName("backdoor").policyDocument("""
                                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""")),
                        "iam/role/QualisysCICD", Action.UPDATE, "inlinePolicies", Map.of("Iam.DeleteRolePolicy", 1)),

                new DriftCase("QualisysCICD's permissions boundary is removed", aws ->
                        aws.iam().deleteRolePermissionsBoundary(r -> r.roleName("QualisysCICD")),
                        "iam/role/QualisysCICD", Action.UPDATE, "permissionsBoundary", Map.of("Iam.PutRolePermissionsBoundary", 1)),

                new DriftCase("the account alias is changed", aws -> aws.iam().createAccountAlias(r -> r.accountAlias("someone-else")),
                        "account/alias/primary", Action.UPDATE, "alias", Map.of("Iam.DeleteAccountAlias", 1, "Iam.CreateAccountAlias", 1)),

                new DriftCase("the $500 budget's limit is changed to $5,000", aws -> {
                    var b = aws.budgets().describeBudget(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-500")).budget();
                    aws.budgets().updateBudget(r -> r.accountId(ACCOUNT).newBudget(b.toBuilder()
                            .budgetLimit(l -> l.amount(new java.math.BigDecimal("5000")).unit("USD")).build()));
                }, "monitoring/budget/qualisys-monthly-500", Action.UPDATE, "limitUsd", Map.of("Budgets.UpdateBudget", 1)),

                new DriftCase("the $500 budget is narrowed to EC2 spend", aws -> {
                    var b = aws.budgets().describeBudget(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-500")).budget();
                    aws.budgets().updateBudget(r -> r.accountId(ACCOUNT).newBudget(b.toBuilder()
                            .costFilters(Map.of("Service", List.of("Amazon Elastic Compute Cloud - Compute"))).build()));
                }, "monitoring/budget/qualisys-monthly-500", Action.UPDATE, "scope", Map.of("Budgets.UpdateBudget", 1)),

                new DriftCase("the $1,000 budget stops counting tax", aws -> {
                    var b = aws.budgets().describeBudget(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-1000")).budget();
                    aws.budgets().updateBudget(r -> r.accountId(ACCOUNT).newBudget(b.toBuilder().costTypes(t -> t.includeTax(false)).build()));
                }, "monitoring/budget/qualisys-monthly-1000", Action.UPDATE, "scope", Map.of("Budgets.UpdateBudget", 1)),

                new DriftCase("the alert topic is encrypted with a key the budgets service may not use", aws ->
                        aws.sns().setTopicAttributes(r -> r.topicArn(TOPIC).attributeName("KmsMasterKeyId").attributeValue("alias/someone-elses-key")),
                        "monitoring/topic/qualisys-budget-alerts", Action.UPDATE, "kmsMasterKeyId", Map.of("Sns.SetTopicAttributes", 1)),

                new DriftCase("the trail writes its logs under another prefix", aws ->
                        aws.cloudTrail().updateTrail(r -> r.name(TRAIL).s3KeyPrefix("elsewhere")),
                        "monitoring/trail/" + TRAIL, Action.UPDATE, "delivery.s3KeyPrefix", Map.of("CloudTrail.UpdateTrail", 1)),

                new DriftCase("the trail bucket's expiry is narrowed to tagged objects", aws ->
                        aws.s3().putBucketLifecycleConfiguration(r -> r.bucket(trailBucket).lifecycleConfiguration(c -> c.rules(rule -> rule
                                .id("expire-trail-logs").status("Enabled").filter(f -> f.tag(t -> t.key("expire").value("yes")))
                                .expiration(e -> e.days(world.spec.monitoring().cloudTrail().logRetentionDays()))))),
                        "monitoring/bucket/" + trailBucket, Action.UPDATE, "lifecycle", Map.of("S3.PutBucketLifecycleConfiguration", 1)),

                new DriftCase("the $1,000 budget's 80% notification is deleted", aws ->
                        aws.budgets().deleteNotification(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-1000").notification(actualAt(80))),
                        "monitoring/budget/qualisys-monthly-1000", Action.UPDATE, "notifications", Map.of("Budgets.CreateNotification", 1)),

                new DriftCase("the $2,000 budget's 100% alert goes to someone else's e-mail instead of the topic", aws -> {
                    Notification n = actualAt(100);
                    aws.budgets().deleteSubscriber(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-2000").notification(n)
                            .subscriber(Subscriber.builder().subscriptionType("SNS").address(TOPIC).build()));
                    aws.budgets().createSubscriber(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-2000").notification(n)
                            .subscriber(Subscriber.builder().subscriptionType("EMAIL").address("attacker@example.com").build()));
                }, "monitoring/budget/qualisys-monthly-2000", Action.UPDATE, "notifications",
                        Map.of("Budgets.CreateSubscriber", 1, "Budgets.DeleteSubscriber", 1)),

                // One SNS subscriber per notification (AWS limit): the repair must remove the intruder before adding the topic back.
                new DriftCase("the $2,000 budget's 100% alert goes to someone else's SNS topic", aws -> {
                    Notification n = actualAt(100);
                    aws.budgets().deleteSubscriber(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-2000").notification(n)
                            .subscriber(Subscriber.builder().subscriptionType("SNS").address(TOPIC).build()));
                    aws.budgets().createSubscriber(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-2000").notification(n)
                            .subscriber(Subscriber.builder().subscriptionType("SNS").address(TOPIC + "-elsewhere").build()));
                }, "monitoring/budget/qualisys-monthly-2000", Action.UPDATE, "notifications",
                        Map.of("Budgets.DeleteSubscriber", 1, "Budgets.CreateSubscriber", 1)),

                new DriftCase("the DevOps lead's e-mail subscription to the alert topic is removed", aws ->
                        aws.sns().listSubscriptionsByTopic(r -> r.topicArn(TOPIC)).subscriptions().stream().filter(s -> s.protocol().equals("email"))
                                .forEach(s -> aws.sns().unsubscribe(u -> u.subscriptionArn(s.subscriptionArn()))),
                        "monitoring/topic/qualisys-budget-alerts", Action.UPDATE, "emailSubscriptions", Map.of("Sns.Subscribe", 1)),

                // Alerts are raised in the environment's account and answered by the hub's budget function.
                new DriftCase("the hub's budget function is unsubscribed from the alert topic", aws ->
                        aws.sns().listSubscriptionsByTopic(r -> r.topicArn(TOPIC)).subscriptions().stream().filter(s -> s.protocol().equals("lambda"))
                                .forEach(s -> aws.sns().unsubscribe(u -> u.subscriptionArn(s.subscriptionArn()))),
                        "monitoring/topic/qualisys-budget-alerts", Action.UPDATE, "controlPlaneSubscriptions", Map.of("Sns.Subscribe", 1)),

                new DriftCase("the anomaly alert threshold is raised to $5,000", aws -> {
                    String arn = world.anomalies().subscriptions().stream().filter(s -> s.get("SubscriptionName").asText().equals("qualisys-anomaly-alerts"))
                            .findFirst().orElseThrow().get("SubscriptionArn").asText();
                    aws.costExplorer().updateAnomalySubscription(r -> r.subscriptionArn(arn).thresholdExpression(e -> e.dimensions(d -> d
                            .key("ANOMALY_TOTAL_IMPACT_ABSOLUTE").matchOptions(software.amazon.awssdk.services.costexplorer.model.MatchOption.GREATER_THAN_OR_EQUAL)
                            .values("5000"))));
                }, "monitoring/anomaly-subscription/qualisys-anomaly-alerts", Action.UPDATE, "threshold",
                        Map.of("CostExplorer.UpdateAnomalySubscription", 1)),

                new DriftCase("the anomaly digest is re-created by hand with the deprecated numeric Threshold", aws -> {
                    var digest = world.anomalies().subscriptions().stream()
                            .filter(s -> s.get("SubscriptionName").asText().equals("qualisys-anomaly-digest")).findFirst().orElseThrow();
                    aws.costExplorer().deleteAnomalySubscription(r -> r.subscriptionArn(digest.get("SubscriptionArn").asText()));
                    aws.costExplorer().createAnomalySubscription(r -> r.anomalySubscription(s -> s.subscriptionName("qualisys-anomaly-digest")
                            .frequency("DAILY").threshold(50.0).monitorArnList(digest.get("MonitorArnList").get(0).asText())
                            .subscribers(sub -> sub.type("EMAIL").address(world.spec.monitoring().anomalyDetection().digestEmail()))));
                }, "monitoring/anomaly-subscription/qualisys-anomaly-digest", Action.UPDATE, "threshold",
                        Map.of("CostExplorer.UpdateAnomalySubscription", 1)),

                // AWS allows one AWS-services monitor per account, so the look-alike is a custom monitor of the same name.
                new DriftCase("a second anomaly monitor with the same name appears", aws ->
                        aws.costExplorer().createAnomalyMonitor(r -> r.anomalyMonitor(m -> m.monitorName("qualisys-all-services")
                                .monitorType("CUSTOM").monitorSpecification(e -> e.dimensions(d -> d.key("LINKED_ACCOUNT").values(ACCOUNT))))),
                        "monitoring/anomaly-monitor/qualisys-all-services", Action.DELETE, "exists", Map.of("CostExplorer.DeleteAnomalyMonitor", 1)),

                new DriftCase("CloudTrail logging is stopped", aws -> aws.cloudTrail().stopLogging(r -> r.name(TRAIL)),
                        "monitoring/trail/" + TRAIL, Action.UPDATE, "logging", Map.of("CloudTrail.StartLogging", 1)),

                new DriftCase("log file validation is disabled", aws ->
                        aws.cloudTrail().updateTrail(r -> r.name(TRAIL).enableLogFileValidation(false)),
                        "monitoring/trail/" + TRAIL, Action.UPDATE, "logFileValidation", Map.of("CloudTrail.UpdateTrail", 1)),

                new DriftCase("the trail records only write events", aws ->
                        aws.cloudTrail().putEventSelectors(r -> r.trailName(TRAIL).eventSelectors(s -> s.readWriteType("WriteOnly").includeManagementEvents(true))),
                        "monitoring/trail/" + TRAIL, Action.UPDATE, "eventSelectors", Map.of("CloudTrail.PutEventSelectors", 1)),

                new DriftCase("the trail bucket's lifecycle rule is removed", aws -> aws.s3().deleteBucketLifecycle(r -> r.bucket(trailBucket)),
                        "monitoring/bucket/" + trailBucket, Action.UPDATE, "lifecycle", Map.of("S3.PutBucketLifecycleConfiguration", 1)),

                new DriftCase("the trail bucket's public access block is relaxed", aws ->
                        aws.s3().putPublicAccessBlock(r -> r.bucket(trailBucket).publicAccessBlockConfiguration(c -> c
                                .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(false).restrictPublicBuckets(false))),
                        "monitoring/bucket/" + trailBucket, Action.UPDATE, "publicAccessBlock.blockPublicPolicy", Map.of("S3.PutPublicAccessBlock", 1)),

                new DriftCase("the trail bucket's policy is deleted", aws -> aws.s3().deleteBucketPolicy(r -> r.bucket(trailBucket)),
                        "monitoring/bucket/" + trailBucket, Action.UPDATE, "policy.Statement", Map.of("S3.PutBucketPolicy", 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outOfBandChanges")
    void isReportedAndRepaired(DriftCase c) {
        try (AwsClients before = world.clients()) {
            assertThat(world.drift(before).hasChanges()).as("no drift before the change").isFalse();
        }
        try (AwsClients someone = world.clients()) {
            c.change().accept(someone);
        }

        Report drift;
        try (AwsClients check = world.clients()) {
            drift = world.drift(check);
            assertThat(check.calls().mutating()).as("a drift check changes nothing").isZero();
        }
        List<Change> changes = drift.layers().stream().flatMap(p -> p.changes().stream()).toList();
        assertThat(changes).as(ReportRenderer.text(drift)).singleElement().satisfies(change -> {
            assertThat(change.logicalId()).isEqualTo(c.logicalId());
            assertThat(change.action()).isEqualTo(c.action());
            assertThat(change.differences()).anySatisfy(d -> assertThat(d.path()).isEqualTo(c.path()));
        });

        try (AwsClients repair = world.clients()) {
            world.applyAll(repair);
            assertThat(repair.calls().mutatingByOperation()).as("only the drifted attribute is repaired").isEqualTo(c.repairCalls());
        }
        try (AwsClients after = world.clients()) {
            Report again = world.drift(after);
            assertThat(again.hasChanges()).as(ReportRenderer.text(again)).isFalse();
        }
    }

    private static Notification actualAt(int percent) {
        return Notification.builder().notificationType("ACTUAL").comparisonOperator("GREATER_THAN").threshold((double) percent)
                .thresholdType("PERCENTAGE").build();
    }
}
