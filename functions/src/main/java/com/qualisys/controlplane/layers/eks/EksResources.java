package com.qualisys.controlplane.layers.eks;

import static com.qualisys.controlplane.engine.DesiredResource.ref;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.support.EncryptionKeys;
import com.qualisys.controlplane.iam.RoleKind;
import com.qualisys.controlplane.layers.iam.PolicyDocument;
import com.qualisys.controlplane.layers.iam.TrustPolicy;
import com.qualisys.controlplane.layers.support.Identity;
import com.qualisys.controlplane.spec.EksSpec;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The EKS layer's desired state, from the spec's eks section. Pure: no I/O.
 *
 * A node group's desired size is deliberately not an attribute: it is the size at creation only,
 * afterwards it belongs to the cluster autoscaler, so it is never drift.
 */
public final class EksResources {
    public static final String LAYER = "eks";
    /** The seed's K8s-Nodes-SG: nodes and the control plane's ENIs share it ("All from self"). */
    public static final String NODE_SECURITY_GROUP = "vpc/security-group/k8s-nodes";
    public static final String OIDC_AUDIENCE = "sts.amazonaws.com";
    /** IMDSv2 hop limit 2: containers on the node network still reach IMDS, SSRF through a proxy hop does not. */
    public static final int IMDS_HOP_LIMIT = 2;

    public static final ResourceKind CLUSTER = ResourceKind.of("eks-cluster", true,
            "roleArn", "subnetIds", "securityGroupIds", "secretsKey");
    public static final ResourceKind OIDC_PROVIDER = ResourceKind.of("oidc-provider", false, "issuerOf");
    public static final ResourceKind LAUNCH_TEMPLATE = ResourceKind.of("launch-template", false, "name");
    public static final ResourceKind NODE_GROUP = ResourceKind.of("node-group", false,
            "cluster", "nodegroupName", "nodeRole", "instanceTypes", "capacityType", "subnetIds");
    public static final ResourceKind ADDON = ResourceKind.of("eks-addon", false, "cluster", "addonName");

    private EksResources() {}

    public static String secretsKey() { return LAYER + "/kms-key/secrets"; }
    public static String cluster(EksSpec eks) { return LAYER + "/cluster/" + eks.clusterName(); }
    public static String oidcProvider(EksSpec eks) { return LAYER + "/oidc-provider/" + eks.clusterName(); }
    public static String nodeRole(EksSpec eks) { return LAYER + "/role/" + eks.nodeRole(); }
    public static String irsaRole(EksSpec.IrsaRole role) { return LAYER + "/role/" + role.roleName(); }
    public static String launchTemplate(String group) { return LAYER + "/launch-template/" + group; }
    public static String nodeGroup(String group) { return LAYER + "/node-group/" + group; }
    public static String addon(String name) { return LAYER + "/addon/" + name; }
    public static String clusterRole(EksSpec eks) { return "iam/role/" + eks.clusterRole(); }

    /** The subnets of the spec's node tier (private), as refs to the VPC layer, sorted. */
    public static List<String> nodeSubnets(EnvironmentSpec spec) {
        List<String> ids = new ArrayList<>();
        spec.vpc().subnets().forEach((key, subnet) -> {
            if (subnet.tier() == spec.eks().nodeSubnetTier()) ids.add("vpc/subnet/" + key);
        });
        ids.sort(null);
        return ids;
    }

    /** Logical ids of other layers this layer refers to. */
    public static List<String> foreignRefs(EnvironmentSpec spec) {
        List<String> ids = new ArrayList<>(nodeSubnets(spec));
        ids.add(NODE_SECURITY_GROUP);
        ids.add(clusterRole(spec.eks()));
        return ids;
    }

    public static List<DesiredResource> desired(EnvironmentSpec spec) {
        EksSpec eks = spec.eks();
        List<DesiredResource> out = new ArrayList<>();
        out.add(EncryptionKeys.desired(secretsKey(), eks.secretsKmsAlias(),
                "QUALISYS " + spec.environment() + ": encryption of Kubernetes secrets in " + eks.clusterName()));
        out.add(clusterResource(spec));
        out.add(oidcProviderResource(eks));
        for (String addon : eks.addons()) out.add(addonResource(eks, addon));
        out.add(role(spec, nodeRole(eks), TrustPolicy.service("ec2.amazonaws.com"),
                eks.nodeRolePolicies().stream().map(RoleKind::awsManagedPolicy).toList(), Map.of()));
        eks.nodeGroups().forEach((key, group) -> {
            out.add(launchTemplateResource(spec, key));
            out.add(nodeGroupResource(spec, key, group));
        });
        eks.irsaRoles().values().forEach(role -> out.add(role(spec, irsaRole(role),
                TrustPolicy.serviceAccount(ref(oidcProvider(eks)), role.namespace(), role.serviceAccount()), List.of(),
                role.json() == null ? Map.of() : Map.of(role.roleName(), PolicyDocument.parse(role.json())))));
        return out;
    }

    /** A role of this layer ({@link RoleKind}), named by its logical id's last segment. */
    private static DesiredResource role(EnvironmentSpec spec, String logicalId, Map<String, Object> trust, List<String> managedPolicies,
                                        Map<String, Map<String, Object>> inlinePolicies) {
        return RoleKind.desired(spec.environment(), logicalId, new RoleKind.Definition(Identity.name(logicalId), trust,
                RoleKind.DEFAULT_MAX_SESSION_SECONDS, "QUALISYS " + spec.environment() + " " + logicalId, managedPolicies, inlinePolicies));
    }

    static DesiredResource clusterResource(EnvironmentSpec spec) {
        EksSpec eks = spec.eks();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("version", eks.version());
        a.put("roleArn", ref(clusterRole(eks)));
        a.put("subnetIds", nodeSubnets(spec).stream().map(DesiredResource::ref).toList());
        a.put("securityGroupIds", List.of(ref(NODE_SECURITY_GROUP)));
        a.put("endpointPrivateAccess", eks.endpointPrivateAccess());
        a.put("endpointPublicAccess", eks.endpointPublicAccess());
        a.put("logTypes", eks.logTypes().stream().sorted().toList());
        a.put("secretsKey", ref(secretsKey()));
        return new DesiredResource(cluster(eks), CLUSTER, a);
    }

    static DesiredResource oidcProviderResource(EksSpec eks) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("issuerOf", ref(cluster(eks)));
        a.put("clientIds", List.of(OIDC_AUDIENCE));
        return new DesiredResource(oidcProvider(eks), OIDC_PROVIDER, a);
    }

    static DesiredResource addonResource(EksSpec eks, String name) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("cluster", ref(cluster(eks)));
        a.put("addonName", name);
        return new DesiredResource(addon(name), ADDON, a);
    }

    static DesiredResource launchTemplateResource(EnvironmentSpec spec, String group) {
        EksSpec eks = spec.eks();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("name", eks.clusterName() + "-" + group);
        a.put("httpTokens", eks.imdsv2Required() ? "required" : "optional");
        a.put("httpPutResponseHopLimit", IMDS_HOP_LIMIT);
        a.put("httpEndpoint", "enabled");
        a.put("securityGroupIds", List.of(ref(NODE_SECURITY_GROUP)));
        a.put(LaunchTemplateChanges.OTHER_SETTINGS, List.of());
        return new DesiredResource(launchTemplate(group), LAUNCH_TEMPLATE, a);
    }

    static DesiredResource nodeGroupResource(EnvironmentSpec spec, String key, EksSpec.NodeGroup group) {
        EksSpec eks = spec.eks();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("cluster", ref(cluster(eks)));
        a.put("nodegroupName", group.name());
        a.put("nodeRole", ref(nodeRole(eks)));
        a.put("instanceTypes", group.instanceTypes().stream().sorted().toList());
        a.put("capacityType", group.capacityType().name());
        a.put("subnetIds", nodeSubnets(spec).stream().map(DesiredResource::ref).toList());
        Map<String, Object> scaling = new TreeMap<>();
        scaling.put("minSize", group.minSize());
        scaling.put("maxSize", group.maxSize());
        a.put("scaling", scaling);
        a.put("labels", new TreeMap<>(group.labels()));
        a.put("taints", taints(group.taints()));
        Map<String, Object> template = new TreeMap<>();
        template.put("id", ref(launchTemplate(key)));
        template.put("version", NodeGroupChanges.DEFAULT_VERSION);
        a.put("launchTemplate", template);
        return new DesiredResource(nodeGroup(key), NODE_GROUP, a);
    }

    /** Taints as sorted "key=value:EFFECT" strings, the form observe reads them back in. */
    public static List<String> taints(List<EksSpec.Taint> taints) {
        return taints.stream().map(t -> taint(t.key(), t.value(), t.effect())).sorted().toList();
    }

    public static String taint(String key, String value, String effect) {
        return key + "=" + (value == null ? "" : value) + ":" + effect;
    }

    /** The spec's node group whose logical id this is. */
    public static Map.Entry<String, EksSpec.NodeGroup> nodeGroupOf(EksSpec eks, String logicalId) {
        return eks.nodeGroups().entrySet().stream().filter(e -> nodeGroup(e.getKey()).equals(logicalId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node group for " + logicalId));
    }
}
