package com.qualisys.controlplane.events.security;

import com.qualisys.controlplane.layers.eks.EksResources;
import com.qualisys.controlplane.layers.iam.IamDesired;
import com.qualisys.controlplane.layers.monitoring.MonitoringDesired;
import com.qualisys.controlplane.layers.rds.RdsResources;
import com.qualisys.controlplane.layers.vpc.VpcIds;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import com.qualisys.controlplane.spec.IamSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The managed resources that CloudTrail events name by their (fixed) names, with their logical ids
 * ({@code <layer>/<kind>/<name>}); resources named by generated ids (security groups, NACLs, route
 * tables, flow logs, KMS keys) come from the {@link ResourceResolver} instead.
 *
 * <p>The ids are the layers' own (their id helpers where they have them), and
 * ManagedResourcesAlignmentTest checks that every id named here is in some layer's desired state:
 * {@code monitoring/trail/<trail>}, {@code monitoring/bucket/<bucket>}, {@code iam/role/<role>},
 * {@code iam/policy/<policy>}, {@code eks/role/<role>} (node and IRSA roles), {@code vpc/iam-role/flow-logs}
 * (flow-log delivery), {@code rds/role/<role>} (enhanced monitoring), {@code eks/cluster/<cluster>},
 * {@code eks/node-group/<key>}, {@code rds/db-instance/<identifier>}, {@code rds/secret/<master|connection>},
 * {@code vpc/security-group/<key>}.
 */
public final class ManagedResources {
    private final EnvironmentSpec spec;
    private final Map<String, String> roles = new LinkedHashMap<>();
    private final Map<String, String> policies = new LinkedHashMap<>();
    private final Map<String, String> secrets = new LinkedHashMap<>();

    public ManagedResources(EnvironmentSpec spec) {
        this.spec = spec;
        if (spec.iam() != null) {
            for (IamSpec.Role r : spec.iam().roles()) roles.put(r.name(), IamDesired.roleId(r.name()));
            for (IamSpec.Policy p : spec.iam().policies()) policies.put(p.name(), IamDesired.policyId(p.name()));
        }
        if (spec.eks() != null) {
            roles.putIfAbsent(spec.eks().nodeRole(), EksResources.nodeRole(spec.eks()));
            if (spec.eks().irsaRoles() != null) {
                spec.eks().irsaRoles().values().forEach(r -> roles.putIfAbsent(r.roleName(), EksResources.irsaRole(r)));
            }
        }
        if (spec.vpc() != null && spec.vpc().flowLogs() != null) {
            roles.putIfAbsent(spec.vpc().flowLogs().deliveryRole(), VpcIds.FLOW_LOG_ROLE);
        }
        if (spec.rds() != null) {
            if (spec.rds().monitoringRole() != null) roles.putIfAbsent(spec.rds().monitoringRole(), RdsResources.monitoringRole(spec.rds()));
            if (spec.rds().secrets() != null) {
                secrets.put(spec.rds().secrets().master(), RdsResources.MASTER_SECRET);
                secrets.put(spec.rds().secrets().connection(), RdsResources.CONNECTION_SECRET);
            }
        }
    }

    public static String nodeGroup(String key) {
        return EksResources.nodeGroup(key);
    }

    public static String securityGroup(String key) {
        return VpcIds.securityGroup(key);
    }

    /** The spec key of a security group logical id ({@code vpc/security-group/rds} → rds). */
    public static Optional<String> securityGroupKey(String logicalId) {
        String prefix = "vpc/security-group/";
        return logicalId != null && logicalId.startsWith(prefix) ? Optional.of(logicalId.substring(prefix.length())) : Optional.empty();
    }

    /**
     * Every logical id this class can name for the spec's resources (the classifier's and the budget
     * ladder's); each must be a resource some layer's desired state has (ManagedResourcesAlignmentTest).
     */
    public java.util.Set<String> allLogicalIds() {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        ids.addAll(roles.values());
        ids.addAll(policies.values());
        ids.addAll(secrets.values());
        trail(trailName()).ifPresent(ids::add);
        trailBucketLogicalId(trailBucket()).ifPresent(ids::add);
        if (spec.eks() != null) {
            cluster(spec.eks().clusterName()).ifPresent(ids::add);
            if (spec.eks().nodeGroups() != null) spec.eks().nodeGroups().keySet().forEach(k -> ids.add(nodeGroup(k)));
        }
        if (spec.rds() != null) dbInstance(spec.rds().identifier()).ifPresent(ids::add);
        if (spec.vpc() != null) spec.vpc().securityGroups().keySet().forEach(k -> ids.add(securityGroup(k)));
        return ids;
    }

    public Map<String, String> roleNames() {
        return Map.copyOf(roles);
    }

    public Map<String, String> policyNames() {
        return Map.copyOf(policies);
    }

    public Map<String, String> secretNames() {
        return Map.copyOf(secrets);
    }

    public String trailName() {
        return spec.monitoring().cloudTrail().trailName();
    }

    public String trailBucket() {
        return spec.monitoring().cloudTrail().bucket();
    }

    /** A trail named by name or ARN (arn:aws:cloudtrail:region:account:trail/name). */
    public Optional<String> trail(String nameOrArn) {
        if (nameOrArn == null) return Optional.empty();
        String name = nameOrArn.startsWith("arn:") ? nameOrArn.substring(nameOrArn.lastIndexOf('/') + 1) : nameOrArn;
        return name.equals(trailName()) ? Optional.of(MonitoringDesired.trailId(name)) : Optional.empty();
    }

    public Optional<String> trailBucketLogicalId(String bucket) {
        return trailBucket().equals(bucket) ? Optional.of(MonitoringDesired.bucketId(bucket)) : Optional.empty();
    }

    public Optional<String> role(String roleName) {
        return Optional.ofNullable(roleName == null ? null : roles.get(roleName));
    }

    /** A customer-managed policy by ARN (arn:aws:iam::123456789012:policy/path/Name). */
    public Optional<String> policyByArn(String policyArn) {
        if (policyArn == null || !policyArn.contains(":policy/")) return Optional.empty();
        return Optional.ofNullable(policies.get(policyArn.substring(policyArn.lastIndexOf('/') + 1)));
    }

    public Optional<String> cluster(String name) {
        return spec.eks() != null && spec.eks().clusterName().equals(name) ? Optional.of(EksResources.cluster(spec.eks())) : Optional.empty();
    }

    public Optional<String> dbInstance(String identifier) {
        return spec.rds() != null && spec.rds().identifier().equalsIgnoreCase(String.valueOf(identifier))
                ? Optional.of(RdsResources.instance(spec.rds())) : Optional.empty();
    }

    /** A secret by name or ARN (arn:aws:secretsmanager:…:secret:name-AbCdEf: six random characters). */
    public Optional<String> secret(String nameOrArn) {
        if (nameOrArn == null) return Optional.empty();
        String name = nameOrArn;
        if (nameOrArn.startsWith("arn:")) {
            int at = nameOrArn.indexOf(":secret:");
            if (at < 0) return Optional.empty();
            name = nameOrArn.substring(at + ":secret:".length());
            if (name.matches(".+-[A-Za-z0-9]{6}")) name = name.substring(0, name.length() - 7);
        }
        return Optional.ofNullable(secrets.get(name));
    }
}
