package com.qualisys.controlplane.layers.kubernetes;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One rule of a ClusterRole, in the attribute shape both desired and observed use. */
public record RbacRule(List<String> apiGroups, List<String> resources, List<String> nonResourceURLs, List<String> verbs) {
    public RbacRule {
        apiGroups = List.copyOf(apiGroups);
        resources = List.copyOf(resources);
        nonResourceURLs = List.copyOf(nonResourceURLs);
        verbs = List.copyOf(verbs);
    }

    public static RbacRule resources(List<String> apiGroups, List<String> resources, List<String> verbs) {
        return new RbacRule(apiGroups, resources, List.of(), verbs);
    }

    /** Only the non-empty fields, so a rule reads back the same as it was written. */
    public Map<String, Object> attribute() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!apiGroups.isEmpty() || nonResourceURLs.isEmpty()) m.put("apiGroups", apiGroups);
        if (!resources.isEmpty()) m.put("resources", resources);
        if (!nonResourceURLs.isEmpty()) m.put("nonResourceURLs", nonResourceURLs);
        m.put("verbs", verbs);
        return m;
    }

    public PolicyRule toPolicyRule() {
        PolicyRuleBuilder b = new PolicyRuleBuilder().withVerbs(verbs);
        if (!apiGroups.isEmpty() || nonResourceURLs.isEmpty()) b.withApiGroups(apiGroups);
        if (!resources.isEmpty()) b.withResources(resources);
        if (!nonResourceURLs.isEmpty()) b.withNonResourceURLs(nonResourceURLs);
        return b.build();
    }

    public static RbacRule of(PolicyRule live) {
        return new RbacRule(orEmpty(live.getApiGroups()), orEmpty(live.getResources()),
                orEmpty(live.getNonResourceURLs()), orEmpty(live.getVerbs()));
    }

    @SuppressWarnings("unchecked")
    public static RbacRule fromAttribute(Map<String, Object> m) {
        return new RbacRule((List<String>) m.getOrDefault("apiGroups", List.of()), (List<String>) m.getOrDefault("resources", List.of()),
                (List<String>) m.getOrDefault("nonResourceURLs", List.of()), (List<String>) m.getOrDefault("verbs", List.of()));
    }

    private static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : values;
    }
}
