package com.qualisys.controlplane.layers.eks;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.ChangePendingException;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.Readiness;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.support.ForeignRefs;
import com.qualisys.controlplane.layers.support.Identity;
import com.qualisys.controlplane.layers.support.Versions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ClusterStatus;
import software.amazon.awssdk.services.eks.model.LogSetup;
import software.amazon.awssdk.services.eks.model.LogType;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/**
 * The EKS cluster. AWS accepts one update at a time (logging, endpoint access or version, each
 * its own call, and none while the cluster is UPDATING): apply makes the first one and leaves
 * the rest pending for the next apply. Ready when ACTIVE.
 */
final class Clusters implements ManagedKind<Cluster> {
    /** Observed only (never desired, so never drift): the cluster's OIDC issuer, which its OIDC provider's URL is compared with. */
    static final String ISSUER = "issuer";

    @Override
    public ResourceKind kind() {
        return EksResources.CLUSTER;
    }

    @Override
    public AttributeDecisions decisions() {
        return EksDecisions.cluster();
    }

    /** The cluster has a fixed name: one DescribeCluster. */
    @Override
    public List<Cluster> list(LayerContext ctx) {
        return describe(ctx).stream().toList();
    }

    private static Optional<Cluster> describe(LayerContext ctx) {
        try {
            return Optional.of(ctx.aws().eks().describeCluster(r -> r.name(ctx.spec().eks().clusterName())).cluster());
        } catch (ResourceNotFoundException absent) {
            return Optional.empty();
        }
    }

    /** A cluster on its way out (a replace in progress) is gone already as far as the plan goes. */
    @Override
    public String logicalId(Cluster live, LayerContext ctx) {
        String logicalId = EksResources.cluster(ctx.spec().eks());
        return Identity.isOurs(live.tags(), ctx, logicalId) && live.status() != ClusterStatus.DELETING ? logicalId : null;
    }

    /** The cluster of the spec's name (unique in the account and region), unless its tags say it is another's. */
    @Override
    public Optional<Cluster> findUntagged(DesiredResource want, LayerContext ctx) {
        return describe(ctx).filter(c -> Identity.claimable(c.tags(), ctx, want.logicalId()) && c.status() != ClusterStatus.DELETING);
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        String arn = ctx.aws().eks().describeCluster(r -> r.name(physicalId)).cluster().arn();
        ctx.aws().eks().tagResource(r -> r.resourceArn(arn).tags(ctx.tags(logicalId, physicalId)));
    }

    @Override
    public String physicalId(Cluster live) {
        return live.name();
    }

    @Override
    public Map<String, Object> attributes(Cluster c, LayerContext ctx) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("version", c.version());
        a.put("roleArn", ForeignRefs.roleRef(ctx, c.roleArn()));
        a.put("subnetIds", refs(ctx, c.resourcesVpcConfig() == null ? List.of() : c.resourcesVpcConfig().subnetIds()));
        a.put("securityGroupIds", refs(ctx, c.resourcesVpcConfig() == null ? List.of() : c.resourcesVpcConfig().securityGroupIds()));
        a.put("endpointPrivateAccess", c.resourcesVpcConfig() == null ? null : c.resourcesVpcConfig().endpointPrivateAccess());
        a.put("endpointPublicAccess", c.resourcesVpcConfig() == null ? null : c.resourcesVpcConfig().endpointPublicAccess());
        a.put("logTypes", enabledLogTypes(c));
        a.put("secretsKey", c.encryptionConfig().stream().filter(e -> e.resources().contains("secrets") && e.provider() != null)
                .map(e -> ctx.index().refOrRaw(e.provider().keyArn())).findFirst().orElse(null));
        a.put("status", c.statusAsString());
        a.put(ISSUER, c.identity() == null || c.identity().oidc() == null ? null : c.identity().oidc().issuer());
        return a;
    }

    static List<String> refs(LayerContext ctx, List<String> physicalIds) {
        return physicalIds.stream().map(ctx.index()::refOrRaw).sorted().toList();
    }

    static List<String> enabledLogTypes(Cluster c) {
        List<String> types = new ArrayList<>();
        if (c.logging() != null) {
            for (LogSetup setup : c.logging().clusterLogging()) {
                if (Boolean.TRUE.equals(setup.enabled())) types.addAll(setup.typesAsStrings());
            }
        }
        return types.stream().distinct().sorted().toList();
    }

    @Override
    public Readiness readiness(ObservedResource live) {
        return Readiness.ofStatus(live, Set.of("ACTIVE"), Set.of("FAILED"));
    }

    @Override
    public void create(DesiredResource d, LayerContext ctx) {
        String name = ctx.spec().eks().clusterName();
        List<String> subnets = d.strings("subnetIds").stream().map(ctx::resolve).toList();
        List<String> groups = d.strings("securityGroupIds").stream().map(ctx::resolve).toList();
        String keyArn = ctx.resolve(d.attribute("secretsKey"));
        try {
            createCluster(ctx, d, name, subnets, groups, keyArn);
        } catch (ResourceInUseException e) {
            Cluster existing = ctx.aws().eks().describeCluster(r -> r.name(name)).cluster();
            if (existing.status() != ClusterStatus.DELETING) throw e;
            throw new ChangePendingException(d.logicalId() + " waits until the cluster it replaces is deleted");
        }
        ctx.index().put(d.logicalId(), name);
    }

    private static void createCluster(LayerContext ctx, DesiredResource d, String name, List<String> subnets, List<String> groups,
                                      String keyArn) {
        ctx.aws().eks().createCluster(r -> r.name(name)
                .version(d.string("version"))
                .roleArn(ForeignRefs.roleArn(ctx, d.attribute("roleArn")))
                .resourcesVpcConfig(v -> v.subnetIds(subnets).securityGroupIds(groups)
                        .endpointPrivateAccess((Boolean) d.attribute("endpointPrivateAccess"))
                        .endpointPublicAccess((Boolean) d.attribute("endpointPublicAccess")))
                .logging(l -> l.clusterLogging(logging(d.strings("logTypes"))))
                .encryptionConfig(e -> e.resources("secrets").provider(p -> p.keyArn(keyArn)))
                .tags(ctx.tags(d.logicalId(), name))
                .clientRequestToken(Identity.clientToken(ctx, d)));
    }

    @Override
    public void update(DesiredResource d, ObservedResource live, List<Difference> differences, LayerContext ctx) {
        String name = live.physicalId();
        Object status = live.attributes().get("status");
        if (!ClusterStatus.ACTIVE.toString().equals(status)) {
            throw new ChangePendingException(d.logicalId() + " is " + status + "; it can be updated once ACTIVE");
        }
        Set<String> updates = new LinkedHashSet<>();
        for (Difference diff : differences) {
            updates.add(diff.path().startsWith("endpoint") ? "endpointAccess" : diff.path());
        }
        List<String> todo = new ArrayList<>(updates);
        String first = todo.remove(0);
        switch (first) {
            case "logTypes" -> ctx.aws().eks().updateClusterConfig(r -> r.name(name)
                    .logging(l -> l.clusterLogging(logging(d.strings("logTypes")))));
            case "endpointAccess" -> ctx.aws().eks().updateClusterConfig(r -> r.name(name)
                    .resourcesVpcConfig(v -> v.endpointPrivateAccess((Boolean) d.attribute("endpointPrivateAccess"))
                            .endpointPublicAccess((Boolean) d.attribute("endpointPublicAccess"))));
            case "version" -> {
                String next = nextVersion(d.string("version"), String.valueOf(live.attributes().get("version")));
                ctx.aws().eks().updateClusterVersion(r -> r.name(name).version(next));
                if (!next.equals(d.string("version"))) todo.add(0, "version (now " + next + ", on to " + d.string("version") + ")");
            }
            default -> throw new IllegalStateException("cluster attribute " + first + " cannot be updated in place");
        }
        if (!todo.isEmpty()) {
            throw new ChangePendingException(d.logicalId() + " is updating (" + first + "); next: " + String.join(", ", todo));
        }
    }

    /** EKS upgrades one minor version at a time and never downgrades. */
    static String nextVersion(String desired, String live) {
        if (Versions.compare(desired, live) < 0) {
            throw new IllegalStateException("eks.version " + desired + " is older than the cluster's " + live
                    + ": EKS cannot downgrade a cluster; set eks.version to " + live + " or newer");
        }
        String[] parts = live.split("\\.");
        String oneUp = parts[0] + "." + (Integer.parseInt(parts[1]) + 1);
        return Versions.compare(desired, oneUp) <= 0 ? desired : oneUp;
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        try {
            ctx.aws().eks().deleteCluster(r -> r.name(physicalId));
        } catch (ResourceInUseException stillHasNodeGroups) {
            throw new ChangePendingException(live.logicalId() + " still has node groups or add-ons being deleted");
        }
    }

    /** The cluster, which must be ACTIVE for what is created inside it. */
    static Cluster requireActive(LayerContext ctx, String forWhat) {
        String name = ctx.spec().eks().clusterName();
        Cluster c = ctx.aws().eks().describeCluster(r -> r.name(name)).cluster();
        if (c.status() != ClusterStatus.ACTIVE) {
            throw new ChangePendingException(forWhat + " needs cluster " + name + " ACTIVE; it is " + c.statusAsString());
        }
        return c;
    }

    /** Enables the wanted log types and disables every other, so a type switched on out of band is switched off. */
    private static List<LogSetup> logging(List<String> enabled) {
        List<String> disabled = LogType.knownValues().stream().map(LogType::toString).filter(t -> !enabled.contains(t)).sorted().toList();
        List<LogSetup> setups = new ArrayList<>();
        setups.add(LogSetup.builder().typesWithStrings(enabled).enabled(true).build());
        if (!disabled.isEmpty()) setups.add(LogSetup.builder().typesWithStrings(disabled).enabled(false).build());
        return setups;
    }
}
