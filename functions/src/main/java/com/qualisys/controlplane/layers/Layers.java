package com.qualisys.controlplane.layers;

import com.qualisys.controlplane.engine.Layer;
import java.util.List;

/** Every layer the control plane reconciles, in dependency order (apply order). */
public final class Layers {
    private Layers() {}

    public static final List<String> ORDER = List.of("account", "iam", "monitoring", "vpc", "eks", "rds", "kubernetes");

    /** The layers that exist, in {@link #ORDER}. */
    public static List<Layer> all() {
        return List.<Layer>of(
                // one line per layer, in ORDER
                new com.qualisys.controlplane.layers.account.AccountLayer(),
                new com.qualisys.controlplane.layers.iam.IamLayer(),
                new com.qualisys.controlplane.layers.monitoring.MonitoringLayer()
        );
    }
}
