package com.qualisys.controlplane.layers.kubernetes;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.kubernetes.connection.KubernetesConnector;
import com.qualisys.controlplane.layers.kubernetes.helm.ClusterFacts;
import com.qualisys.controlplane.layers.kubernetes.helm.HelmCommand;
import com.qualisys.controlplane.layers.kubernetes.helm.HelmConnection;
import com.qualisys.controlplane.layers.kubernetes.helm.HelmRunner;
import com.qualisys.controlplane.layers.kubernetes.helm.ValuesFiles;
import com.qualisys.controlplane.layers.kubernetes.helm.VersionConstraint;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.KubernetesSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The cluster components as Helm releases. A release is found by the labels Helm puts on its
 * Deployments (managed-by Helm, instance = release name) in the component's namespace, one list for
 * all components: its chart and version from helm.sh/chart ("&lt;chart&gt;-&lt;version&gt;"), ready when every
 * Deployment of the release is. The version reads back as the spec's constraint when it satisfies it,
 * else as the live version. Create and update are one {@code helm upgrade --install}; a release that
 * only is not ready yet gets no second install (pods starting is what readiness waits for), and the
 * control plane never uninstalls a component.
 */
final class HelmReleaseKind implements ManagedKind<HelmReleaseKind.Release> {
    static final String HELM_MANAGED_BY = "Helm";
    static final String HELM_INSTANCE = "app.kubernetes.io/instance";
    static final String HELM_CHART = "helm.sh/chart";

    /** A component's release: its Deployments (at least one). */
    record Release(KubernetesSpec.Component component, List<Deployment> deployments) {}

    private final KubernetesConnector connector;
    private final HelmRunner helm;
    private final Function<LayerContext, String> account;

    HelmReleaseKind(KubernetesConnector connector, HelmRunner helm, Function<LayerContext, String> account) {
        this.connector = connector;
        this.helm = helm;
        this.account = account;
    }

    @Override
    public ResourceKind kind() {
        return KubernetesKinds.HELM_RELEASE;
    }

    @Override
    public AttributeDecisions decisions() {
        return KubernetesDecisions.helmRelease();
    }

    @Override
    public List<Release> list(LayerContext ctx) {
        List<KubernetesSpec.Component> components = ctx.spec().kubernetes().components();
        if (components.isEmpty()) return List.of();
        String[] names = components.stream().map(KubernetesSpec.Component::name).toArray(String[]::new);
        List<Deployment> deployments = connector.client(ctx).apps().deployments().inAnyNamespace()
                .withLabel(KubernetesIdentity.MANAGED_BY, HELM_MANAGED_BY)
                .withLabelIn(HELM_INSTANCE, names)
                .list().getItems();
        return components.stream().map(c -> new Release(c, deployments.stream()
                        .filter(d -> c.namespace().equals(d.getMetadata().getNamespace()))
                        .filter(d -> c.name().equals(d.getMetadata().getLabels().get(HELM_INSTANCE)))
                        .toList()))
                .filter(r -> !r.deployments().isEmpty())
                .toList();
    }

    @Override
    public String logicalId(Release live, LayerContext ctx) {
        return KubernetesKinds.helmRelease(live.component().name());
    }

    @Override
    public String physicalId(Release live) {
        return live.component().namespace() + "/" + live.component().name();
    }

    @Override
    public Map<String, Object> attributes(Release live, LayerContext ctx) {
        KubernetesSpec.Component c = live.component();
        String chartLabel = Objects.requireNonNullElse(live.deployments().get(0).getMetadata().getLabels().get(HELM_CHART), "");
        Map<String, Object> attrs = new LinkedHashMap<>();
        String prefix = c.chart() + "-";
        String liveVersion = chartLabel.startsWith(prefix) ? chartLabel.substring(prefix.length()) : null;
        attrs.put("chart", liveVersion != null ? c.chart() : chartLabel);
        VersionConstraint constraint = VersionConstraint.parse(c.version());
        attrs.put("version", liveVersion != null && constraint.isSatisfiedBy(liveVersion) ? c.version()
                : Objects.requireNonNullElse(liveVersion, "unknown"));
        attrs.put("ready", live.deployments().stream().allMatch(HelmReleaseKind::isReady));
        return attrs;
    }

    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        install(want.logicalId(), ctx);
    }

    @Override
    public void update(DesiredResource want, ObservedResource live, List<Difference> differences, LayerContext ctx) {
        if (differences.stream().map(Difference::path).allMatch("ready"::equals)) return;
        install(want.logicalId(), ctx);
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        throw new IllegalStateException((live == null ? physicalId : live.logicalId())
                + ": the control plane never uninstalls a component; run helm uninstall by hand");
    }

    private void install(String logicalId, LayerContext ctx) {
        KubernetesClient client = connector.client(ctx);
        KubernetesSpec.Component component = component(ctx.spec(), logicalId);
        List<String> command = HelmCommand.upgradeInstall(helm.binary().toString(), component, ctx.spec().eks(),
                clusterFacts(ctx, component), ValuesFiles.locate(component.values()));
        helm.run(command, HelmConnection.of(client.getConfiguration()));
        ctx.index().put(logicalId, component.namespace() + "/" + component.name());
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
        return new ClusterFacts(account.apply(ctx), ctx.spec().aws().region(), cluster, vpcId);
    }

    /** Every wanted replica is updated and available (what {@code kubectl rollout status} waits for). */
    static boolean isReady(Deployment d) {
        int wanted = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        var status = d.getStatus();
        if (status == null) return wanted == 0;
        long generation = d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
        long observed = status.getObservedGeneration() == null ? 0 : status.getObservedGeneration();
        int available = status.getAvailableReplicas() == null ? 0 : status.getAvailableReplicas();
        int updated = status.getUpdatedReplicas() == null ? 0 : status.getUpdatedReplicas();
        return observed >= generation && updated >= wanted && available >= wanted;
    }

    /** A Deployment of a release, for readiness messages. */
    static String describe(Deployment d) {
        String label = d.getMetadata().getLabels() == null ? null : d.getMetadata().getLabels().get(HELM_CHART);
        int available = d.getStatus() == null || d.getStatus().getAvailableReplicas() == null ? 0 : d.getStatus().getAvailableReplicas();
        int wanted = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        return d.getMetadata().getNamespace() + "/" + d.getMetadata().getName() + " (" + label + ") " + available + "/" + wanted + " available";
    }
}
