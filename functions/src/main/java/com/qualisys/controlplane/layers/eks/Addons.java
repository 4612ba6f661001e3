package com.qualisys.controlplane.layers.eks;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.PreflightException;
import com.qualisys.controlplane.engine.Readiness;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.support.Identity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Addon;
import software.amazon.awssdk.services.eks.model.AddonInfo;
import software.amazon.awssdk.services.eks.model.AddonStatus;
import software.amazon.awssdk.services.eks.model.AddonVersionInfo;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.Compatibility;
import software.amazon.awssdk.services.eks.model.ResolveConflicts;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/**
 * EKS managed add-ons (vpc-cni, kube-proxy, coredns), installed at the version EKS names as the
 * default for the cluster's Kubernetes version. The add-on version is then EKS's to manage: it
 * is not part of the desired state; the add-on has no in-place updates. Ready when ACTIVE (or DEGRADED).
 */
final class Addons implements ManagedKind<Addon> {

    @Override
    public ResourceKind kind() {
        return EksResources.ADDON;
    }

    @Override
    public AttributeDecisions decisions() {
        return EksDecisions.addon();
    }

    /** One ListAddons of the cluster, one DescribeAddon each (EKS has no batch describe); none while the cluster is not there (found before). */
    @Override
    public List<Addon> list(LayerContext ctx) {
        EksClient eks = ctx.aws().eks();
        String cluster = ctx.spec().eks().clusterName();
        if (ctx.index().known(EksResources.cluster(ctx.spec().eks())).isEmpty()) return List.of();
        try {
            return eks.listAddonsPaginator(r -> r.clusterName(cluster)).addons().stream()
                    .map(name -> eks.describeAddon(r -> r.clusterName(cluster).addonName(name)).addon()).toList();
        } catch (ResourceNotFoundException noCluster) {
            return List.of();
        }
    }

    @Override
    public String logicalId(Addon live, LayerContext ctx) {
        String id = Identity.logicalId(live.tags(), ctx.environment());
        boolean ours = id != null && id.startsWith(EksResources.LAYER + "/addon/") && live.status() != AddonStatus.DELETING;
        return ours ? id : null;
    }

    /** The add-on of the wanted name in the cluster (one per name), unless its tags say it is another's. */
    @Override
    public Optional<Addon> findUntagged(DesiredResource want, LayerContext ctx) {
        if (ctx.index().known(EksResources.cluster(ctx.spec().eks())).isEmpty()) return Optional.empty();
        try {
            Addon addon = ctx.aws().eks().describeAddon(r -> r.clusterName(ctx.spec().eks().clusterName()).addonName(want.string("addonName")))
                    .addon();
            return Identity.claimable(addon.tags(), ctx, want.logicalId()) && addon.status() != AddonStatus.DELETING ? Optional.of(addon) : Optional.empty();
        } catch (ResourceNotFoundException absent) {
            return Optional.empty();
        }
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        String arn = ctx.aws().eks().describeAddon(r -> r.clusterName(ctx.spec().eks().clusterName()).addonName(physicalId)).addon().addonArn();
        ctx.aws().eks().tagResource(r -> r.resourceArn(arn).tags(ctx.tags(logicalId, null)));
    }

    @Override
    public String physicalId(Addon live) {
        return live.addonName();
    }

    @Override
    public Map<String, Object> attributes(Addon addon, LayerContext ctx) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("cluster", ctx.index().refOrRaw(addon.clusterName()));
        a.put("addonName", addon.addonName());
        a.put("addonVersion", addon.addonVersion());
        a.put("status", addon.statusAsString());
        return a;
    }

    /** An add-on may stay DEGRADED until nodes join; it exists and EKS manages it from here. */
    @Override
    public Readiness readiness(ObservedResource live) {
        return Readiness.ofStatus(live, Set.of("ACTIVE", "DEGRADED"), Set.of("CREATE_FAILED"));
    }

    @Override
    public void create(DesiredResource d, LayerContext ctx) {
        Cluster cluster = Clusters.requireActive(ctx, d.logicalId());
        String name = d.string("addonName");
        String version = defaultVersion(ctx, name, cluster.version());
        ctx.aws().eks().createAddon(r -> r.clusterName(cluster.name()).addonName(name).addonVersion(version)
                .resolveConflicts(ResolveConflicts.OVERWRITE)
                .tags(ctx.tags(d.logicalId(), null))
                .clientRequestToken(Identity.clientToken(ctx, d)));
        ctx.index().put(d.logicalId(), name);
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        ctx.aws().eks().deleteAddon(r -> r.clusterName(ctx.spec().eks().clusterName()).addonName(physicalId));
    }

    /** The version EKS marks default for this Kubernetes version; the newest compatible one otherwise. */
    static String defaultVersion(LayerContext ctx, String addon, String kubernetesVersion) {
        String newest = null;
        for (AddonInfo info : ctx.aws().eks().describeAddonVersionsPaginator(r -> r.addonName(addon).kubernetesVersion(kubernetesVersion)).addons()) {
            for (AddonVersionInfo v : info.addonVersions()) {
                for (Compatibility c : v.compatibilities()) {
                    if (!kubernetesVersion.equals(c.clusterVersion())) continue;
                    if (Boolean.TRUE.equals(c.defaultVersion())) return v.addonVersion();
                    if (newest == null) newest = v.addonVersion();
                }
            }
        }
        if (newest == null) {
            throw new PreflightException("EKS offers no version of add-on " + addon + " for Kubernetes " + kubernetesVersion);
        }
        return newest;
    }
}
