package com.qualisys.controlplane.layers.kubernetes;

import com.qualisys.controlplane.engine.DesiredResource;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.RoleRefBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The object the control plane server-side applies for a desired resource: exactly the fields
 * it owns (identity labels and annotation, and the attributes), nothing else, so field
 * management gives every other field to whoever set it. Pure.
 */
public final class Manifests {
    public static final String RBAC_GROUP = "rbac.authorization.k8s.io";

    private Manifests() {}

    /** The object to apply; account fills the aws-auth role ARNs (null for other kinds). */
    @SuppressWarnings("unchecked")
    public static HasMetadata of(DesiredResource d, String environment, String account) {
        ObjectRef ref = ObjectRef.of(d.logicalId());
        ObjectMeta meta = new ObjectMetaBuilder()
                .withName(ref.name())
                .withNamespace(ref.namespace())
                .withLabels(KubernetesIdentity.labels(environment))
                .withAnnotations(KubernetesIdentity.annotations(d.logicalId()))
                .build();
        return switch (d.kind().name()) {
            case "namespace" -> {
                Map<String, String> labels = new LinkedHashMap<>(meta.getLabels());
                ((Map<String, Object>) d.attribute("podSecurity")).forEach((k, v) -> labels.put(DesiredState.PSS_PREFIX + k, v.toString()));
                meta.setLabels(labels);
                yield new NamespaceBuilder().withMetadata(meta).build();
            }
            case "resource-quota" -> {
                Map<String, Quantity> hard = new LinkedHashMap<>();
                ((Map<String, Object>) d.attribute("hard")).forEach((k, v) -> hard.put(k, new Quantity(v.toString())));
                yield new ResourceQuotaBuilder().withMetadata(meta).withNewSpec().withHard(hard).endSpec().build();
            }
            case "cluster-role" -> new ClusterRoleBuilder().withMetadata(meta)
                    .withRules(((List<Map<String, Object>>) d.attribute("rules")).stream()
                            .map(r -> RbacRule.fromAttribute(r).toPolicyRule()).toList())
                    .build();
            case "cluster-role-binding" -> new ClusterRoleBindingBuilder().withMetadata(meta)
                    .withRoleRef(roleRef(d.string("roleRef"))).withSubjects(subjects(d.strings("subjects"))).build();
            case "role-binding" -> new RoleBindingBuilder().withMetadata(meta)
                    .withRoleRef(roleRef(d.string("roleRef"))).withSubjects(subjects(d.strings("subjects"))).build();
            case "config-map" -> new ConfigMapBuilder().withMetadata(meta)
                    .addToData("mapRoles", AwsAuth.render((List<Map<String, Object>>) d.attribute("mapRoles"), account))
                    .addToData("mapUsers", AwsAuth.render((List<Map<String, Object>>) d.attribute("mapUsers"), account))
                    .build();
            default -> throw new IllegalArgumentException("no manifest for kind " + d.kind().name() + " (" + d.logicalId() + ")");
        };
    }

    /** "ClusterRole/developer" → roleRef. */
    static RoleRef roleRef(String value) {
        String[] kindName = value.split("/", 2);
        return new RoleRefBuilder().withApiGroup(RBAC_GROUP).withKind(kindName[0]).withName(kindName[1]).build();
    }

    /** "Group/qualisys-developers" → subjects. */
    static List<Subject> subjects(List<String> values) {
        return values.stream().map(v -> {
            String[] kindName = v.split("/", 2);
            return new SubjectBuilder().withApiGroup(RBAC_GROUP).withKind(kindName[0]).withName(kindName[1]).build();
        }).toList();
    }

    /** The attribute form of a live binding's roleRef and subjects (ServiceAccounts keep their namespace). */
    static String roleRefName(RoleRef ref) {
        return ref.getKind() + "/" + ref.getName();
    }

    static List<String> subjectNames(List<Subject> subjects) {
        if (subjects == null) return List.of();
        return subjects.stream().map(s -> s.getKind() + "/" + (s.getNamespace() == null ? "" : s.getNamespace() + ":") + s.getName())
                .sorted().toList();
    }

    /** Namespace and name of the object behind a logical id. */
    public record ObjectRef(String namespace, String name) {
        public static ObjectRef of(String logicalId) {
            String[] parts = logicalId.split("/", 3);
            String kind = parts[1];
            String rest = parts[2];
            return switch (kind) {
                case "resource-quota" -> new ObjectRef(rest, KubernetesKinds.QUOTA_NAME);
                case "role-binding" -> new ObjectRef(rest.substring(0, rest.indexOf('/')), rest.substring(rest.indexOf('/') + 1));
                case "config-map" -> new ObjectRef(KubernetesKinds.AWS_AUTH_NAMESPACE, rest);
                default -> new ObjectRef(null, rest);
            };
        }

        /** "namespace/name", or the name of a cluster-scoped object: the physical id. */
        public String physicalId() {
            return namespace == null ? name : namespace + "/" + name;
        }
    }
}
