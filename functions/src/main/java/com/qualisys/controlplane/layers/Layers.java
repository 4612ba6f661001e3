package com.qualisys.controlplane.layers;

import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.layers.eks.EksLayer;
import com.qualisys.controlplane.layers.rds.RdsLayer;
import java.util.List;

/** Every layer the control plane reconciles, in dependency order (apply order). */
public final class Layers {
    private Layers() {}

    public static final List<String> ORDER = List.of("account", "iam", "monitoring", "vpc", "eks", "rds", "kubernetes");

    /** The layers that exist, in {@link #ORDER}. */
    public static List<Layer> all() {
        return List.<Layer>of(
                // one line per layer, in ORDER
                new EksLayer(),
                new RdsLayer()
        );
    }
}
