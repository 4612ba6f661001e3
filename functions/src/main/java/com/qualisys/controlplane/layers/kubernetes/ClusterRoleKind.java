package com.qualisys.controlplane.layers.kubernetes;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.kubernetes.connection.KubernetesConnector;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The RBAC matrix's ClusterRoles ({@link ClusterRoles}): their rules. */
final class ClusterRoleKind extends KubernetesObjectKind<ClusterRole> {

    ClusterRoleKind(KubernetesConnector connector) {
        super(connector);
    }

    @Override
    public ResourceKind kind() {
        return KubernetesKinds.CLUSTER_ROLE;
    }

    @Override
    public AttributeDecisions decisions() {
        return KubernetesDecisions.clusterRole();
    }

    @Override
    List<ClusterRole> items(KubernetesClient client, LayerContext ctx) {
        return client.rbac().clusterRoles().withLabels(KubernetesIdentity.managedSelector()).list().getItems();
    }

    @Override
    String idOf(ClusterRole role, LayerContext ctx) {
        return KubernetesKinds.clusterRole(role.getMetadata().getName());
    }

    @Override
    public Map<String, Object> attributes(ClusterRole role, LayerContext ctx) {
        List<Object> rules = new ArrayList<>();
        if (role.getRules() != null) role.getRules().forEach(r -> rules.add(RbacRule.of(r).attribute()));
        return Map.of("rules", rules);
    }

    @Override
    void remove(KubernetesClient client, String namespace, String name) {
        client.rbac().clusterRoles().withName(name).delete();
    }
}
