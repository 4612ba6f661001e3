package com.qualisys.controlplane.layers.kubernetes;

import com.qualisys.controlplane.engine.Action;
import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.Readiness;
import com.qualisys.controlplane.layers.kubernetes.connection.EksConnector;
import com.qualisys.controlplane.layers.kubernetes.connection.KubernetesConnector;
import com.qualisys.controlplane.layers.kubernetes.helm.ClusterFacts;
import com.qualisys.controlplane.layers.kubernetes.helm.HelmCommand;
import com.qualisys.controlplane.layers.kubernetes.helm.HelmConnection;
import com.qualisys.controlplane.layers.kubernetes.helm.HelmRunner;
import com.qualisys.controlplane.layers.kubernetes.helm.ValuesFiles;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.KubernetesSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The seed's Kubernetes layer: namespaces with Pod Security levels and quotas, the RBAC matrix,
 * the aws-auth mapping, and the cluster components as Helm releases.
 *
 * <p>Writes are server-side applies with the spec's field manager ({@code qualisys-control-plane})
 * and force: the control plane owns exactly the fields it sets, takes them back when another
 * manager changed them, and leaves every other field to its owner. Observe reads back only
 * those fields ({@link LiveState}), so fields added by others are not drift.
 */
public final class KubernetesLayer implements Layer {
    private final KubernetesConnector connector;
    private final HelmRunner helm;
    private final Map<String, String> accounts = new ConcurrentHashMap<>();

    public KubernetesLayer() {
        this(new EksConnector(), HelmRunner.standard());
    }

    public KubernetesLayer(KubernetesConnector connector, HelmRunner helm) {
        this.connector = connector;
        this.helm = helm;
    }

    @Override
    public String name() {
        return KubernetesKinds.LAYER;
    }

    @Override
    public List<DesiredResource> desired(EnvironmentSpec spec) {
        return DesiredState.of(spec);
    }

    @Override
    public List<AttributeDecisions> attributeDecisions() {
        return KubernetesDecisions.all();
    }

    @Override
    public List<ObservedResource> observe(LayerContext ctx) {
        return new LiveState(connector.client(ctx), ctx.spec(), () -> account(ctx)).observe();
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

    @Override
    public void apply(Change change, DesiredResource desired, ObservedResource observed, LayerContext ctx) {
        KubernetesClient client = connector.client(ctx);
        if (change.kind().equals(KubernetesKinds.HELM_RELEASE.name())) {
            applyRelease(change, ctx, client);
            return;
        }
        if (change.action() == Action.DELETE) {
            delete(change, observed, client);
            return;
        }
        if (observed != null && "Terminating".equals(observed.attributes().get("phase"))) {
            throw new IllegalStateException("namespace " + observed.physicalId() + " is being deleted (Terminating); "
                    + "apply again once Kubernetes has finished deleting it, and it will be created anew");
        }
        String account = change.kind().equals(KubernetesKinds.CONFIG_MAP.name()) ? account(ctx) : null;
        HasMetadata manifest = Manifests.of(desired, ctx.environment(), account);
        client.resource(manifest).fieldManager(fieldManager(ctx.spec())).forceConflicts().serverSideApply();
        ctx.index().put(change.logicalId(), Manifests.ObjectRef.of(change.logicalId()).physicalId());
    }

    private static void delete(Change change, ObservedResource observed, KubernetesClient client) {
        String physical = observed != null ? observed.physicalId() : change.physicalId();
        String ns = physical.contains("/") ? physical.substring(0, physical.indexOf('/')) : null;
        String name = physical.substring(physical.indexOf('/') + 1);
        switch (change.kind()) {
            case "namespace" -> client.namespaces().withName(name).delete();
            case "resource-quota" -> client.resourceQuotas().inNamespace(ns).withName(name).delete();
            case "cluster-role" -> client.rbac().clusterRoles().withName(name).delete();
            case "cluster-role-binding" -> client.rbac().clusterRoleBindings().withName(name).delete();
            case "role-binding" -> client.rbac().roleBindings().inNamespace(ns).withName(name).delete();
            case "config-map" -> client.configMaps().inNamespace(ns).withName(name).delete();
            default -> throw new IllegalArgumentException("cannot delete kind " + change.kind() + " (" + change.logicalId() + ")");
        }
    }

    /**
     * Installs or upgrades a release with helm. A release that only is not ready yet gets no
     * second install: pods starting is what readiness waits for.
     */
    private void applyRelease(Change change, LayerContext ctx, KubernetesClient client) {
        if (change.action() == Action.DELETE) {
            throw new IllegalStateException(change.logicalId() + ": the control plane never uninstalls a component; run helm uninstall by hand");
        }
        boolean onlyReadiness = change.action() == Action.UPDATE
                && change.differences().stream().map(Difference::path).allMatch("ready"::equals);
        if (onlyReadiness) return;
        KubernetesSpec.Component component = component(ctx.spec(), change.logicalId());
        List<String> command = HelmCommand.upgradeInstall(helm.binary().toString(), component, ctx.spec().eks(),
                clusterFacts(ctx, component), ValuesFiles.locate(component.values()));
        helm.run(command, HelmConnection.of(client.getConfiguration()));
        ctx.index().put(change.logicalId(), component.namespace() + "/" + component.name());
    }

    /** Namespaces that are still terminating and component Deployments that are not available yet. */
    @Override
    public Readiness readiness(LayerContext ctx) {
        KubernetesClient client = connector.client(ctx);
        List<String> waiting = new ArrayList<>();
        for (ObservedResource o : observe(ctx)) {
            if ("Terminating".equals(o.attributes().get("phase"))) waiting.add(o.logicalId() + ": namespace is terminating");
        }
        for (KubernetesSpec.Component c : ctx.spec().kubernetes().components()) {
            List<Deployment> deployments = client.apps().deployments().inNamespace(c.namespace())
                    .withLabel(LiveState.HELM_INSTANCE, c.name()).list().getItems();
            if (deployments.isEmpty()) waiting.add(KubernetesKinds.helmRelease(c.name()) + ": no Deployment yet");
            for (Deployment d : deployments) {
                if (!LiveState.isReady(d)) waiting.add(KubernetesKinds.helmRelease(c.name()) + ": " + LiveState.describe(d));
            }
        }
        return Readiness.waiting(waiting);
    }

    private static KubernetesSpec.Component component(EnvironmentSpec spec, String logicalId) {
        String name = logicalId.substring(logicalId.lastIndexOf('/') + 1);
        return spec.kubernetes().components().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException(logicalId + " is not a component of the spec"));
    }

    /** The account, and the cluster's VPC when the component's values use it (one DescribeCluster). */
    private ClusterFacts clusterFacts(LayerContext ctx, KubernetesSpec.Component component) {
        String cluster = ctx.spec().eks().clusterName();
        boolean needsVpc = component.set() != null && component.set().values().stream().anyMatch(v -> v.contains("${vpcId}"));
        String vpcId = needsVpc ? ctx.aws().eks().describeCluster(r -> r.name(cluster)).cluster().resourcesVpcConfig().vpcId() : null;
        return new ClusterFacts(account(ctx), ctx.spec().aws().region(), cluster, vpcId);
    }

    /** The spec's account when it names one, else the caller's (STS GetCallerIdentity, once per environment). */
    private String account(LayerContext ctx) {
        String configured = ctx.spec().aws().accountId();
        if (configured != null) return configured;
        return accounts.computeIfAbsent(ctx.environment(), e -> ctx.aws().sts().getCallerIdentity().account());
    }

    static String fieldManager(EnvironmentSpec spec) {
        String configured = spec.kubernetes().fieldManager();
        return configured == null || configured.isBlank() ? KubernetesIdentity.MANAGED_BY_VALUE : configured;
    }
}
