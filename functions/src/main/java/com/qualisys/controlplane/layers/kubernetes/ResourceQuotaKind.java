package com.qualisys.controlplane.layers.kubernetes;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.kubernetes.connection.KubernetesConnector;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Each namespace's quota ({@value KubernetesKinds#QUOTA_NAME}): its hard limits, read back in the spec's units when equal. */
final class ResourceQuotaKind extends KubernetesObjectKind<ResourceQuota> {

    ResourceQuotaKind(KubernetesConnector connector) {
        super(connector);
    }

    @Override
    public ResourceKind kind() {
        return KubernetesKinds.RESOURCE_QUOTA;
    }

    @Override
    public AttributeDecisions decisions() {
        return KubernetesDecisions.resourceQuota();
    }

    @Override
    List<ResourceQuota> items(KubernetesClient client, LayerContext ctx) {
        return client.resourceQuotas().inAnyNamespace().withLabels(KubernetesIdentity.managedSelector()).list().getItems();
    }

    @Override
    String idOf(ResourceQuota q, LayerContext ctx) {
        String ns = q.getMetadata().getNamespace();
        return q.getMetadata().getName().equals(KubernetesKinds.QUOTA_NAME) ? KubernetesKinds.resourceQuota(ns)
                : KubernetesKinds.id(KubernetesKinds.RESOURCE_QUOTA, ns + "/" + q.getMetadata().getName());
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> attributes(ResourceQuota q, LayerContext ctx) {
        DesiredResource want = desired(ctx).get(idOf(q, ctx));
        Map<String, Object> wanted = want == null ? Map.of() : (Map<String, Object>) want.attribute("hard");
        Map<String, Object> hard = new LinkedHashMap<>();
        Map<String, Quantity> live = q.getSpec() == null || q.getSpec().getHard() == null ? Map.of() : q.getSpec().getHard();
        live.forEach((k, v) -> hard.put(k, sameQuantity(wanted.get(k), v) ? wanted.get(k) : v.toString()));
        return Map.of("hard", hard);
    }

    /** 8Gi and 8192Mi are one quantity; the API server may also write it back in canonical form. */
    static boolean sameQuantity(Object wanted, Quantity live) {
        if (wanted == null) return false;
        try {
            return new Quantity(wanted.toString()).getNumericalAmount().compareTo(live.getNumericalAmount()) == 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    void remove(KubernetesClient client, String namespace, String name) {
        client.resourceQuotas().inNamespace(namespace).withName(name).delete();
    }
}
