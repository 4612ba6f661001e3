package com.qualisys.controlplane.layers;

import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.layers.account.AccountLayer;
import com.qualisys.controlplane.layers.eks.EksLayer;
import com.qualisys.controlplane.layers.iam.IamLayer;
import com.qualisys.controlplane.layers.kubernetes.KubernetesLayer;
import com.qualisys.controlplane.layers.monitoring.MonitoringLayer;
import com.qualisys.controlplane.layers.rds.RdsLayer;
import com.qualisys.controlplane.layers.vpc.VpcLayer;
import java.util.List;

/** Every layer the control plane reconciles, in dependency order (apply order). */
public final class Layers {
    private Layers() {}

    public static final List<String> ORDER = List.of("account", "iam", "monitoring", "vpc", "eks", "rds", "kubernetes");

    /** The layers that exist, in {@link #ORDER}. */
    public static List<Layer> all() {
        return List.<Layer>of(
                // one line per layer, in ORDER
                new AccountLayer(),
                new IamLayer(),
                new MonitoringLayer(),
                new VpcLayer(),
                new EksLayer(),
                new RdsLayer(),
                new KubernetesLayer()
        );
    }
}
