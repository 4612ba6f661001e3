package com.qualisys.controlplane.cdk;

import com.qualisys.controlplane.layers.LayerNames;
import com.qualisys.controlplane.observability.ControlPlaneMetric;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.constructs.Construct;

/**
 * What the functions' embedded metrics ({@link ControlPlaneMetric}) show: one dashboard with a row per
 * environment (each layer metric graphed per layer, the environment metrics together), and alarms to
 * the alert topic per environment on the metrics that call for a person: drift found by a check,
 * a security repair made, a budget or anomaly response. The graphs and alarms are built from the
 * metric list and the layers, so a metric or layer added there appears here.
 */
final class ControlPlaneDashboard extends Construct {
    static final String DASHBOARD_NAME = "qualisys-control-plane";

    /** Why a metric alarms, and over what period; the others are graphed only. */
    record AlarmPolicy(Duration period, String why) {}

    static final Map<ControlPlaneMetric, AlarmPolicy> ALARMS = Map.of(
            ControlPlaneMetric.DRIFT_FOUND, new AlarmPolicy(Duration.hours(1),
                    "a drift check found live state that differs from the spec"),
            ControlPlaneMetric.REMEDIATIONS, new AlarmPolicy(Duration.minutes(5),
                    "the security response repaired a resource"),
            ControlPlaneMetric.BUDGET_RESPONSES, new AlarmPolicy(Duration.hours(1),
                    "a budget alert was answered (notify, caps, drift check)"),
            ControlPlaneMetric.ANOMALY_RESPONSES, new AlarmPolicy(Duration.hours(1),
                    "a cost anomaly was answered"));

    private static final Duration GRAPH_PERIOD = Duration.hours(1);

    final Dashboard dashboard;

    ControlPlaneDashboard(Construct scope, String id, List<EnvironmentSpec> environments, Alerting alerting) {
        super(scope, id);
        dashboard = Dashboard.Builder.create(this, "Dashboard").dashboardName(DASHBOARD_NAME).build();
        for (EnvironmentSpec spec : environments) {
            String env = spec.environment();
            dashboard.addWidgets(TextWidget.Builder.create().markdown("## " + env + " (account " + spec.aws().accountId() + ")")
                    .width(24).height(1).build());
            List<IWidget> row = new ArrayList<>();
            List<IMetric> perEnvironment = new ArrayList<>();
            for (ControlPlaneMetric m : ControlPlaneMetric.values()) {
                if (m.perLayer()) {
                    row.add(GraphWidget.Builder.create().title(m.metricName() + " — " + env)
                            .left(LayerNames.ORDER.stream().<IMetric>map(layer -> metric(m, env, layer)).toList())
                            .stacked(true).width(6).height(6).build());
                } else {
                    perEnvironment.add(metric(m, env, null));
                }
            }
            row.add(GraphWidget.Builder.create().title("Responses — " + env).left(perEnvironment).width(6).height(6).build());
            dashboard.addWidgets(row.toArray(IWidget[]::new));

            ALARMS.forEach((m, policy) -> alerting.alarmAtLeast(this, m.metricName() + "Alarm-" + env,
                    Metric.Builder.create().namespace(ControlPlaneMetric.NAMESPACE).metricName(m.metricName())
                            .dimensionsMap(Map.of(ControlPlaneMetric.ENVIRONMENT, env)).statistic("Sum").period(policy.period()).build(),
                    1, env + ": " + policy.why() + " (" + m.metricName() + " ≥ 1 in " + policy.period().toHumanString() + ")"));
        }
    }

    /** The metric as the functions emit it: by environment, and by layer too when layer is given. */
    static Metric metric(ControlPlaneMetric m, String environment, String layer) {
        Map<String, String> dimensions = layer == null ? Map.of(ControlPlaneMetric.ENVIRONMENT, environment)
                : Map.of(ControlPlaneMetric.ENVIRONMENT, environment, ControlPlaneMetric.LAYER, layer);
        return Metric.Builder.create().namespace(ControlPlaneMetric.NAMESPACE).metricName(m.metricName())
                .dimensionsMap(dimensions).statistic("Sum").period(GRAPH_PERIOD)
                .label(layer == null ? m.metricName() : layer).build();
    }
}
