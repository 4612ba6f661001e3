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

/** Every layer the control plane reconciles, in dependency order (apply order, {@link LayerNames#ORDER}). */
public final class Layers {
    private Layers() {}

    /** The layers that exist, in {@link LayerNames#ORDER}. */
    public static List<Layer> all() {
        return List.<Layer>of(
                // one line per layer, in LayerNames.ORDER
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
