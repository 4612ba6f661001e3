package com.qualisys.controlplane.layers;

import java.util.List;

/**
 * The layers' names in dependency (apply) order, apart from {@link Layers}: a function that only needs the names
 * (Lock) names no layer class, so its package ships none.
 */
public final class LayerNames {
    private LayerNames() {}

    public static final List<String> ORDER = List.of("account", "iam", "monitoring", "vpc", "eks", "rds", "kubernetes");
}
