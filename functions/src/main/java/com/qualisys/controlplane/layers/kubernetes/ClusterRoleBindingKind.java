package com.qualisys.controlplane.layers.kubernetes;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.kubernetes.connection.KubernetesConnector;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * ClusterRoleBindings: listed whole (no selector), because the RBAC matrix is also broken by
 * bindings someone else made: one that grants one of our groups access anywhere in the cluster and
 * is not in the matrix is ours to report, so the plan deletes it. Its roleRef cannot change in place.
 */
final class ClusterRoleBindingKind extends KubernetesObjectKind<ClusterRoleBinding> {

    ClusterRoleBindingKind(KubernetesConnector connector) {
        super(connector);
    }

    @Override
    public ResourceKind kind() {
        return KubernetesKinds.CLUSTER_ROLE_BINDING;
    }

    @Override
    public AttributeDecisions decisions() {
        return KubernetesDecisions.binding(KubernetesKinds.CLUSTER_ROLE_BINDING, ClusterRoleBinding.class);
    }

    @Override
    List<ClusterRoleBinding> items(KubernetesClient client, LayerContext ctx) {
        return client.rbac().clusterRoleBindings().list().getItems();
    }

    @Override
    String idOf(ClusterRoleBinding b, LayerContext ctx) {
        return KubernetesKinds.clusterRoleBinding(b.getMetadata().getName());
    }

    @Override
    boolean ours(ClusterRoleBinding b, String logicalId, LayerContext ctx) {
        Set<String> groups = groupSubjects(ctx);
        return super.ours(b, logicalId, ctx) || Manifests.subjectNames(b.getSubjects()).stream().anyMatch(groups::contains);
    }

    @Override
    public Map<String, Object> attributes(ClusterRoleBinding b, LayerContext ctx) {
        return Map.of("roleRef", Manifests.roleRefName(b.getRoleRef()), "subjects", Manifests.subjectNames(b.getSubjects()));
    }

    @Override
    void remove(KubernetesClient client, String namespace, String name) {
        client.rbac().clusterRoleBindings().withName(name).delete();
    }

    /** The spec's groups as binding subjects ("Group/qualisys-developers"). */
    static Set<String> groupSubjects(LayerContext ctx) {
        return ctx.spec().kubernetes().groups().values().stream().map(g -> "Group/" + g).collect(Collectors.toSet());
    }
}
