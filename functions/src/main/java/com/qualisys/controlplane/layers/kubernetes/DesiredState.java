package com.qualisys.controlplane.layers.kubernetes;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.KubernetesSpec;
import com.qualisys.controlplane.spec.KubernetesSpec.Access;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Kubernetes objects the spec asks for, as attributes the Differ compares. Pure.
 *
 * <ul>
 *   <li>namespace: its Pod Security labels ({@code podSecurity.<mode>}) and phase Active;</li>
 *   <li>resource-quota {@value KubernetesKinds#QUOTA_NAME} per namespace: {@code hard};</li>
 *   <li>cluster-role per role, and read-only when a cell asks for it: {@code rules}; role-binding per matrix cell that is not none and
 *       cluster-role-binding per clusterAccess entry: {@code roleRef}, {@code subjects};</li>
 *   <li>config-map aws-auth: {@code mapRoles}, {@code mapUsers};</li>
 *   <li>helm-release per component: {@code chart}, {@code version} (the constraint), {@code ready}.</li>
 * </ul>
 */
public final class DesiredState {
    public static final String PSS_PREFIX = "pod-security.kubernetes.io/";
    /** Warn and audit follow the newest policy, so upcoming tightenings show before they bite. */
    public static final String LATEST = "latest";

    private DesiredState() {}

    public static List<DesiredResource> of(EnvironmentSpec spec) {
        KubernetesSpec k = spec.kubernetes();
        List<DesiredResource> out = new ArrayList<>();
        k.namespaces().forEach((name, ns) -> {
            out.add(new DesiredResource(KubernetesKinds.namespace(name), KubernetesKinds.NAMESPACE,
                    Map.of("podSecurity", podSecurity(ns, spec.eks().version()), "phase", "Active")));
            out.add(new DesiredResource(KubernetesKinds.resourceQuota(name), KubernetesKinds.RESOURCE_QUOTA,
                    Map.of("hard", quota(ns)), Set.of(KubernetesKinds.namespace(name))));
        });
        for (String role : k.groups().keySet()) {
            List<Object> rules = new ArrayList<>();
            ClusterRoles.rules(role).forEach(r -> rules.add(r.attribute()));
            out.add(new DesiredResource(KubernetesKinds.clusterRole(role), KubernetesKinds.CLUSTER_ROLE, Map.of("rules", rules)));
        }
        Map<String, Access> clusterAccess = k.clusterAccess() == null ? Map.of() : k.clusterAccess();
        boolean anyReadOnly = clusterAccess.containsValue(Access.READ_ONLY)
                || k.access().values().stream().anyMatch(cells -> cells.containsValue(Access.READ_ONLY));
        if (anyReadOnly) {
            List<Object> rules = new ArrayList<>();
            ClusterRoles.rules(ClusterRoles.READ_ONLY_ROLE).forEach(r -> rules.add(r.attribute()));
            out.add(new DesiredResource(KubernetesKinds.clusterRole(ClusterRoles.READ_ONLY_ROLE), KubernetesKinds.CLUSTER_ROLE,
                    Map.of("rules", rules)));
        }
        clusterAccess.forEach((role, access) -> {
            if (access == Access.NONE) return;
            out.add(new DesiredResource(KubernetesKinds.clusterRoleBinding(role), KubernetesKinds.CLUSTER_ROLE_BINDING,
                    binding(role, access, k), dependencies(role, access, null)));
        });
        k.access().forEach((role, cells) -> cells.forEach((namespace, access) -> {
            if (access == Access.NONE) return;
            out.add(new DesiredResource(KubernetesKinds.roleBinding(namespace, role), KubernetesKinds.ROLE_BINDING,
                    binding(role, access, k), dependencies(role, access, namespace)));
        }));
        out.add(new DesiredResource(KubernetesKinds.awsAuth(), KubernetesKinds.CONFIG_MAP,
                Map.of("mapRoles", AwsAuth.desiredRoles(spec), "mapUsers", List.of())));
        for (KubernetesSpec.Component c : k.components()) {
            Map<String, Object> release = new LinkedHashMap<>();
            release.put("chart", c.chart());
            release.put("version", c.version());
            release.put("ready", true);
            out.add(new DesiredResource(KubernetesKinds.helmRelease(c.name()), KubernetesKinds.HELM_RELEASE, release));
        }
        return out;
    }

    /** The namespace's pod-security.kubernetes.io/* labels, keyed by what follows the prefix. */
    static Map<String, Object> podSecurity(KubernetesSpec.Namespace ns, String kubernetesVersion) {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("enforce", ns.enforce());
        // Enforcement is pinned to the cluster's version: a control-plane upgrade never starts
        // rejecting pods that ran yesterday; warn and audit show what the next policy would say.
        labels.put("enforce-version", "v" + kubernetesVersion);
        String warn = ns.warn() == null ? ns.enforce() : ns.warn();
        labels.put("warn", warn);
        labels.put("warn-version", LATEST);
        labels.put("audit", warn);
        labels.put("audit-version", LATEST);
        return labels;
    }

    /**
     * Requests bound what the scheduler reserves (the nodes we pay for); memory is also capped
     * by limits because it cannot be throttled. CPU limits are left out on purpose: they only
     * throttle pods while cores sit idle. Every pod must therefore declare CPU and memory
     * requests and a memory limit, or quota admission refuses it.
     */
    static Map<String, Object> quota(KubernetesSpec.Namespace ns) {
        Map<String, Object> hard = new LinkedHashMap<>();
        hard.put("requests.cpu", ns.cpu());
        hard.put("requests.memory", ns.memory());
        hard.put("limits.memory", ns.memory());
        hard.put("pods", Integer.toString(ns.pods()));
        return hard;
    }

    private static Map<String, Object> binding(String role, Access access, KubernetesSpec k) {
        String clusterRole = access == Access.FULL ? role : ClusterRoles.READ_ONLY_ROLE;
        return Map.of("roleRef", "ClusterRole/" + clusterRole, "subjects", List.of("Group/" + k.groups().get(role)));
    }

    private static Set<String> dependencies(String role, Access access, String namespace) {
        Set<String> deps = new java.util.LinkedHashSet<>();
        if (namespace != null) deps.add(KubernetesKinds.namespace(namespace));
        deps.add(KubernetesKinds.clusterRole(access == Access.FULL ? role : ClusterRoles.READ_ONLY_ROLE));
        return deps;
    }
}
