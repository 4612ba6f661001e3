package com.qualisys.controlplane.layers.kubernetes;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.layers.kubernetes.helm.VersionConstraint;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.KubernetesSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads back what the control plane owns, one list call per kind, in the attribute shapes of
 * {@link DesiredState}: only the fields we set, so what other managers add is not drift.
 *
 * <p>Ours are objects with the managed-by and environment labels, and objects that carry a
 * desired object's name (adopted on the next apply). Bindings are listed whole (two calls, no
 * selector) because the RBAC matrix is also broken by bindings someone else made: any binding
 * that grants one of our groups access in our namespaces, or anywhere in the cluster, and is
 * not in the matrix is reported, so the plan deletes it.
 */
final class LiveState {
    static final String HELM_MANAGED_BY = "Helm";
    static final String HELM_INSTANCE = "app.kubernetes.io/instance";
    static final String HELM_CHART = "helm.sh/chart";

    private final KubernetesClient client;
    private final EnvironmentSpec spec;
    private final Map<String, DesiredResource> desired = new LinkedHashMap<>();
    private final Supplier<String> account;

    LiveState(KubernetesClient client, EnvironmentSpec spec, Supplier<String> account) {
        this.client = client;
        this.spec = spec;
        this.account = account;
        DesiredState.of(spec).forEach(d -> desired.put(d.logicalId(), d));
    }

    List<ObservedResource> observe() {
        List<ObservedResource> out = new ArrayList<>();
        out.addAll(namespaces());
        out.addAll(quotas());
        out.addAll(clusterRoles());
        out.addAll(clusterRoleBindings());
        out.addAll(roleBindings());
        out.addAll(awsAuth());
        out.addAll(helmReleases());
        return out;
    }

    private String environment() {
        return spec.environment();
    }

    private boolean ours(HasMetadata o, String logicalId) {
        return KubernetesIdentity.belongsTo(o.getMetadata().getLabels(), environment()) || desired.containsKey(logicalId);
    }

    private List<ObservedResource> namespaces() {
        List<ObservedResource> out = new ArrayList<>();
        for (Namespace ns : client.namespaces().withLabels(KubernetesIdentity.managedSelector()).list().getItems()) {
            String id = KubernetesKinds.namespace(ns.getMetadata().getName());
            if (!ours(ns, id)) continue;
            Map<String, Object> pss = new LinkedHashMap<>();
            Map<String, String> labels = ns.getMetadata().getLabels() == null ? Map.of() : ns.getMetadata().getLabels();
            labels.forEach((k, v) -> {
                if (k.startsWith(DesiredState.PSS_PREFIX)) pss.put(k.substring(DesiredState.PSS_PREFIX.length()), v);
            });
            String phase = ns.getStatus() == null ? null : ns.getStatus().getPhase();
            out.add(new ObservedResource(id, KubernetesKinds.NAMESPACE.name(), ns.getMetadata().getName(),
                    Map.of("podSecurity", pss, "phase", phase == null ? "Unknown" : phase)));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private List<ObservedResource> quotas() {
        List<ObservedResource> out = new ArrayList<>();
        for (ResourceQuota q : client.resourceQuotas().inAnyNamespace().withLabels(KubernetesIdentity.managedSelector()).list().getItems()) {
            String ns = q.getMetadata().getNamespace();
            String id = q.getMetadata().getName().equals(KubernetesKinds.QUOTA_NAME) ? KubernetesKinds.resourceQuota(ns)
                    : KubernetesKinds.LAYER + "/" + KubernetesKinds.RESOURCE_QUOTA.name() + "/" + ns + "/" + q.getMetadata().getName();
            if (!ours(q, id)) continue;
            DesiredResource want = desired.get(id);
            Map<String, Object> wanted = want == null ? Map.of() : (Map<String, Object>) want.attribute("hard");
            Map<String, Object> hard = new LinkedHashMap<>();
            Map<String, Quantity> live = q.getSpec() == null || q.getSpec().getHard() == null ? Map.of() : q.getSpec().getHard();
            live.forEach((k, v) -> hard.put(k, sameQuantity(wanted.get(k), v) ? wanted.get(k) : v.toString()));
            out.add(new ObservedResource(id, KubernetesKinds.RESOURCE_QUOTA.name(), ns + "/" + q.getMetadata().getName(), Map.of("hard", hard)));
        }
        return out;
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

    private List<ObservedResource> clusterRoles() {
        List<ObservedResource> out = new ArrayList<>();
        for (ClusterRole role : client.rbac().clusterRoles().withLabels(KubernetesIdentity.managedSelector()).list().getItems()) {
            String id = KubernetesKinds.clusterRole(role.getMetadata().getName());
            if (!ours(role, id)) continue;
            List<Object> rules = new ArrayList<>();
            if (role.getRules() != null) role.getRules().forEach(r -> rules.add(RbacRule.of(r).attribute()));
            out.add(new ObservedResource(id, KubernetesKinds.CLUSTER_ROLE.name(), role.getMetadata().getName(), Map.of("rules", rules)));
        }
        return out;
    }

    private List<ObservedResource> clusterRoleBindings() {
        Set<String> groups = ourGroupSubjects();
        List<ObservedResource> out = new ArrayList<>();
        for (ClusterRoleBinding b : client.rbac().clusterRoleBindings().list().getItems()) {
            String id = KubernetesKinds.clusterRoleBinding(b.getMetadata().getName());
            List<String> subjects = Manifests.subjectNames(b.getSubjects());
            if (!ours(b, id) && subjects.stream().noneMatch(groups::contains)) continue;
            out.add(new ObservedResource(id, KubernetesKinds.CLUSTER_ROLE_BINDING.name(), b.getMetadata().getName(),
                    Map.of("roleRef", Manifests.roleRefName(b.getRoleRef()), "subjects", subjects)));
        }
        return out;
    }

    private List<ObservedResource> roleBindings() {
        Set<String> groups = ourGroupSubjects();
        Set<String> namespaces = spec.kubernetes().namespaces().keySet();
        List<ObservedResource> out = new ArrayList<>();
        for (RoleBinding b : client.rbac().roleBindings().inAnyNamespace().list().getItems()) {
            String ns = b.getMetadata().getNamespace();
            String id = KubernetesKinds.roleBinding(ns, b.getMetadata().getName());
            List<String> subjects = Manifests.subjectNames(b.getSubjects());
            boolean grantsOurGroupHere = namespaces.contains(ns) && subjects.stream().anyMatch(groups::contains);
            if (!ours(b, id) && !grantsOurGroupHere) continue;
            out.add(new ObservedResource(id, KubernetesKinds.ROLE_BINDING.name(), ns + "/" + b.getMetadata().getName(),
                    Map.of("roleRef", Manifests.roleRefName(b.getRoleRef()), "subjects", subjects)));
        }
        return out;
    }

    private Set<String> ourGroupSubjects() {
        Set<String> groups = new HashSet<>();
        spec.kubernetes().groups().values().forEach(g -> groups.add("Group/" + g));
        return groups;
    }

    private List<ObservedResource> awsAuth() {
        List<ObservedResource> out = new ArrayList<>();
        for (ConfigMap cm : client.configMaps().inAnyNamespace().withLabels(KubernetesIdentity.managedSelector()).list().getItems()) {
            String ns = cm.getMetadata().getNamespace();
            boolean isAwsAuth = ns.equals(KubernetesKinds.AWS_AUTH_NAMESPACE) && cm.getMetadata().getName().equals(KubernetesKinds.AWS_AUTH_NAME);
            String id = isAwsAuth ? KubernetesKinds.awsAuth()
                    : KubernetesKinds.LAYER + "/" + KubernetesKinds.CONFIG_MAP.name() + "/" + ns + "/" + cm.getMetadata().getName();
            if (!ours(cm, id)) continue;
            Map<String, String> data = cm.getData() == null ? Map.of() : cm.getData();
            String acct = account.get();
            out.add(new ObservedResource(id, KubernetesKinds.CONFIG_MAP.name(), ns + "/" + cm.getMetadata().getName(),
                    Map.of("mapRoles", AwsAuth.parse(data.get("mapRoles"), acct), "mapUsers", AwsAuth.parse(data.get("mapUsers"), acct))));
        }
        return out;
    }

    /**
     * A release is found by the labels Helm puts on its Deployment (managed-by Helm, instance =
     * release name) in the component's namespace: its chart and version from helm.sh/chart
     * ("&lt;chart&gt;-&lt;version&gt;"), ready when every Deployment of the release is. The version reads
     * back as the spec's constraint when it satisfies it, else as the live version.
     */
    private List<ObservedResource> helmReleases() {
        List<KubernetesSpec.Component> components = spec.kubernetes().components();
        if (components.isEmpty()) return List.of();
        String[] names = components.stream().map(KubernetesSpec.Component::name).toArray(String[]::new);
        List<Deployment> deployments = client.apps().deployments().inAnyNamespace()
                .withLabel(KubernetesIdentity.MANAGED_BY, HELM_MANAGED_BY)
                .withLabelIn(HELM_INSTANCE, names)
                .list().getItems();
        List<ObservedResource> out = new ArrayList<>();
        for (KubernetesSpec.Component c : components) {
            List<Deployment> mine = deployments.stream()
                    .filter(d -> c.namespace().equals(d.getMetadata().getNamespace()))
                    .filter(d -> c.name().equals(d.getMetadata().getLabels().get(HELM_INSTANCE)))
                    .toList();
            if (mine.isEmpty()) continue;
            String chartLabel = Objects.requireNonNullElse(mine.get(0).getMetadata().getLabels().get(HELM_CHART), "");
            Map<String, Object> attrs = new LinkedHashMap<>();
            String prefix = c.chart() + "-";
            String liveVersion = chartLabel.startsWith(prefix) ? chartLabel.substring(prefix.length()) : null;
            attrs.put("chart", liveVersion != null ? c.chart() : chartLabel);
            VersionConstraint constraint = VersionConstraint.parse(c.version());
            attrs.put("version", liveVersion != null && constraint.isSatisfiedBy(liveVersion) ? c.version()
                    : Objects.requireNonNullElse(liveVersion, "unknown"));
            attrs.put("ready", mine.stream().allMatch(LiveState::isReady));
            out.add(new ObservedResource(KubernetesKinds.helmRelease(c.name()), KubernetesKinds.HELM_RELEASE.name(),
                    c.namespace() + "/" + c.name(), attrs));
        }
        return out;
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

    /** The version a live chart label names; used by readiness messages. */
    static String describe(Deployment d) {
        String label = d.getMetadata().getLabels() == null ? null : d.getMetadata().getLabels().get(HELM_CHART);
        int available = d.getStatus() == null || d.getStatus().getAvailableReplicas() == null ? 0 : d.getStatus().getAvailableReplicas();
        int wanted = d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        return d.getMetadata().getNamespace() + "/" + d.getMetadata().getName() + " (" + label + ") " + available + "/" + wanted + " available";
    }
}
