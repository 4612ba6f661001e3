package com.qualisys.controlplane.handlers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Plan;
import com.qualisys.controlplane.engine.Report;
import com.qualisys.controlplane.engine.ReportRenderer;
import com.qualisys.controlplane.json.Json;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.observability.ControlPlaneMetric;
import com.qualisys.controlplane.observability.EmbeddedMetrics;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Input {@code {"environment":"dev","layer":"vpc","kind":"plan|drift"}}, optionally
 * {@code "logicalIds":["vpc/security-group/rds"]} for a targeted plan of those resources only.
 * Read-only. Output: the layer's change count, whether any change is destructive, a one-line
 * summary and the plan in the report format (docs/report-format.md), overrides included.
 */
public final class PlanLayerHandler extends ControlPlaneHandler {
    private static final ObjectMapper JSON = Json.mapper();

    public PlanLayerHandler() {}

    public PlanLayerHandler(ControlPlane controlPlane) {
        super(controlPlane);
    }

    @Override
    protected Supplier<List<Layer>> layers() {
        return Layers::all;
    }

    @Override
    protected Map<String, Object> handle(Input input, ControlPlane controlPlane) {
        EnvironmentSpec spec = environment(input, controlPlane);
        String layer = layer(input, controlPlane);
        String kind = input.fields().containsKey("kind") ? input.oneOf("kind", List.of("plan", "drift")) : "plan";
        List<String> targets = input.strings("logicalIds");
        Plan plan = countingCalls(controlPlane, spec, layer,
                () -> targeted(() -> controlPlane.reconciler(spec).plan(layer, targets == null ? null : Set.copyOf(targets))));
        if (kind.equals("drift")) EmbeddedMetrics.current().add(ControlPlaneMetric.DRIFT_FOUND, spec.environment(), layer, plan.changes().size());
        Report report = new Report(spec.environment(), kind, Instant.now(), List.of(plan), Map.of());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", spec.environment());
        out.put("layer", layer);
        out.put("kind", kind);
        if (targets != null) out.put("logicalIds", targets);
        out.put("changes", plan.changes().size());
        out.put("overridden", plan.overridden().size());
        out.put("destructive", plan.hasDestructiveChanges());
        out.put("destructiveDigest", plan.destructiveDigest());
        out.put("summary", ReportRenderer.text(report).strip());
        out.put("plan", JSON.convertValue(ReportRenderer.toJson(report).get("layers").get(0), Map.class));
        return out;
    }
}
