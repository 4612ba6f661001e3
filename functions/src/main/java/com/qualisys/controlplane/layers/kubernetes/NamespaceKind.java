package com.qualisys.controlplane.layers.kubernetes;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.Readiness;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.kubernetes.connection.KubernetesConnector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Namespaces with their Pod Security labels. A namespace being deleted (Terminating) is not
 * written into: apply refuses and readiness waits until Kubernetes has finished, then it is
 * created anew.
 */
final class NamespaceKind extends KubernetesObjectKind<Namespace> {
    static final String TERMINATING = "Terminating";

    NamespaceKind(KubernetesConnector connector) {
        super(connector);
    }

    @Override
    public ResourceKind kind() {
        return KubernetesKinds.NAMESPACE;
    }

    @Override
    public AttributeDecisions decisions() {
        return KubernetesDecisions.namespace();
    }

    @Override
    List<Namespace> items(KubernetesClient client, LayerContext ctx) {
        return client.namespaces().withLabels(KubernetesIdentity.managedSelector()).list().getItems();
    }

    @Override
    String idOf(Namespace live, LayerContext ctx) {
        return KubernetesKinds.namespace(live.getMetadata().getName());
    }

    @Override
    public Map<String, Object> attributes(Namespace ns, LayerContext ctx) {
        Map<String, Object> pss = new LinkedHashMap<>();
        Map<String, String> labels = ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels();
        labels.forEach((k, v) -> {
            if (k.startsWith(DesiredState.PSS_PREFIX)) pss.put(k.substring(DesiredState.PSS_PREFIX.length()), v);
        });
        String phase = ns.getStatus() == null ? null : ns.getStatus().getPhase();
        return Map.of("podSecurity", pss, "phase", phase == null ? "Unknown" : phase);
    }

    @Override
    public Readiness readiness(ObservedResource live) {
        return TERMINATING.equals(live.attributes().get("phase"))
                ? Readiness.waiting(List.of(live.logicalId() + ": namespace is terminating")) : Readiness.ready();
    }

    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        if (TERMINATING.equals(live.attributes().get("phase"))) {
            throw new IllegalStateException("namespace " + live.physicalId() + " is being deleted (Terminating); "
                    + "apply again once Kubernetes has finished deleting it, and it will be created anew");
        }
        super.update(want, live, ctx);
    }

    @Override
    void remove(KubernetesClient client, String namespace, String name) {
        client.namespaces().withName(name).delete();
    }
}
