package com.qualisys.controlplane.layers.eks;

import com.qualisys.controlplane.engine.ChangePendingException;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Differ;
import com.qualisys.controlplane.engine.Difference;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.layers.support.ForeignRefs;
import com.qualisys.controlplane.layers.support.Identity;
import com.qualisys.controlplane.spec.EksSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Nodegroup;
import software.amazon.awssdk.services.eks.model.NodegroupStatus;
import software.amazon.awssdk.services.eks.model.ResourceInUseException;
import software.amazon.awssdk.services.eks.model.Taint;
import software.amazon.awssdk.services.eks.model.UpdateLabelsPayload;
import software.amazon.awssdk.services.eks.model.UpdateTaintsPayload;

/**
 * Managed node groups. Scaling bounds, labels and taints are updated in place; the desired size
 * is set at creation and then left to the cluster autoscaler (an update only moves it when the
 * new bounds would exclude it). The launch template version is "$Default": the node group runs
 * its template's default version.
 */
final class NodeGroupChanges {
    static final String DEFAULT_VERSION = "$Default";

    private NodeGroupChanges() {}

    static void create(LayerContext ctx, DesiredResource d) {
        ClusterChanges.requireActive(ctx, d.logicalId());
        EksSpec.NodeGroup group = EksResources.nodeGroupOf(ctx.spec().eks(), d.logicalId()).getValue();
        String templateId = ctx.resolve(template(d).get("id"));
        String version = LaunchTemplateChanges.defaultVersion(ctx, templateId);
        List<String> subnets = d.strings("subnetIds").stream().map(ctx::resolve).toList();
        try {
            createNodegroup(ctx, d, group, templateId, version, subnets);
        } catch (ResourceInUseException e) {
            Nodegroup existing = ctx.aws().eks().describeNodegroup(r -> r.clusterName(ctx.spec().eks().clusterName())
                    .nodegroupName(group.name())).nodegroup();
            if (existing.status() != NodegroupStatus.DELETING) throw e;
            throw new ChangePendingException(d.logicalId() + " waits until the node group it replaces is deleted");
        }
        ctx.index().put(d.logicalId(), group.name());
    }

    private static void createNodegroup(LayerContext ctx, DesiredResource d, EksSpec.NodeGroup group, String templateId,
                                        String version, List<String> subnets) {
        ctx.aws().eks().createNodegroup(r -> r.clusterName(ctx.spec().eks().clusterName())
                .nodegroupName(group.name())
                .nodeRole(ForeignRefs.roleArn(ctx, d.attribute("nodeRole")))
                .subnets(subnets)
                .instanceTypes(d.strings("instanceTypes"))
                .capacityType(d.string("capacityType"))
                .scalingConfig(s -> s.minSize(group.minSize()).maxSize(group.maxSize()).desiredSize(group.desiredSize()))
                .labels(d.stringMap("labels"))
                .taints(taints(d.strings("taints")))
                .launchTemplate(t -> t.id(templateId).version(version))
                .tags(ctx.tags(d.logicalId(), group.name()))
                .clientRequestToken(Identity.clientToken(ctx, d)));
    }

    static void update(LayerContext ctx, DesiredResource d, ObservedResource live, List<Difference> differences) {
        requireActive(live);
        try {
            updateActive(ctx, d, live, differences);
        } catch (ResourceInUseException busy) {
            // Observed ACTIVE, but an update started since (this run's template roll, or someone else's): EKS takes
            // one node group update at a time, so this one waits for a later apply.
            throw new ChangePendingException(d.logicalId() + " is busy with another update; it is updated once ACTIVE again");
        }
    }

    private static void updateActive(LayerContext ctx, DesiredResource d, ObservedResource live, List<Difference> differences) {
        boolean config = differences.stream().anyMatch(x -> x.path().startsWith("scaling") || x.path().startsWith("labels")
                || x.path().equals("taints"));
        boolean version = differences.stream().anyMatch(x -> x.path().startsWith("launchTemplate"));
        if (config) updateConfig(ctx, d, live);
        if (version) {
            if (config) throw new ChangePendingException(d.logicalId() + " is updating its configuration; launch template version next");
            String templateId = ctx.resolve(template(d).get("id"));
            String target = LaunchTemplateChanges.defaultVersion(ctx, templateId);
            // Repairing the template may already have rolled this node group onto the default version.
            if (!target.equals(String.valueOf(live.attributes().get("launchTemplateVersionNumber")))
                    && !target.equals(currentVersion(ctx, live.physicalId()))) {
                updateVersion(ctx, live.physicalId(), templateId, target);
            }
        }
    }

    private static void updateConfig(LayerContext ctx, DesiredResource d, ObservedResource live) {
        Map<String, Object> want = map(d.attribute("scaling"));
        Map<String, Object> have = map(live.attributes().get("scaling"));
        int min = ((Number) want.get("minSize")).intValue();
        int max = ((Number) want.get("maxSize")).intValue();
        Object liveDesired = live.attributes().get("desiredSize");
        Integer desired = liveDesired == null ? null : Math.max(min, Math.min(max, ((Number) liveDesired).intValue()));
        boolean moveDesired = desired != null && !desired.equals(((Number) liveDesired).intValue());
        boolean scaling = !Differ.sameValue(want, have) || moveDesired;

        Map<String, String> labels = d.stringMap("labels");
        Map<String, Object> liveLabels = map(live.attributes().get("labels"));
        Map<String, String> addLabels = new TreeMap<>();
        labels.forEach((k, v) -> { if (!v.equals(liveLabels.get(k))) addLabels.put(k, v); });

        List<String> wantTaints = d.strings("taints");
        @SuppressWarnings("unchecked")
        List<String> haveTaints = (List<String>) live.attributes().getOrDefault("taints", List.of());
        List<String> add = wantTaints.stream().filter(t -> !haveTaints.contains(t)).toList();
        List<String> remove = haveTaints.stream().filter(t -> !wantTaints.contains(t)
                && add.stream().noneMatch(a -> sameKeyAndEffect(a, t))).toList();

        ctx.aws().eks().updateNodegroupConfig(r -> {
            r.clusterName(ctx.spec().eks().clusterName()).nodegroupName(live.physicalId());
            if (scaling) r.scalingConfig(s -> s.minSize(min).maxSize(max).desiredSize(moveDesired ? desired : null));
            if (!addLabels.isEmpty()) r.labels(UpdateLabelsPayload.builder().addOrUpdateLabels(addLabels).build());
            if (!add.isEmpty() || !remove.isEmpty()) {
                r.taints(UpdateTaintsPayload.builder().addOrUpdateTaints(taints(add)).removeTaints(taints(remove)).build());
            }
        });
    }

    /** After a template's default version changed: node groups of the cluster on that template follow it. */
    static void rollTemplate(LayerContext ctx, String templateId, String version) {
        EksClient eks = ctx.aws().eks();
        String cluster = ctx.spec().eks().clusterName();
        if (ctx.index().physicalId(EksResources.cluster(ctx.spec().eks())).isEmpty()) return;
        List<String> busy = new ArrayList<>();
        for (String name : eks.listNodegroupsPaginator(r -> r.clusterName(cluster)).nodegroups()) {
            Nodegroup ng = eks.describeNodegroup(r -> r.clusterName(cluster).nodegroupName(name)).nodegroup();
            if (ng.launchTemplate() == null || !templateId.equals(ng.launchTemplate().id())) continue;
            if (version.equals(ng.launchTemplate().version())) continue;
            if (ng.status() != NodegroupStatus.ACTIVE) {
                busy.add(name + " (" + ng.statusAsString() + ")");
                continue;
            }
            try {
                updateVersion(ctx, name, templateId, version);
            } catch (ResourceInUseException startedMeanwhile) {
                busy.add(name + " (another update in progress)");
            }
        }
        if (!busy.isEmpty()) {
            throw new ChangePendingException("launch template " + templateId + " version " + version
                    + " is the default; node groups to roll once ACTIVE: " + String.join(", ", busy));
        }
    }

    private static void updateVersion(LayerContext ctx, String nodegroup, String templateId, String version) {
        ctx.aws().eks().updateNodegroupVersion(r -> r.clusterName(ctx.spec().eks().clusterName()).nodegroupName(nodegroup)
                .launchTemplate(t -> t.id(templateId).version(version)));
    }

    private static String currentVersion(LayerContext ctx, String nodegroup) {
        Nodegroup ng = ctx.aws().eks().describeNodegroup(r -> r.clusterName(ctx.spec().eks().clusterName())
                .nodegroupName(nodegroup)).nodegroup();
        return ng.launchTemplate() == null ? null : ng.launchTemplate().version();
    }

    static void delete(LayerContext ctx, ObservedResource live) {
        ctx.aws().eks().deleteNodegroup(r -> r.clusterName(ctx.spec().eks().clusterName()).nodegroupName(live.physicalId()));
    }

    private static void requireActive(ObservedResource live) {
        Object status = live.attributes().get("status");
        if (!NodegroupStatus.ACTIVE.toString().equals(status)) {
            throw new ChangePendingException(live.logicalId() + " is " + status + "; it can be updated once ACTIVE");
        }
    }

    private static boolean sameKeyAndEffect(String a, String b) {
        Taint x = taint(a);
        Taint y = taint(b);
        return x.key().equals(y.key()) && x.effectAsString().equals(y.effectAsString());
    }

    static List<Taint> taints(List<String> encoded) {
        return encoded.stream().map(NodeGroupChanges::taint).toList();
    }

    /** "key=value:EFFECT" back to a Taint. */
    static Taint taint(String encoded) {
        int eq = encoded.indexOf('=');
        int colon = encoded.lastIndexOf(':');
        String value = encoded.substring(eq + 1, colon);
        return Taint.builder().key(encoded.substring(0, eq)).value(value.isEmpty() ? null : value)
                .effect(encoded.substring(colon + 1)).build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> template(DesiredResource d) {
        return (Map<String, Object>) d.attribute("launchTemplate");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o == null ? Map.of() : (Map<String, Object>) o;
    }
}
