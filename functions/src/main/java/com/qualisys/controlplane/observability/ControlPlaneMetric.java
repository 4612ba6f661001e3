package com.qualisys.controlplane.observability;

import java.util.List;

/**
 * The control plane's own CloudWatch metrics, emitted in the embedded metric format
 * ({@link EmbeddedMetrics}) and graphed and alarmed on by the CDK app, which builds its dashboard and
 * alarms from this list. All are counts. Layer metrics carry the dimension sets
 * {@code [Environment, Layer]} and {@code [Environment]} (per layer, and summed per environment);
 * environment metrics {@code [Environment]} only.
 */
public enum ControlPlaneMetric {
    DRIFT_FOUND("DriftFound", true, "changes a drift check found (live state differs from the spec)"),
    CHANGES_APPLIED("ChangesApplied", true, "changes an apply made"),
    API_CALLS("ApiCalls", true, "AWS API calls a plan, drift check or apply of a layer made"),
    MUTATING_API_CALLS("MutatingApiCalls", true, "AWS API calls that changed something"),
    REMEDIATIONS("Remediations", false, "direct security repairs made (not dry runs)"),
    BUDGET_RESPONSES("BudgetResponses", false, "responses to a budget alert"),
    ANOMALY_RESPONSES("AnomalyResponses", false, "responses to a cost anomaly");

    public static final String NAMESPACE = "QUALISYS/ControlPlane";
    public static final String ENVIRONMENT = "Environment";
    public static final String LAYER = "Layer";
    public static final String UNIT = "Count";

    private final String metricName;
    private final boolean perLayer;
    private final String description;

    ControlPlaneMetric(String metricName, boolean perLayer, String description) {
        this.metricName = metricName;
        this.perLayer = perLayer;
        this.description = description;
    }

    /** The metric's name in CloudWatch. */
    public String metricName() {
        return metricName;
    }

    /** Whether it is recorded per layer (else per environment only). */
    public boolean perLayer() {
        return perLayer;
    }

    public String description() {
        return description;
    }

    /** The dimension sets CloudWatch aggregates it by. */
    public List<List<String>> dimensionSets() {
        return perLayer ? List.of(List.of(ENVIRONMENT, LAYER), List.of(ENVIRONMENT)) : List.of(List.of(ENVIRONMENT));
    }
}
