package com.qualisys.controlplane.events.security;

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
 * <p>Logical-id kinds assumed here (the layers must use the same): {@code monitoring/trail/<trail>},
 * {@code monitoring/trail-bucket/<bucket>}, {@code iam/role/<role>}, {@code iam/policy/<policy>},
 * {@code eks/role/<role>} (node and IRSA roles), {@code vpc/role/<role>} (flow-log delivery),
 * {@code rds/role/<role>} (enhanced monitoring), {@code eks/cluster/<cluster>},
 * {@code eks/node-group/<key>}, {@code rds/instance/<identifier>}, {@code rds/secret/<master|connection>},
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
            for (IamSpec.Role r : spec.iam().roles()) roles.put(r.name(), "iam/role/" + r.name());
            for (IamSpec.Policy p : spec.iam().policies()) policies.put(p.name(), "iam/policy/" + p.name());
        }
        if (spec.eks() != null) {
            roles.putIfAbsent(spec.eks().nodeRole(), "eks/role/" + spec.eks().nodeRole());
            if (spec.eks().irsaRoles() != null) {
                spec.eks().irsaRoles().values().forEach(r -> roles.putIfAbsent(r.roleName(), "eks/role/" + r.roleName()));
            }
        }
        if (spec.vpc() != null && spec.vpc().flowLogs() != null) {
            roles.putIfAbsent(spec.vpc().flowLogs().deliveryRole(), "vpc/role/" + spec.vpc().flowLogs().deliveryRole());
        }
        if (spec.rds() != null) {
            if (spec.rds().monitoringRole() != null) roles.putIfAbsent(spec.rds().monitoringRole(), "rds/role/" + spec.rds().monitoringRole());
            if (spec.rds().secrets() != null) {
                secrets.put(spec.rds().secrets().master(), "rds/secret/master");
                secrets.put(spec.rds().secrets().connection(), "rds/secret/connection");
            }
        }
    }

    public static String nodeGroup(String key) {
        return "eks/node-group/" + key;
    }

    public static String securityGroup(String key) {
        return "vpc/security-group/" + key;
    }

    /** The spec key of a security group logical id ({@code vpc/security-group/rds} → rds). */
    public static Optional<String> securityGroupKey(String logicalId) {
        String prefix = "vpc/security-group/";
        return logicalId != null && logicalId.startsWith(prefix) ? Optional.of(logicalId.substring(prefix.length())) : Optional.empty();
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
        return name.equals(trailName()) ? Optional.of("monitoring/trail/" + name) : Optional.empty();
    }

    public Optional<String> trailBucketLogicalId(String bucket) {
        return trailBucket().equals(bucket) ? Optional.of("monitoring/trail-bucket/" + bucket) : Optional.empty();
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
        return spec.eks() != null && spec.eks().clusterName().equals(name) ? Optional.of("eks/cluster/" + name) : Optional.empty();
    }

    public Optional<String> dbInstance(String identifier) {
        return spec.rds() != null && spec.rds().identifier().equalsIgnoreCase(String.valueOf(identifier))
                ? Optional.of("rds/instance/" + spec.rds().identifier()) : Optional.empty();
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
