package com.qualisys.controlplane.layers.kubernetes;

import com.qualisys.controlplane.engine.KindsLayer;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKinds;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.Readiness;
import com.qualisys.controlplane.layers.kubernetes.connection.EksConnector;
import com.qualisys.controlplane.layers.kubernetes.connection.KubernetesConnector;
import com.qualisys.controlplane.layers.kubernetes.helm.HelmRunner;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.KubernetesSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The seed's Kubernetes layer: namespaces with Pod Security levels and quotas, the RBAC matrix,
 * the aws-auth mapping, and the cluster components as Helm releases; a list of kinds
 * ({@link ManagedKinds}), one class per kind ({@link NamespaceKind}, {@link ResourceQuotaKind},
 * {@link ClusterRoleKind}, {@link ClusterRoleBindingKind}, {@link RoleBindingKind}, {@link AwsAuthKind},
 * {@link HelmReleaseKind}).
 *
 * <p>Writes are server-side applies with the spec's field manager ({@code qualisys-control-plane})
 * and force: the control plane owns exactly the fields it sets, takes them back when another
 * manager changed them, and leaves every other field to its owner. Observe reads back only
 * those fields ({@link KubernetesObjectKind}), so fields added by others are not drift.
 */
public final class KubernetesLayer extends KindsLayer {
    private final KubernetesConnector connector;

    public KubernetesLayer() {
        this(new EksConnector(), HelmRunner.standard());
    }

    public KubernetesLayer(KubernetesConnector connector, HelmRunner helm) {
        this(connector, helm, new ClusterAccounts());
    }

    private KubernetesLayer(KubernetesConnector connector, HelmRunner helm, ClusterAccounts accounts) {
        super(KubernetesKinds.LAYER, DesiredState::of, List.of(new NamespaceKind(connector), new ResourceQuotaKind(connector),
                new ClusterRoleKind(connector), new ClusterRoleBindingKind(connector), new RoleBindingKind(connector),
                new AwsAuthKind(connector, accounts::of), new HelmReleaseKind(connector, helm, accounts::of)));
        this.connector = connector;
    }

    /** The API server answers: a wrong endpoint or refused credentials stop apply before any write. */
    @Override
    public void preflight(LayerContext ctx) {
        KubernetesClient client = connector.client(ctx);
        try {
            client.getKubernetesVersion();
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("cannot reach the Kubernetes API of cluster " + ctx.spec().eks().clusterName()
                    + " at " + client.getMasterUrl() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Namespaces that are still terminating and component Deployments that are not available yet.
     * Not {@link ManagedKinds#readiness}: a release is waited for Deployment by Deployment, and a change
     * apply left (a terminating namespace) is reported by its kind.
     */
    @Override
    public Readiness readiness(LayerContext ctx) {
        KubernetesClient client = connector.client(ctx);
        List<String> waiting = new ArrayList<>();
        NamespaceKind namespaces = new NamespaceKind(connector);
        for (ObservedResource o : observe(ctx)) {
            if (o.kind().equals(KubernetesKinds.NAMESPACE.name())) waiting.addAll(namespaces.readiness(o).waitingFor());
        }
        for (KubernetesSpec.Component c : ctx.spec().kubernetes().components()) {
            List<Deployment> deployments = client.apps().deployments().inNamespace(c.namespace())
                    .withLabel(HelmReleaseKind.HELM_INSTANCE, c.name()).list().getItems();
            if (deployments.isEmpty()) waiting.add(KubernetesKinds.helmRelease(c.name()) + ": no Deployment yet");
            for (Deployment d : deployments) {
                if (!HelmReleaseKind.isReady(d)) waiting.add(KubernetesKinds.helmRelease(c.name()) + ": " + HelmReleaseKind.describe(d));
            }
        }
        return Readiness.waiting(waiting);
    }

    /** The spec's account when it names one, else the caller's (STS GetCallerIdentity, once per environment). */
    private static final class ClusterAccounts {
        private final Map<String, String> byEnvironment = new ConcurrentHashMap<>();

        String of(LayerContext ctx) {
            String configured = ctx.spec().aws().accountId();
            if (configured != null) return configured;
            return byEnvironment.computeIfAbsent(ctx.environment(), e -> ctx.aws().sts().getCallerIdentity().account());
        }
    }

    static String fieldManager(EnvironmentSpec spec) {
        String configured = spec.kubernetes().fieldManager();
        return configured == null || configured.isBlank() ? KubernetesIdentity.MANAGED_BY_VALUE : configured;
    }
}
