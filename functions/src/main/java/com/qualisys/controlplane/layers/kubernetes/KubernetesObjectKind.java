package com.qualisys.controlplane.layers.kubernetes;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.layers.kubernetes.connection.KubernetesConnector;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A kind of Kubernetes object the layer owns (namespaces, quotas, RBAC, aws-auth): one list call,
 * attributes read back in the shapes of {@link DesiredState} (only the fields the control plane
 * sets, so what other managers add is not drift), and writes as server-side applies with the
 * spec's field manager and force ({@link Manifests}): the control plane owns exactly the fields it
 * sets and takes them back when another manager changed them.
 *
 * <p>Ours are objects with the managed-by and environment labels, and objects that carry a desired
 * object's name (adopted on the next apply).
 *
 * @param <T> the fabric8 model of the kind
 */
abstract class KubernetesObjectKind<T extends HasMetadata> implements ManagedKind<T> {
    private final KubernetesConnector connector;

    KubernetesObjectKind(KubernetesConnector connector) {
        this.connector = connector;
    }

    /** The kind's objects, one list call. */
    abstract List<T> items(KubernetesClient client, LayerContext ctx);

    /** The logical id the object has, whether or not it is ours. */
    abstract String idOf(T live, LayerContext ctx);

    /** Deletes the object (namespace null for a cluster-scoped one). */
    abstract void remove(KubernetesClient client, String namespace, String name);

    /** The account aws-auth's role ARNs are in; null for the other kinds. */
    String account(LayerContext ctx) {
        return null;
    }

    KubernetesClient client(LayerContext ctx) {
        return connector.client(ctx);
    }

    @Override
    public List<T> list(LayerContext ctx) {
        return items(client(ctx), ctx);
    }

    @Override
    public String logicalId(T live, LayerContext ctx) {
        String id = idOf(live, ctx);
        return ours(live, id, ctx) ? id : null;
    }

    boolean ours(T live, String logicalId, LayerContext ctx) {
        return KubernetesIdentity.belongsTo(live.getMetadata().getLabels(), ctx.environment()) || desired(ctx).containsKey(logicalId);
    }

    @Override
    public String physicalId(T live) {
        String ns = live.getMetadata().getNamespace();
        return ns == null ? live.getMetadata().getName() : ns + "/" + live.getMetadata().getName();
    }

    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        serverSideApply(want, ctx);
    }

    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        serverSideApply(want, ctx);
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        String ns = physicalId.contains("/") ? physicalId.substring(0, physicalId.indexOf('/')) : null;
        remove(client(ctx), ns, physicalId.substring(physicalId.indexOf('/') + 1));
    }

    /** Exactly the fields the control plane owns, applied with its field manager, taken back from any other. */
    void serverSideApply(DesiredResource want, LayerContext ctx) {
        HasMetadata manifest = Manifests.of(want, ctx.environment(), account(ctx));
        client(ctx).resource(manifest).fieldManager(KubernetesLayer.fieldManager(ctx.spec())).forceConflicts().serverSideApply();
        ctx.index().put(want.logicalId(), Manifests.ObjectRef.of(want.logicalId()).physicalId());
    }

    /** The layer's desired objects by logical id (pure: from the spec). */
    static Map<String, DesiredResource> desired(LayerContext ctx) {
        Map<String, DesiredResource> out = new LinkedHashMap<>();
        DesiredState.of(ctx.spec()).forEach(d -> out.put(d.logicalId(), d));
        return out;
    }
}
