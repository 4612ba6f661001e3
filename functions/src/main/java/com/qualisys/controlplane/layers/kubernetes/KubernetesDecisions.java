package com.qualisys.controlplane.layers.kubernetes;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.ResourceKind;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;

/**
 * What drift does with every field the Kubernetes API returns for the layer's kinds, field by
 * field of the fabric8 model of each list call (its JSON properties). Writes are server-side
 * applies with the control plane's field manager, so the fields it sets are its own and the rest
 * belong to other managers (controllers, Helm, kubectl).
 */
final class KubernetesDecisions {
    private static final String TYPE = "the object's API version and kind, fixed by the list call";
    private static final String SERVER_SET = "set by the API server (uid, resource version, timestamps, generation, field managers)";
    private static final String OTHER_MANAGERS = "owned by other field managers (kubectl, controllers); no effect on access or cost";
    private static final String IDENTITY_LABELS = "the qualisys identity labels, by which observe finds the object; the other labels"
            + " belong to their managers (server-side apply owns only the control plane's)";

    private KubernetesDecisions() {}

    /** The fields every object has (apiVersion, kind, metadata), with the decision on its labels. */
    private static AttributeDecisions.Builder object(AttributeDecisions.Builder b, boolean namespaced, String labels, boolean labelsCompared) {
        b.ignore(TYPE, "apiVersion", "kind")
                .ignore("the object's name" + (namespaced ? " and namespace" : "") + ": its identity", "metadata.name")
                .ignore(SERVER_SET, "metadata.uid", "metadata.resourceVersion", "metadata.creationTimestamp", "metadata.generation",
                        "metadata.selfLink", "metadata.managedFields", "metadata.deletionTimestamp", "metadata.deletionGracePeriodSeconds")
                .ignore("only a create request uses it; the control plane names its objects", "metadata.generateName")
                .ignore(OTHER_MANAGERS, "metadata.annotations")
                .ignore("deletion hooks and garbage-collection links that controllers set; no effect on access or cost",
                        "metadata.finalizers", "metadata.ownerReferences");
        if (namespaced) b.ignore("the object's namespace: its identity", "metadata.namespace");
        else b.ignore("empty for a cluster-scoped object", "metadata.namespace");
        return labelsCompared ? b.compare("metadata.labels", labels) : b.ignore(labels, "metadata.labels");
    }

    static AttributeDecisions namespace() {
        AttributeDecisions.Builder b = AttributeDecisions.of(KubernetesKinds.NAMESPACE).read("list namespaces", Namespace.class);
        return object(b, false, "podSecurity", true)
                .ignore("the finalizers Kubernetes itself puts on a namespace", "spec")
                .ignore("status reported by Kubernetes, not a setting (a Terminating namespace makes apply and readiness wait)", "status")
                .build();
    }

    static AttributeDecisions resourceQuota() {
        AttributeDecisions.Builder b = AttributeDecisions.of(KubernetesKinds.RESOURCE_QUOTA).read("list resourcequotas", ResourceQuota.class);
        return object(b, true, IDENTITY_LABELS, false)
                .compare("spec.hard", "hard")
                .ignore("narrows what the quota counts; the spec sets none (gap: scopes added out of band are not reported)",
                        "spec.scopes", "spec.scopeSelector")
                .ignore("usage reported by Kubernetes, not a setting", "status")
                .build();
    }

    static AttributeDecisions clusterRole() {
        AttributeDecisions.Builder b = AttributeDecisions.of(KubernetesKinds.CLUSTER_ROLE).read("list clusterroles", ClusterRole.class);
        return object(b, false, IDENTITY_LABELS, false)
                .compare("rules", "rules")
                .ignore("the spec's roles aggregate nothing (gap: an aggregation rule added out of band is not reported)",
                        "aggregationRule")
                .build();
    }

    static AttributeDecisions binding(ResourceKind kind, Class<?> model) {
        AttributeDecisions.Builder b = AttributeDecisions.of(kind).read("list " + model.getSimpleName().toLowerCase() + "s", model);
        return object(b, kind == KubernetesKinds.ROLE_BINDING, IDENTITY_LABELS, false)
                .compare("roleRef", "roleRef")
                .compare("subjects", "subjects")
                .build();
    }

    static AttributeDecisions awsAuth() {
        AttributeDecisions.Builder b = AttributeDecisions.of(KubernetesKinds.CONFIG_MAP).read("list configmaps", ConfigMap.class);
        return object(b, true, IDENTITY_LABELS, false)
                .compare("data", "mapRoles, mapUsers")
                .ignore("the AWS IAM authenticator reads aws-auth from data only", "binaryData")
                .ignore("an immutable aws-auth fails the next apply loudly; it changes no access", "immutable")
                .build();
    }

    /** A Helm release is read from the labels Helm puts on its Deployments. */
    static AttributeDecisions helmRelease() {
        AttributeDecisions.Builder b = AttributeDecisions.of(KubernetesKinds.HELM_RELEASE).read("list deployments", Deployment.class);
        return object(b, true, "chart, version", true)
                .ignore("the chart's workload, rendered by Helm from the spec's values at install and upgrade (gap: a Deployment"
                        + " edited out of band is not reported)", "spec")
                .compare("status", "ready")
                .build();
    }
}
