package com.qualisys.controlplane.handlers;

import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.Readiness;
import com.qualisys.controlplane.layers.Layers;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Input {@code {"environment":"dev","layer":"eks"}}: is the layer ready? The state machine waits and asks again. */
public final class LayerReadinessHandler extends ControlPlaneHandler {
    public LayerReadinessHandler() {}

    public LayerReadinessHandler(ControlPlane controlPlane) {
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
        Readiness readiness = countingCalls(controlPlane, spec, layer, () -> controlPlane.reconciler(spec).readiness(layer));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("layer", layer);
        out.put("ready", readiness.isReady());
        out.put("waitingFor", readiness.waitingFor());
        return out;
    }
}
