package com.qualisys.controlplane.spec;

import java.util.List;
import java.util.Map;

public record EksSpec(
        String clusterName,
        String version,
        String clusterRole,
        boolean endpointPrivateAccess,
        boolean endpointPublicAccess,
        String secretsKmsAlias,
        List<String> logTypes,
        String logGroup,
        List<String> addons,
        String nodeRole,
        List<String> nodeRolePolicies,
        boolean imdsv2Required,
        VpcSpec.Tier nodeSubnetTier,
        Map<String, NodeGroup> nodeGroups,
        Map<String, IrsaRole> irsaRoles) {

    public enum CapacityType { ON_DEMAND, SPOT }

    public record Taint(String key, String value, String effect) {}

    /** desiredSize is the initial size only: afterwards it belongs to the cluster autoscaler. */
    public record NodeGroup(String name, List<String> instanceTypes, int minSize, int maxSize, int desiredSize,
                            CapacityType capacityType, Map<String, String> labels, List<Taint> taints) {}

    /**
     * An IRSA role for one Kubernetes service account. {@code document} is its permission policy,
     * a path relative to environments/, loaded into {@code json}.
     */
    public record IrsaRole(String roleName, String namespace, String serviceAccount, String document, String json) {}
}
