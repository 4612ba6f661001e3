package com.qualisys.controlplane.layers.kubernetes;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.kubernetes.connection.KubernetesConnector;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RoleBindings of the RBAC matrix: listed whole in every namespace (no selector), because a binding
 * someone else made that grants one of our groups access in one of our namespaces breaks the matrix
 * and is ours to report, so the plan deletes it. Its roleRef cannot change in place.
 */
final class RoleBindingKind extends KubernetesObjectKind<RoleBinding> {

    RoleBindingKind(KubernetesConnector connector) {
        super(connector);
    }

    @Override
    public ResourceKind kind() {
        return KubernetesKinds.ROLE_BINDING;
    }

    @Override
    public AttributeDecisions decisions() {
        return KubernetesDecisions.binding(KubernetesKinds.ROLE_BINDING, RoleBinding.class);
    }

    @Override
    List<RoleBinding> items(KubernetesClient client, LayerContext ctx) {
        return client.rbac().roleBindings().inAnyNamespace().list().getItems();
    }

    @Override
    String idOf(RoleBinding b, LayerContext ctx) {
        return KubernetesKinds.roleBinding(b.getMetadata().getNamespace(), b.getMetadata().getName());
    }

    @Override
    boolean ours(RoleBinding b, String logicalId, LayerContext ctx) {
        Set<String> groups = ClusterRoleBindingKind.groupSubjects(ctx);
        boolean grantsOurGroupHere = ctx.spec().kubernetes().namespaces().containsKey(b.getMetadata().getNamespace())
                && Manifests.subjectNames(b.getSubjects()).stream().anyMatch(groups::contains);
        return super.ours(b, logicalId, ctx) || grantsOurGroupHere;
    }

    @Override
    public Map<String, Object> attributes(RoleBinding b, LayerContext ctx) {
        return Map.of("roleRef", Manifests.roleRefName(b.getRoleRef()), "subjects", Manifests.subjectNames(b.getSubjects()));
    }

    @Override
    void remove(KubernetesClient client, String namespace, String name) {
        client.rbac().roleBindings().inNamespace(namespace).withName(name).delete();
    }
}
