package com.qualisys.controlplane.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.layers.LayerNames;
import com.qualisys.controlplane.observability.ControlPlaneMetric;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The dashboard and alarms on the functions' embedded metrics: every metric of {@link ControlPlaneMetric}
 * is graphed for every environment (per layer where it is recorded per layer), and the metrics that call
 * for a person alarm per environment to the alert topic, on a dimension set the functions actually emit
 * (an alarm on dimensions no document carries would never fire).
 */
class DashboardAndAlarmsTest {
    private final Template template = TestStacks.phaseOne().template();
    private final List<EnvironmentSpec> environments = TestStacks.environments();

    @Test
    void theDashboardGraphsEveryMetricForEveryEnvironmentAndLayer() throws Exception {
        Map<String, Map<String, Object>> dashboards = Cfn.resources(template, "AWS::CloudWatch::Dashboard");
        assertThat(dashboards).hasSize(1);
        Map<String, Object> props = Cfn.props(dashboards.values().iterator().next());
        assertThat(props).containsEntry("DashboardName", ControlPlaneDashboard.DASHBOARD_NAME);
        JsonNode body = new ObjectMapper().readTree(rendered(props.get("DashboardBody")));

        Set<List<String>> graphed = new HashSet<>();
        for (JsonNode widget : body.get("widgets")) {
            JsonNode metrics = widget.path("properties").path("metrics");
            for (JsonNode m : metrics) {
                // [namespace, name, dimension name, value, ...], options last
                List<String> parts = new ArrayList<>();
                m.forEach(p -> { if (p.isTextual()) parts.add(p.asText()); });
                assertThat(parts.get(0)).isEqualTo(ControlPlaneMetric.NAMESPACE);
                graphed.add(parts);
            }
        }
        for (EnvironmentSpec spec : environments) {
            for (ControlPlaneMetric metric : ControlPlaneMetric.values()) {
                if (metric.perLayer()) {
                    for (String layer : LayerNames.ORDER) {
                        assertThat(graphed).as(metric.metricName() + " of " + layer + " in " + spec.environment()).anyMatch(p ->
                                p.get(1).equals(metric.metricName()) && dimensions(p).equals(Map.of("Environment", spec.environment(), "Layer", layer)));
                    }
                } else {
                    assertThat(graphed).as(metric.metricName() + " in " + spec.environment()).anyMatch(p ->
                            p.get(1).equals(metric.metricName()) && dimensions(p).equals(Map.of("Environment", spec.environment())));
                }
            }
        }
    }

    @Test
    void driftRemediationsAndCostResponsesAlarmPerEnvironmentOnEmittedDimensions() {
        assertThat(ControlPlaneDashboard.ALARMS.keySet()).containsExactlyInAnyOrder(ControlPlaneMetric.DRIFT_FOUND,
                ControlPlaneMetric.REMEDIATIONS, ControlPlaneMetric.BUDGET_RESPONSES, ControlPlaneMetric.ANOMALY_RESPONSES);
        for (EnvironmentSpec spec : environments) {
            for (ControlPlaneMetric metric : ControlPlaneDashboard.ALARMS.keySet()) {
                assertThat(metric.dimensionSets()).as("the functions emit " + metric.metricName() + " by environment alone")
                        .contains(List.of(ControlPlaneMetric.ENVIRONMENT));
                template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of(
                        "Namespace", ControlPlaneMetric.NAMESPACE,
                        "MetricName", metric.metricName(),
                        "Dimensions", List.of(Map.of("Name", ControlPlaneMetric.ENVIRONMENT, "Value", spec.environment())),
                        "Statistic", "Sum",
                        "Threshold", 1,
                        "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                        "AlarmActions", List.of(Map.of("Ref", Match.stringLikeRegexp("AlertingAlertTopic.*")))));
            }
        }
    }

    private static Map<String, String> dimensions(List<String> parts) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (int i = 2; i + 1 < parts.size(); i += 2) out.put(parts.get(i), parts.get(i + 1));
        return out;
    }

    /** The body as CloudFormation would render it: a string, or an Fn::Join whose tokens (the region) become a placeholder. */
    private static String rendered(Object body) {
        if (body instanceof String s) return s;
        if (body instanceof Map<?, ?> m && m.get("Fn::Join") instanceof List<?> join) {
            StringBuilder out = new StringBuilder();
            for (Object part : (List<?>) join.get(1)) out.append(part instanceof String s ? s : "us-east-1");
            return out.toString();
        }
        throw new AssertionError("unexpected DashboardBody: " + body);
    }
}
