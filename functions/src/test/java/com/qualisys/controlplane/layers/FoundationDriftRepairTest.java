package com.qualisys.controlplane.layers;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.aws.AwsClients;
import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.engine.ReportRenderer;
import com.qualisys.controlplane.layers.iam.PolicyDocument;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
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
    record DriftCase(String name, Consumer<AwsClients> change, String logicalId, Action action, String path, Map<String, Integer> repairCalls,
                     Function<AwsClients, Object> live, Consumer<Difference> values) {
        @Override
        public String toString() {
            return name;
        }
    }

    @SuppressWarnings("unchecked")
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
                }, "iam/policy/QualisysCICDPolicy", Action.UPDATE, "document.Statement", Map.of("Iam.CreatePolicyVersion", 1),
                        aws -> Live.policyDocument(aws, "arn:aws:iam::" + ACCOUNT + ":policy/qualisys/QualisysCICDPolicy"),
                        d -> {
                            assertThat(maps(d.expected())).noneMatch(FoundationDriftRepairTest::allowsSecretValues);
                            assertThat(maps(d.actual())).hasSize(maps(d.expected()).size() + 1).filteredOn(FoundationDriftRepairTest::allowsSecretValues)
                                    .singleElement().satisfies(st -> assertThat(st.get("Resource")).isEqualTo(List.of("*")));
                        }),

                new DriftCase("the MFA condition is removed from QualisysDeveloper's trust policy", aws ->
                        aws.iam().updateAssumeRolePolicy(r -> r.roleName("QualisysDeveloper").policyDocument("""
                                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},
                                 "Action":"sts:AssumeRole"}]}""")),
                        "iam/role/QualisysDeveloper", Action.UPDATE, "assumeRolePolicy.Statement", Map.of("Iam.UpdateAssumeRolePolicy", 1),
                        aws -> Live.json(java.net.URLDecoder.decode(aws.iam().getRole(r -> r.roleName("QualisysDeveloper")).role().assumeRolePolicyDocument(), java.nio.charset.StandardCharsets.UTF_8)),
                        d -> {
                            Map<String, Object> wanted = new java.util.HashMap<>(maps(d.expected()).getFirst());
                            assertThat(wanted.remove("Condition")).isEqualTo(Map.of("Bool", Map.of("aws:multifactorauthpresent", List.of("true"))));
                            assertThat(maps(d.actual())).containsExactly(wanted);
                        }),

                new DriftCase("QualisysCICD's maximum session is raised to 12 hours", aws ->
                        aws.iam().updateRole(r -> r.roleName("QualisysCICD").maxSessionDuration(43200)),
                        "iam/role/QualisysCICD", Action.UPDATE, "maxSessionSeconds", Map.of("Iam.UpdateRole", 1),
                        aws -> aws.iam().getRole(r -> r.roleName("QualisysCICD")).role().maxSessionDuration(),
                        exactly(3600, 43200)),

                new DriftCase("AdministratorAccess is attached to QualisysDeveloper", aws ->
                        aws.iam().attachRolePolicy(r -> r.roleName("QualisysDeveloper").policyArn("arn:aws:iam::aws:policy/AdministratorAccess")),
                        "iam/role/QualisysDeveloper", Action.UPDATE, "managedPolicies", Map.of("Iam.DetachRolePolicy", 1),
                        aws -> aws.iam().listAttachedRolePolicies(r -> r.roleName("QualisysDeveloper")).attachedPolicies().stream().map(a -> a.policyArn()).sorted().toList(),
                        d -> {
                            List<Object> wanted = new java.util.ArrayList<>((List<?>) d.expected());
                            wanted.add("arn:aws:iam::aws:policy/AdministratorAccess");
                            assertThat((List<Object>) d.actual()).containsExactlyInAnyOrderElementsOf(wanted);
                        }),

                new DriftCase("an inline policy is put on QualisysCICD", aws ->
                        aws.iam().putRolePolicy(r -> r.roleName("QualisysCICD").policyName("backdoor").policyDocument("""
                                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""")),
                        "iam/role/QualisysCICD", Action.UPDATE, "inlinePolicies", Map.of("Iam.DeleteRolePolicy", 1),
                        aws -> aws.iam().listRolePolicies(r -> r.roleName("QualisysCICD")).policyNames().stream().sorted().toList(),
                        exactly(List.of(), List.of("backdoor"))),

                new DriftCase("QualisysCICD's permissions boundary is removed", aws ->
                        aws.iam().deleteRolePermissionsBoundary(r -> r.roleName("QualisysCICD")),
                        "iam/role/QualisysCICD", Action.UPDATE, "permissionsBoundary", Map.of("Iam.PutRolePermissionsBoundary", 1),
                        aws -> java.util.Optional.ofNullable(aws.iam().getRole(r -> r.roleName("QualisysCICD")).role().permissionsBoundary()).map(b -> b.permissionsBoundaryArn()).orElse("none"),
                        exactly("/control-plane/qualisys-control-plane-role-boundary", null)),

                new DriftCase("the account alias is changed", aws -> aws.iam().createAccountAlias(r -> r.accountAlias("someone-else")),
                        "account/alias/primary", Action.UPDATE, "alias", Map.of("Iam.DeleteAccountAlias", 1, "Iam.CreateAccountAlias", 1),
                        aws -> aws.iam().listAccountAliases().accountAliases(),
                        d -> exactly(world.spec.account().alias(), "someone-else").accept(d)),

                new DriftCase("the $500 budget's limit is changed to $5,000", aws -> {
                    var b = aws.budgets().describeBudget(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-500")).budget();
                    aws.budgets().updateBudget(r -> r.accountId(ACCOUNT).newBudget(b.toBuilder()
                            .budgetLimit(l -> l.amount(new java.math.BigDecimal("5000")).unit("USD")).build()));
                }, "monitoring/budget/qualisys-monthly-500", Action.UPDATE, "limitUsd", Map.of("Budgets.UpdateBudget", 1),
                        aws -> aws.budgets().describeBudget(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-500")).budget().budgetLimit().amount().stripTrailingZeros().toPlainString(),
                        d -> {
                            assertThat(new java.math.BigDecimal(String.valueOf(d.expected()))).isEqualByComparingTo("500");
                            assertThat(new java.math.BigDecimal(String.valueOf(d.actual()))).isEqualByComparingTo("5000");
                        }),

                new DriftCase("the $500 budget is narrowed to EC2 spend", aws -> {
                    var b = aws.budgets().describeBudget(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-500")).budget();
                    aws.budgets().updateBudget(r -> r.accountId(ACCOUNT).newBudget(b.toBuilder()
                            .costFilters(Map.of("Service", List.of("Amazon Elastic Compute Cloud - Compute"))).build()));
                }, "monitoring/budget/qualisys-monthly-500", Action.UPDATE, "scope", Map.of("Budgets.UpdateBudget", 1),
                        aws -> aws.budgets().describeBudget(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-500")).budget().costFilters(),
                        exactly(List.of(), List.of("CostFilters.Service=Amazon Elastic Compute Cloud - Compute"))),

                new DriftCase("the $1,000 budget stops counting tax", aws -> {
                    var b = aws.budgets().describeBudget(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-1000")).budget();
                    aws.budgets().updateBudget(r -> r.accountId(ACCOUNT).newBudget(b.toBuilder().costTypes(t -> t.includeTax(false)).build()));
                }, "monitoring/budget/qualisys-monthly-1000", Action.UPDATE, "scope", Map.of("Budgets.UpdateBudget", 1),
                        aws -> String.valueOf(aws.budgets().describeBudget(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-1000")).budget().costTypes()),
                        exactly(List.of(), List.of("CostTypes.IncludeTax=false"))),

                new DriftCase("the alert topic is encrypted with a key the budgets service may not use", aws ->
                        aws.sns().setTopicAttributes(r -> r.topicArn(TOPIC).attributeName("KmsMasterKeyId").attributeValue("alias/someone-elses-key")),
                        "monitoring/topic/qualisys-budget-alerts", Action.UPDATE, "kmsMasterKeyId", Map.of("Sns.SetTopicAttributes", 1),
                        // SNS: an absent or empty KmsMasterKeyId both mean "not encrypted".
                        aws -> java.util.Optional.ofNullable(aws.sns().getTopicAttributes(r -> r.topicArn(TOPIC)).attributes().get("KmsMasterKeyId"))
                                .filter(k -> !k.isEmpty()).orElse("none"),
                        exactly("none", "alias/someone-elses-key")),

                new DriftCase("the trail writes its logs under another prefix", aws ->
                        aws.cloudTrail().updateTrail(r -> r.name(TRAIL).s3KeyPrefix("elsewhere")),
                        "monitoring/trail/" + TRAIL, Action.UPDATE, "delivery.s3KeyPrefix", Map.of("CloudTrail.UpdateTrail", 1),
                        // CloudTrail: an absent or empty S3KeyPrefix both mean "at the bucket's root".
                        aws -> java.util.Optional.ofNullable(aws.cloudTrail().describeTrails(r -> r.trailNameList(TRAIL)).trailList().get(0).s3KeyPrefix())
                                .filter(k -> !k.isEmpty()).orElse("none"),
                        exactly("none", "elsewhere")),

                new DriftCase("the trail bucket's expiry is narrowed to tagged objects", aws ->
                        aws.s3().putBucketLifecycleConfiguration(r -> r.bucket(trailBucket).lifecycleConfiguration(c -> c.rules(rule -> rule
                                .id("expire-trail-logs").status("Enabled").filter(f -> f.tag(t -> t.key("expire").value("yes")))
                                .expiration(e -> e.days(world.spec.monitoring().cloudTrail().logRetentionDays()))))),
                        "monitoring/bucket/" + trailBucket, Action.UPDATE, "lifecycle", Map.of("S3.PutBucketLifecycleConfiguration", 1),
                        aws -> Live.lifecycle(aws, trailBucket),
                        d -> {
                            assertThat(maps(d.expected())).singleElement().satisfies(r -> assertThat(r).doesNotContainKey("narrowedBy")
                                    .containsEntry("expirationDays", 90));
                            assertThat(maps(d.actual())).singleElement().satisfies(r -> assertThat(r)
                                    .containsEntry("narrowedBy", List.of("Filter.Tag=expire:yes")).containsEntry("expirationDays", 90));
                        }),

                new DriftCase("the $1,000 budget's 80% notification is deleted", aws ->
                        aws.budgets().deleteNotification(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-1000").notification(actualAt(80))),
                        "monitoring/budget/qualisys-monthly-1000", Action.UPDATE, "notifications", Map.of("Budgets.CreateNotification", 1),
                        aws -> Live.notifications(aws, "qualisys-monthly-1000"),
                        d -> {
                            assertThat(thresholds(d.expected())).containsExactly(80.0, 100.0, 150.0);
                            assertThat(thresholds(d.actual())).containsExactly(100.0, 150.0);
                        }),

                new DriftCase("the $2,000 budget's 100% alert goes to someone else's e-mail instead of the topic", aws -> {
                    Notification n = actualAt(100);
                    aws.budgets().deleteSubscriber(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-2000").notification(n)
                            .subscriber(Subscriber.builder().subscriptionType("SNS").address(TOPIC).build()));
                    aws.budgets().createSubscriber(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-2000").notification(n)
                            .subscriber(Subscriber.builder().subscriptionType("EMAIL").address("attacker@example.com").build()));
                }, "monitoring/budget/qualisys-monthly-2000", Action.UPDATE, "notifications",
                        Map.of("Budgets.CreateSubscriber", 1, "Budgets.DeleteSubscriber", 1),
                        aws -> Live.subscribers(aws, "qualisys-monthly-2000", actualAt(100)),
                        d -> {
                            assertThat(subscribersAt(d.expected(), 100)).isEqualTo(List.of("SNS:ref:monitoring/topic/qualisys-budget-alerts"));
                            assertThat(subscribersAt(d.actual(), 100)).isEqualTo(List.of("EMAIL:attacker@example.com"));
                        }),

                // One SNS subscriber per notification (AWS limit): the repair must remove the intruder before adding the topic back.
                new DriftCase("the $2,000 budget's 100% alert goes to someone else's SNS topic", aws -> {
                    Notification n = actualAt(100);
                    aws.budgets().deleteSubscriber(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-2000").notification(n)
                            .subscriber(Subscriber.builder().subscriptionType("SNS").address(TOPIC).build()));
                    aws.budgets().createSubscriber(r -> r.accountId(ACCOUNT).budgetName("qualisys-monthly-2000").notification(n)
                            .subscriber(Subscriber.builder().subscriptionType("SNS").address(TOPIC + "-elsewhere").build()));
                }, "monitoring/budget/qualisys-monthly-2000", Action.UPDATE, "notifications",
                        Map.of("Budgets.DeleteSubscriber", 1, "Budgets.CreateSubscriber", 1),
                        aws -> Live.subscribers(aws, "qualisys-monthly-2000", actualAt(100)),
                        d -> {
                            assertThat(subscribersAt(d.expected(), 100)).isEqualTo(List.of("SNS:ref:monitoring/topic/qualisys-budget-alerts"));
                            assertThat(subscribersAt(d.actual(), 100)).isEqualTo(List.of("SNS:" + TOPIC + "-elsewhere"));
                        }),

                new DriftCase("the DevOps lead's e-mail subscription to the alert topic is removed", aws ->
                        aws.sns().listSubscriptionsByTopic(r -> r.topicArn(TOPIC)).subscriptions().stream().filter(s -> s.protocol().equals("email"))
                                .forEach(s -> aws.sns().unsubscribe(u -> u.subscriptionArn(s.subscriptionArn()))),
                        "monitoring/topic/qualisys-budget-alerts", Action.UPDATE, "emailSubscriptions", Map.of("Sns.Subscribe", 1),
                        aws -> aws.sns().listSubscriptionsByTopic(r -> r.topicArn(TOPIC)).subscriptions().stream().map(x -> x.protocol() + ":" + x.endpoint()).sorted().toList(),
                        exactly(List.of("devops-lead@qualisys.example"), List.of())),

                // Alerts are raised in the environment's account and answered by the hub's budget function.
                new DriftCase("the hub's budget function is unsubscribed from the alert topic", aws ->
                        aws.sns().listSubscriptionsByTopic(r -> r.topicArn(TOPIC)).subscriptions().stream().filter(s -> s.protocol().equals("lambda"))
                                .forEach(s -> aws.sns().unsubscribe(u -> u.subscriptionArn(s.subscriptionArn()))),
                        "monitoring/topic/qualisys-budget-alerts", Action.UPDATE, "controlPlaneSubscriptions", Map.of("Sns.Subscribe", 1),
                        aws -> aws.sns().listSubscriptionsByTopic(r -> r.topicArn(TOPIC)).subscriptions().stream().map(x -> x.protocol() + ":" + x.endpoint()).sorted().toList(),
                        exactly(List.of("arn:aws:lambda:us-east-1:111122223333:function:qualisys-budget-alert:live"), List.of())),

                new DriftCase("the anomaly alert threshold is raised to $5,000", aws -> {
                    String arn = world.anomalies().subscriptions().stream().filter(s -> s.get("SubscriptionName").asText().equals("qualisys-anomaly-alerts"))
                            .findFirst().orElseThrow().get("SubscriptionArn").asText();
                    aws.costExplorer().updateAnomalySubscription(r -> r.subscriptionArn(arn).thresholdExpression(e -> e.dimensions(d -> d
                            .key("ANOMALY_TOTAL_IMPACT_ABSOLUTE").matchOptions(software.amazon.awssdk.services.costexplorer.model.MatchOption.GREATER_THAN_OR_EQUAL)
                            .values("5000"))));
                }, "monitoring/anomaly-subscription/qualisys-anomaly-alerts", Action.UPDATE, "threshold",
                        Map.of("CostExplorer.UpdateAnomalySubscription", 1),
                        aws -> Live.anomalySubscription(aws, "qualisys-anomaly-alerts"),
                        exactly("ANOMALY_TOTAL_IMPACT_ABSOLUTE >= 50", "ANOMALY_TOTAL_IMPACT_ABSOLUTE >= 5000")),

                new DriftCase("the anomaly digest is re-created by hand with the deprecated numeric Threshold", aws -> {
                    var digest = world.anomalies().subscriptions().stream()
                            .filter(s -> s.get("SubscriptionName").asText().equals("qualisys-anomaly-digest")).findFirst().orElseThrow();
                    aws.costExplorer().deleteAnomalySubscription(r -> r.subscriptionArn(digest.get("SubscriptionArn").asText()));
                    aws.costExplorer().createAnomalySubscription(r -> r.anomalySubscription(s -> s.subscriptionName("qualisys-anomaly-digest")
                            .frequency("DAILY").threshold(50.0).monitorArnList(digest.get("MonitorArnList").get(0).asText())
                            .subscribers(sub -> sub.type("EMAIL").address(world.spec.monitoring().anomalyDetection().digestEmail()))));
                }, "monitoring/anomaly-subscription/qualisys-anomaly-digest", Action.UPDATE, "threshold",
                        Map.of("CostExplorer.UpdateAnomalySubscription", 1),
                        aws -> Live.anomalySubscription(aws, "qualisys-anomaly-digest"),
                        exactly("ANOMALY_TOTAL_IMPACT_ABSOLUTE >= 50", "ANOMALY_TOTAL_IMPACT_ABSOLUTE >= 50 (deprecated Threshold field)")),

                // AWS allows one AWS-services monitor per account, so the look-alike is a custom monitor of the same name.
                new DriftCase("a second anomaly monitor with the same name appears", aws ->
                        aws.costExplorer().createAnomalyMonitor(r -> r.anomalyMonitor(m -> m.monitorName("qualisys-all-services")
                                .monitorType("CUSTOM").monitorSpecification(e -> e.dimensions(d -> d.key("LINKED_ACCOUNT").values(ACCOUNT))))),
                        "monitoring/anomaly-monitor/qualisys-all-services", Action.DELETE, "exists", Map.of("CostExplorer.DeleteAnomalyMonitor", 1),
                        aws -> aws.costExplorer().getAnomalyMonitorsPaginator(r -> {}).anomalyMonitors().stream().filter(m -> m.monitorName().equals("qualisys-all-services")).map(m -> m.monitorType() + " " + m.monitorDimension()).toList(),
                        exactly(false, true)),

                new DriftCase("CloudTrail logging is stopped", aws -> aws.cloudTrail().stopLogging(r -> r.name(TRAIL)),
                        "monitoring/trail/" + TRAIL, Action.UPDATE, "logging", Map.of("CloudTrail.StartLogging", 1),
                        aws -> aws.cloudTrail().getTrailStatus(r -> r.name(TRAIL)).isLogging(),
                        exactly(true, false)),

                new DriftCase("log file validation is disabled", aws ->
                        aws.cloudTrail().updateTrail(r -> r.name(TRAIL).enableLogFileValidation(false)),
                        "monitoring/trail/" + TRAIL, Action.UPDATE, "logFileValidation", Map.of("CloudTrail.UpdateTrail", 1),
                        aws -> aws.cloudTrail().describeTrails(r -> r.trailNameList(TRAIL)).trailList().get(0).logFileValidationEnabled(),
                        exactly(true, false)),

                new DriftCase("the trail records only write events", aws ->
                        aws.cloudTrail().putEventSelectors(r -> r.trailName(TRAIL).eventSelectors(s -> s.readWriteType("WriteOnly").includeManagementEvents(true))),
                        "monitoring/trail/" + TRAIL, Action.UPDATE, "eventSelectors", Map.of("CloudTrail.PutEventSelectors", 1),
                        aws -> aws.cloudTrail().getEventSelectors(r -> r.trailName(TRAIL)).eventSelectors(),
                        d -> {
                            assertThat(maps(d.expected())).singleElement().satisfies(e -> assertThat(e).containsEntry("readWriteType", "All"));
                            assertThat(maps(d.actual())).singleElement().satisfies(e -> assertThat(e).containsEntry("readWriteType", "WriteOnly"));
                        }),

                new DriftCase("the trail bucket's lifecycle rule is removed", aws -> aws.s3().deleteBucketLifecycle(r -> r.bucket(trailBucket)),
                        "monitoring/bucket/" + trailBucket, Action.UPDATE, "lifecycle", Map.of("S3.PutBucketLifecycleConfiguration", 1),
                        aws -> Live.lifecycle(aws, trailBucket),
                        d -> {
                            assertThat(maps(d.expected())).singleElement().satisfies(r -> assertThat(r).containsEntry("status", "Enabled")
                                    .containsEntry("expirationDays", 90));
                            assertThat((List<?>) d.actual()).isEmpty();
                        }),

                new DriftCase("the trail bucket's public access block is relaxed", aws ->
                        aws.s3().putPublicAccessBlock(r -> r.bucket(trailBucket).publicAccessBlockConfiguration(c -> c
                                .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(false).restrictPublicBuckets(false))),
                        "monitoring/bucket/" + trailBucket, Action.UPDATE, "publicAccessBlock.blockPublicPolicy", Map.of("S3.PutPublicAccessBlock", 1),
                        aws -> aws.s3().getPublicAccessBlock(r -> r.bucket(trailBucket)).publicAccessBlockConfiguration(),
                        exactly(true, false)),

                new DriftCase("the trail bucket's policy is deleted", aws -> aws.s3().deleteBucketPolicy(r -> r.bucket(trailBucket)),
                        "monitoring/bucket/" + trailBucket, Action.UPDATE, "policy.Statement", Map.of("S3.PutBucketPolicy", 1),
                        aws -> Live.bucketPolicy(aws, trailBucket),
                        d -> {
                            assertThat(maps(d.expected())).hasSize(3).anySatisfy(st -> assertThat(st).containsEntry("Effect", "Deny")
                                    .containsEntry("Condition", Map.of("Bool", Map.of("aws:securetransport", List.of("false")))));
                            assertThat(d.actual()).isNull();
                        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outOfBandChanges")
    void isReportedAndRepaired(DriftCase c) {
        try (AwsClients before = world.clients()) {
            assertThat(world.drift(before).hasChanges()).as("no drift before the change").isFalse();
        }
        Object liveBefore;
        try (AwsClients reader = world.clients()) {
            liveBefore = c.live().apply(reader);
        }
        try (AwsClients someone = world.clients()) {
            c.change().accept(someone);
        }
        try (AwsClients reader = world.clients()) {
            assertThat(c.live().apply(reader)).as("the out-of-band change, read back").isNotEqualTo(liveBefore);
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
            // The path, and what the spec wants and what is live there: the values the test states, not the differ's.
            assertThat(change.differences()).filteredOn(d -> d.path().equals(c.path())).singleElement().satisfies(c.values());
        });

        try (AwsClients repair = world.clients()) {
            world.applyAll(repair);
            assertThat(repair.calls().mutatingByOperation()).as("only the drifted attribute is repaired").isEqualTo(c.repairCalls());
        }
        try (AwsClients reader = world.clients()) {
            // Read with a client of its own and the SDK's reads, not the layers' observers and differ.
            assertThat(c.live().apply(reader)).as("live state after the repair").isEqualTo(liveBefore);
        }
        try (AwsClients after = world.clients()) {
            Report again = world.drift(after);
            assertThat(again.hasChanges()).as(ReportRenderer.text(again)).isFalse();
        }
    }

    /** Live values read with the SDK alone, in forms that compare by value. */
    private static final class Live {
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

        static Object json(String text) {
            try {
                return JSON.readTree(text);
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + text, e);
            }
        }

        static Object policyDocument(AwsClients aws, String arn) {
            String version = aws.iam().getPolicy(p -> p.policyArn(arn)).policy().defaultVersionId();
            return json(java.net.URLDecoder.decode(aws.iam().getPolicyVersion(r -> r.policyArn(arn).versionId(version)).policyVersion().document(),
                    java.nio.charset.StandardCharsets.UTF_8));
        }

        static Object notifications(AwsClients aws, String budget) {
            return aws.budgets().describeNotificationsForBudget(r -> r.accountId(ACCOUNT).budgetName(budget)).notifications().stream()
                    .map(n -> n.notificationTypeAsString() + " " + n.comparisonOperatorAsString() + " " + n.threshold() + " " + n.thresholdTypeAsString())
                    .sorted().toList();
        }

        static Object subscribers(AwsClients aws, String budget, Notification n) {
            return aws.budgets().describeSubscribersForNotification(r -> r.accountId(ACCOUNT).budgetName(budget).notification(n)).subscribers()
                    .stream().map(x -> x.subscriptionTypeAsString() + ":" + x.address()).sorted().toList();
        }

        /** Everything but the ARN, which a re-created subscription changes. */
        static Object anomalySubscription(AwsClients aws, String name) {
            var s = aws.costExplorer().getAnomalySubscriptionsPaginator(r -> {}).anomalySubscriptions().stream()
                    .filter(x -> x.subscriptionName().equals(name)).toList();
            return s.stream().map(x -> List.of(String.valueOf(x.frequencyAsString()), String.valueOf(x.threshold()),
                    String.valueOf(x.thresholdExpression()), String.valueOf(x.subscribers()), String.valueOf(x.monitorArnList().size()))).toList();
        }

        static Object lifecycle(AwsClients aws, String bucket) {
            try {
                return aws.s3().getBucketLifecycleConfiguration(r -> r.bucket(bucket)).rules();
            } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
                if (e.statusCode() == 404) return "no lifecycle configuration";
                throw e;
            }
        }

        static Object bucketPolicy(AwsClients aws, String bucket) {
            try {
                return json(aws.s3().getBucketPolicy(r -> r.bucket(bucket)).policy());
            } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
                if (e.statusCode() == 404) return "no bucket policy";
                throw e;
            }
        }
    }

    /** A difference whose expected and actual values are these (numbers and booleans compared as written). */
    private static Consumer<Difference> exactly(Object expected, Object actual) {
        return d -> {
            assertThat(String.valueOf(d.expected())).as("expected at %s", d.path()).isEqualTo(String.valueOf(expected));
            assertThat(String.valueOf(d.actual())).as("actual at %s", d.path()).isEqualTo(String.valueOf(actual));
        };
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Map<String, Object>>) value;
    }

    private static boolean allowsSecretValues(Map<String, Object> statement) {
        return "Allow".equals(statement.get("Effect")) && String.valueOf(statement.get("Action")).toLowerCase().contains("secretsmanager:getsecretvalue");
    }

    private static List<Double> thresholds(Object notifications) {
        return maps(notifications).stream().map(n -> Double.valueOf(String.valueOf(n.get("threshold")))).toList();
    }

    private static Object subscribersAt(Object notifications, int percent) {
        return maps(notifications).stream().filter(n -> "ACTUAL".equals(n.get("notificationType"))
                && Double.valueOf(String.valueOf(n.get("threshold"))) == percent).findFirst().orElseThrow().get("subscribers");
    }

    private static Notification actualAt(int percent) {
        return Notification.builder().notificationType("ACTUAL").comparisonOperator("GREATER_THAN").threshold((double) percent)
                .thresholdType("PERCENTAGE").build();
    }
}
