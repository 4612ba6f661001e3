package com.qualisys.controlplane.layers.kubernetes;

import com.qualisys.controlplane.engine.ResourceKind;

/**
 * The kinds of object the Kubernetes layer owns, with their logical ids. A namespace holds
 * workloads and the aws-auth ConfigMap lets nodes and people in, so deleting either is
 * destructive. A binding's roleRef cannot change in place (the API server refuses it).
 */
public final class KubernetesKinds {
    public static final String LAYER = "kubernetes";

    public static final ResourceKind NAMESPACE = ResourceKind.of("namespace", true);
    public static final ResourceKind RESOURCE_QUOTA = ResourceKind.of("resource-quota", false);
    public static final ResourceKind CLUSTER_ROLE = ResourceKind.of("cluster-role", false);
    public static final ResourceKind CLUSTER_ROLE_BINDING = ResourceKind.of("cluster-role-binding", false, "roleRef");
    public static final ResourceKind ROLE_BINDING = ResourceKind.of("role-binding", false, "roleRef");
    public static final ResourceKind CONFIG_MAP = ResourceKind.of("config-map", true);
    public static final ResourceKind HELM_RELEASE = ResourceKind.of("helm-release", false);

    /** Name of every namespace's quota object. */
    public static final String QUOTA_NAME = "qualisys-quota";
    public static final String AWS_AUTH_NAMESPACE = "kube-system";
    public static final String AWS_AUTH_NAME = "aws-auth";

    private KubernetesKinds() {}

    public static String namespace(String name) {
        return id(NAMESPACE, name);
    }

    public static String resourceQuota(String namespace) {
        return id(RESOURCE_QUOTA, namespace);
    }

    public static String clusterRole(String name) {
        return id(CLUSTER_ROLE, name);
    }

    public static String clusterRoleBinding(String name) {
        return id(CLUSTER_ROLE_BINDING, name);
    }

    public static String roleBinding(String namespace, String name) {
        return id(ROLE_BINDING, namespace + "/" + name);
    }

    public static String awsAuth() {
        return id(CONFIG_MAP, AWS_AUTH_NAME);
    }

    public static String helmRelease(String name) {
        return id(HELM_RELEASE, name);
    }

    /** The logical id of an object of kind: the layer, the kind, then its name (namespace/name when namespaced). */
    static String id(ResourceKind kind, String name) {
        return LAYER + "/" + kind.name() + "/" + name;
    }
}
