package com.qualisys.controlplane.layers.eks;

import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.PreflightException;
import com.qualisys.controlplane.layers.support.Identity;
import software.amazon.awssdk.services.eks.model.AddonInfo;
import software.amazon.awssdk.services.eks.model.AddonVersionInfo;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.Compatibility;
import software.amazon.awssdk.services.eks.model.ResolveConflicts;

/**
 * EKS managed add-ons (vpc-cni, kube-proxy, coredns), installed at the version EKS names as the
 * default for the cluster's Kubernetes version. The add-on version is then EKS's to manage: it
 * is not part of the desired state.
 */
final class AddonChanges {
    private AddonChanges() {}

    static void create(LayerContext ctx, DesiredResource d) {
        Cluster cluster = ClusterChanges.requireActive(ctx, d.logicalId());
        String name = d.string("addonName");
        String version = defaultVersion(ctx, name, cluster.version());
        ctx.aws().eks().createAddon(r -> r.clusterName(cluster.name()).addonName(name).addonVersion(version)
                .resolveConflicts(ResolveConflicts.OVERWRITE)
                .tags(ctx.tags(d.logicalId(), null))
                .clientRequestToken(Identity.clientToken(ctx, d)));
        ctx.index().put(d.logicalId(), name);
    }

    static void delete(LayerContext ctx, ObservedResource live) {
        ctx.aws().eks().deleteAddon(r -> r.clusterName(ctx.spec().eks().clusterName()).addonName(live.physicalId()));
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
