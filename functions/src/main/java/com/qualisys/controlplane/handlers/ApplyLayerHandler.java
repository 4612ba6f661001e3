package com.qualisys.controlplane.handlers;

import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Input {@code {"environment":"dev","layer":"vpc","approveDestructive":false}}. Applies a fresh
 * plan of the layer; with destructive changes and no approval it changes nothing and fails with
 * ApprovalRequiredException.
 */
public final class ApplyLayerHandler extends ControlPlaneHandler {
    public ApplyLayerHandler() {}

    public ApplyLayerHandler(ControlPlane controlPlane) {
        super(controlPlane);
    }

    @Override
    protected Map<String, Object> handle(Input input, ControlPlane controlPlane) {
        EnvironmentSpec spec = environment(input, controlPlane);
        String layer = layer(input, controlPlane);
        boolean approved = input.bool("approveDestructive", false);
        Reconciler.ApplyResult result = controlPlane.reconciler(spec).apply(layer, approved);
        List<Map<String, Object>> applied = result.applied().stream()
                .map(c -> Map.<String, Object>of("logicalId", c.logicalId(), "kind", c.kind(), "action", c.action().name()))
                .toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", spec.environment());
        out.put("layer", layer);
        out.put("changes", applied.size());
        out.put("applied", applied);
        // Changes left for the next apply because AWS is still creating what they need (see Readiness).
        out.put("pending", result.pending().stream()
                .map(p -> Map.<String, Object>of("logicalId", p.change().logicalId(), "reason", p.reason())).toList());
        return out;
    }
}
