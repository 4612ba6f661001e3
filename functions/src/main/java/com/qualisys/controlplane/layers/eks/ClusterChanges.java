package com.qualisys.controlplane.layers.eks;

import com.qualisys.controlplane.engine.ChangePendingException;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.layers.support.ForeignRefs;
import com.qualisys.controlplane.layers.support.Identity;
import com.qualisys.controlplane.layers.support.Versions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ClusterStatus;
import software.amazon.awssdk.services.eks.model.LogSetup;
import software.amazon.awssdk.services.eks.model.LogType;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;

/**
 * The EKS cluster. AWS accepts one update at a time (logging, endpoint access or version, each
 * its own call, and none while the cluster is UPDATING): apply makes the first one and leaves
 * the rest pending for the next apply.
 */
final class ClusterChanges {
    private ClusterChanges() {}

    static void create(LayerContext ctx, DesiredResource d) {
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

    static void update(LayerContext ctx, DesiredResource d, ObservedResource live, List<Difference> differences) {
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

    static void delete(LayerContext ctx, ObservedResource live) {
        try {
            ctx.aws().eks().deleteCluster(r -> r.name(live.physicalId()));
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
