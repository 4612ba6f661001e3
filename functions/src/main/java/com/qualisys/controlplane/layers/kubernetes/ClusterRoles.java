package com.qualisys.controlplane.layers.kubernetes;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What "full" access means for each role of the seed's RBAC matrix, as ClusterRole rules bound
 * per namespace with RoleBindings, and what "read-only" means for all of them: the
 * {@value #READ_ONLY_ROLE} ClusterRole (get/list/watch on what runs in a namespace and its logs;
 * no secrets, no exec). It is ours rather than Kubernetes' built-in {@code view}, whose rules are
 * aggregated by a controller and so are neither ours to drift-check nor there before it ran.
 *
 * <ul>
 *   <li>developer: workloads, services, config and secrets of a namespace, plus exec and
 *       port-forward for debugging (the seed: "kubectl access for debugging pods"); never RBAC,
 *       quotas or limit ranges, so nobody widens their own access or raises their own quota.</li>
 *   <li>ci-cd: what a deploy needs, and the seed's two limits: no pod exec (nor attach or
 *       port-forward) and no reading of secrets (it may create and replace them).</li>
 *   <li>devops: everything (the seed's QualisysDevOpsAdmin: full admin access).</li>
 * </ul>
 */
public final class ClusterRoles {
    /** The built-in ClusterRole a read-only cell of the matrix binds. */
    public static final String READ_ONLY_ROLE = "read-only";
    public static final Set<String> ROLES = Set.of("developer", "devops", "ci-cd");

    private static final List<String> READ = List.of("get", "list", "watch");
    private static final List<String> WRITE = List.of("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection");
    private static final List<String> WORKLOAD_GROUPS = List.of("apps", "autoscaling", "batch", "networking.k8s.io", "policy");
    private static final List<String> WORKLOADS = List.of("cronjobs", "daemonsets", "deployments", "deployments/scale",
            "horizontalpodautoscalers", "ingresses", "jobs", "networkpolicies", "poddisruptionbudgets", "replicasets",
            "statefulsets", "statefulsets/scale");
    private static final List<String> OBSERVE_ONLY = List.of("events", "limitranges", "pods/log", "resourcequotas");

    private static final Map<String, List<RbacRule>> RULES = Map.of(
            "developer", List.of(
                    RbacRule.resources(List.of(""), List.of("configmaps", "endpoints", "persistentvolumeclaims", "pods",
                            "secrets", "serviceaccounts", "services"), WRITE),
                    RbacRule.resources(List.of(""), List.of("pods/exec", "pods/portforward"), List.of("create", "get")),
                    RbacRule.resources(List.of(""), OBSERVE_ONLY, READ),
                    RbacRule.resources(WORKLOAD_GROUPS, WORKLOADS, WRITE)),
            "ci-cd", List.of(
                    RbacRule.resources(List.of(""), List.of("configmaps", "endpoints", "persistentvolumeclaims", "pods",
                            "serviceaccounts", "services"), WRITE),
                    RbacRule.resources(List.of(""), List.of("secrets"), List.of("create", "update", "patch", "delete")),
                    RbacRule.resources(List.of(""), OBSERVE_ONLY, READ),
                    RbacRule.resources(WORKLOAD_GROUPS, WORKLOADS, WRITE)),
            READ_ONLY_ROLE, List.of(
                    RbacRule.resources(List.of(""), List.of("configmaps", "endpoints", "events", "limitranges",
                            "persistentvolumeclaims", "pods", "pods/log", "resourcequotas", "serviceaccounts", "services"), READ),
                    RbacRule.resources(WORKLOAD_GROUPS, WORKLOADS, READ)),
            "devops", List.of(
                    RbacRule.resources(List.of("*"), List.of("*"), List.of("*")),
                    new RbacRule(List.of(), List.of(), List.of("*"), List.of("*"))));

    private ClusterRoles() {}

    /** The rules of a role's own ClusterRole; an unknown role is a spec error the validator reports. */
    public static List<RbacRule> rules(String role) {
        List<RbacRule> rules = RULES.get(role);
        if (rules == null) {
            throw new IllegalArgumentException("kubernetes.groups." + role + ": no ClusterRole is defined for role '" + role
                    + "' (known: " + String.join(", ", new java.util.TreeSet<>(ROLES)) + ")");
        }
        return rules;
    }
}
