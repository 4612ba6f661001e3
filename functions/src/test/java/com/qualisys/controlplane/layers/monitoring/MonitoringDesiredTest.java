package com.qualisys.controlplane.layers.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.layers.iam.PolicyDocument;
import com.qualisys.controlplane.testing.TestSpecs;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.costexplorer.model.AnomalySubscription;
import software.amazon.awssdk.services.costexplorer.model.Expression;

/** The seed's "Cost Monitoring" and "Audit Logging" sections as desired state. Pure: no AWS. */
class MonitoringDesiredTest {
    private static final List<DesiredResource> DESIRED = MonitoringDesired.of(TestSpecs.load("production"));

    private static DesiredResource get(String id) {
        return DESIRED.stream().filter(d -> d.logicalId().equals(id)).findFirst().orElseThrow();
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachBudgetAlertsTheTopicAt80And100PercentActualAnd150PercentForecast() {
        for (String budget : List.of("qualisys-monthly-500", "qualisys-monthly-1000", "qualisys-monthly-2000")) {
            List<Map<String, Object>> notifications = (List<Map<String, Object>>) get("monitoring/budget/" + budget).attribute("notifications");
            assertThat(notifications).extracting(BudgetNotifications::key)
                    .containsExactly("ACTUAL GREATER_THAN 80 PERCENTAGE", "ACTUAL GREATER_THAN 100 PERCENTAGE", "FORECASTED GREATER_THAN 150 PERCENTAGE");
            assertThat(notifications).allSatisfy(n -> assertThat(n.get("subscribers")).isEqualTo(List.of("SNS:ref:monitoring/topic/qualisys-budget-alerts")));
            assertThat(get("monitoring/budget/" + budget).dependsOn()).containsExactly("monitoring/topic/qualisys-budget-alerts");
        }
        assertThat(get("monitoring/budget/qualisys-monthly-1000").attribute("limitUsd")).isEqualTo(new BigDecimal("1000"));
    }

    @Test
    void anomaliesOver50DollarsGoImmediatelyToTheTopicAndDailyByMail() {
        DesiredResource immediate = get("monitoring/anomaly-subscription/qualisys-anomaly-alerts");
        DesiredResource digest = get("monitoring/anomaly-subscription/qualisys-anomaly-digest");
        assertThat(immediate.attribute("frequency")).isEqualTo("IMMEDIATE");
        assertThat(immediate.strings("subscribers")).containsExactly("SNS:ref:monitoring/topic/qualisys-budget-alerts");
        assertThat(digest.attribute("frequency")).isEqualTo("DAILY");
        assertThat(digest.strings("subscribers")).containsExactly("EMAIL:devops-lead@qualisys.example");
        for (DesiredResource s : List.of(immediate, digest)) {
            assertThat(s.attribute("threshold")).isEqualTo("ANOMALY_TOTAL_IMPACT_ABSOLUTE >= 50");
            assertThat(s.strings("monitors")).containsExactly("ref:monitoring/anomaly-monitor/qualisys-all-services");
        }
        assertThat(get("monitoring/anomaly-monitor/qualisys-all-services").attributes())
                .containsEntry("monitorType", "DIMENSIONAL").containsEntry("monitorDimension", "SERVICE");
    }

    @Test
    void theTopicLetsOnlyBudgetsAndAnomalyDetectionOfThisAccountPublish() {
        String policy = PolicyDocument.toJson(get("monitoring/topic/qualisys-budget-alerts").attribute("policy"));
        assertThat(policy).contains("budgets.amazonaws.com", "costalerts.amazonaws.com", "\"aws:sourceaccount\":[\"{{AccountId}}\"]");
    }

    @Test
    void theHubsBudgetFunctionIsSubscribedToTheTopicSoAlertsRaisedInTheSpokeReachTheHub() {
        var spec = TestSpecs.load("production");
        assertThat(get("monitoring/topic/qualisys-budget-alerts").strings("controlPlaneSubscriptions"))
                .containsExactly("arn:aws:lambda:us-east-1:" + spec.aws().hubAccountId() + ":function:qualisys-budget-alert:live");
    }

    @Test
    void theTrailWritesIntoTheLogBucketWhichOnlyThatTrailMayWrite() {
        DesiredResource trail = get("monitoring/trail/qualisys-management-trail");
        assertThat(trail.attributes()).containsEntry("multiRegion", true).containsEntry("globalServiceEvents", true)
                .containsEntry("logFileValidation", true).containsEntry("logging", true)
                .containsEntry("bucket", "ref:monitoring/bucket/qualisys-cloudtrail-logs");
        DesiredResource bucket = get("monitoring/bucket/qualisys-cloudtrail-logs");
        assertThat(bucket.kind().stateful()).as("deleting the audit log bucket needs approval").isTrue();
        assertThat(PolicyDocument.toJson(bucket.attribute("policy")))
                .contains("\"aws:sourcearn\":[\"arn:aws:cloudtrail:us-east-1:{{AccountId}}:trail/qualisys-management-trail\"]")
                .contains("arn:aws:s3:::qualisys-cloudtrail-logs/AWSLogs/{{AccountId}}/*")
                .contains("\"aws:securetransport\":[\"false\"]");
        assertThat(bucket.attribute("lifecycle")).isEqualTo(List.of(Map.of("id", "expire-trail-logs", "status", "Enabled", "prefix", "", "expirationDays", 90)));
        assertThat(bucket.attribute("encryption")).isEqualTo("AES256");
    }

    @Test
    void anAnomalyThresholdReadsTheSameFromEveryDocumentedShape() {
        AnomalySubscription expression = AnomalySubscription.builder().thresholdExpression(AnomalyThreshold.expression(new BigDecimal("50"))).build();
        assertThat(AnomalyThreshold.describe(expression)).isEqualTo("ANOMALY_TOTAL_IMPACT_ABSOLUTE >= 50");
        AnomalySubscription decimal = AnomalySubscription.builder().thresholdExpression(Expression.builder().dimensions(d -> d
                .key("ANOMALY_TOTAL_IMPACT_ABSOLUTE").matchOptionsWithStrings("GREATER_THAN_OR_EQUAL").values("50.0")).build()).build();
        assertThat(AnomalyThreshold.describe(decimal)).isEqualTo("ANOMALY_TOTAL_IMPACT_ABSOLUTE >= 50");
        // The deprecated numeric Threshold is shown as different, so the repair moves it to ThresholdExpression.
        AnomalySubscription legacy = AnomalySubscription.builder().threshold(50.0).build();
        assertThat(AnomalyThreshold.describe(legacy)).isEqualTo("ANOMALY_TOTAL_IMPACT_ABSOLUTE >= 50 (deprecated Threshold field)");
        AnomalySubscription percentage = AnomalySubscription.builder().thresholdExpression(Expression.builder().dimensions(d -> d
                .key("ANOMALY_TOTAL_IMPACT_PERCENTAGE").matchOptionsWithStrings("GREATER_THAN_OR_EQUAL").values("10")).build()).build();
        assertThat(AnomalyThreshold.describe(percentage)).isEqualTo("ANOMALY_TOTAL_IMPACT_PERCENTAGE >= 10");
    }
}
