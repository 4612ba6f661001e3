package com.qualisys.controlplane.layers.kubernetes;

import com.qualisys.controlplane.engine.Tags;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How Kubernetes objects carry the identity that tags give AWS resources. Label values cannot
 * hold a '/', so the logical id ("kubernetes/namespace/dev") is an annotation; the managed-by
 * and environment labels are what observe selects on.
 */
public final class KubernetesIdentity {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = Tags.MANAGED_BY_VALUE;
    public static final String ENVIRONMENT = "qualisys.io/environment";
    public static final String LOGICAL_ID = "qualisys.io/logical-id";

    private KubernetesIdentity() {}

    public static Map<String, String> labels(String environment) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, MANAGED_BY_VALUE);
        labels.put(ENVIRONMENT, environment);
        return labels;
    }

    public static Map<String, String> annotations(String logicalId) {
        return Map.of(LOGICAL_ID, logicalId);
    }

    /** Every object the control plane manages in any environment of this cluster. */
    public static Map<String, String> managedSelector() {
        return Map.of(MANAGED_BY, MANAGED_BY_VALUE);
    }

    public static boolean isManaged(Map<String, String> labels) {
        return labels != null && MANAGED_BY_VALUE.equals(labels.get(MANAGED_BY));
    }

    public static boolean belongsTo(Map<String, String> labels, String environment) {
        return isManaged(labels) && environment.equals(labels.get(ENVIRONMENT));
    }
}
