package com.qualisys.controlplane.handlers;

import com.qualisys.controlplane.engine.Reconciler;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Input {@code {"environment":"dev","layer":"vpc","approveDestructive":false}}, optionally
 * {@code "logicalIds":[...]} to apply the changes of those resources only (a security response's
 * targeted repair). Applies a fresh plan of the layer; with destructive changes and no approval it
 * changes nothing and fails with ApprovalRequiredException. Intentional overrides are never reverted.
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
        List<String> targets = input.strings("logicalIds");
        Reconciler.ApplyResult result = targeted(() -> controlPlane.reconciler(spec)
                .apply(layer, targets == null ? null : Set.copyOf(targets), approved));
        List<Map<String, Object>> applied = result.applied().stream()
                .map(c -> Map.<String, Object>of("logicalId", c.logicalId(), "kind", c.kind(), "action", c.action().name()))
                .toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", spec.environment());
        out.put("layer", layer);
        if (targets != null) out.put("logicalIds", targets);
        out.put("changes", applied.size());
        out.put("applied", applied);
        // Changes left for the next apply because AWS is still creating what they need (see Readiness).
        out.put("pending", result.pending().stream()
                .map(p -> Map.<String, Object>of("logicalId", p.change().logicalId(), "reason", p.reason())).toList());
        return out;
    }
}
