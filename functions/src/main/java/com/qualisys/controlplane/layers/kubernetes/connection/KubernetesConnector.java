package com.qualisys.controlplane.layers.kubernetes.connection;

import com.qualisys.controlplane.engine.LayerContext;
import io.fabric8.kubernetes.client.KubernetesClient;

/** How the Kubernetes layer gets a client for an environment's cluster. */
@FunctionalInterface
public interface KubernetesConnector {

    KubernetesClient client(LayerContext ctx);

    /** Always the given client (tests, or a caller that already holds one). */
    static KubernetesConnector fixed(KubernetesClient client) {
        return ctx -> client;
    }
}
