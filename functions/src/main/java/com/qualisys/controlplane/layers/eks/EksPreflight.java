package com.qualisys.controlplane.layers.eks;

import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.PreflightException;
import com.qualisys.controlplane.layers.support.Versions;
import com.qualisys.controlplane.spec.EksSpec;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.eks.model.AddonInfo;
import software.amazon.awssdk.services.eks.model.AddonVersionInfo;
import software.amazon.awssdk.services.eks.model.ClusterVersionInformation;
import software.amazon.awssdk.services.eks.model.Compatibility;
import software.amazon.awssdk.services.eks.model.EksException;
import software.amazon.awssdk.services.eks.model.VersionStatus;

/**
 * Before any mutating call: the spec's Kubernetes version must be one EKS still offers
 * (DescribeClusterVersions; where that operation is unavailable, the cluster versions the
 * add-ons are published for), and every add-on must have a version for it. The seed's 1.29 is
 * kept as the baseline; once AWS stops offering it this stops the run and names the nearest
 * version AWS does offer.
 */
final class EksPreflight {
    private EksPreflight() {}

    static void check(LayerContext ctx) {
        EksSpec eks = ctx.spec().eks();
        Offered offered = offeredVersions(ctx, eks);
        if (!offered.versions().contains(eks.version())) {
            String nearest = Versions.nearest(eks.version(), offered.versions()).orElse("none");
            throw new PreflightException("eks.version " + eks.version() + ": Amazon EKS in " + ctx.aws().region()
                    + " no longer offers Kubernetes " + eks.version() + " (" + offered.source() + "); the nearest version it offers is "
                    + nearest + " (offered: " + String.join(", ", Versions.sorted(offered.versions()))
                    + "). Set eks.version in environments/ to a version AWS offers; nothing was changed.");
        }
        for (String addon : eks.addons()) Addons.defaultVersion(ctx, addon, eks.version());
    }

    record Offered(List<String> versions, String source) {}

    static Offered offeredVersions(LayerContext ctx, EksSpec eks) {
        try {
            List<String> versions = new ArrayList<>();
            for (ClusterVersionInformation v : ctx.aws().eks().describeClusterVersionsPaginator(r -> {}).clusterVersions()) {
                if (v.versionStatus() != VersionStatus.UNSUPPORTED) versions.add(v.clusterVersion());
            }
            return new Offered(versions, "DescribeClusterVersions");
        } catch (EksException e) {
            if (e.statusCode() != 404 && e.statusCode() != 501) throw e;
        }
        // Older endpoints lack DescribeClusterVersions: the versions the first add-on is published for.
        List<String> versions = new ArrayList<>();
        String addon = eks.addons().get(0);
        for (AddonInfo info : ctx.aws().eks().describeAddonVersionsPaginator(r -> r.addonName(addon)).addons()) {
            for (AddonVersionInfo v : info.addonVersions()) {
                for (Compatibility c : v.compatibilities()) if (!versions.contains(c.clusterVersion())) versions.add(c.clusterVersion());
            }
        }
        return new Offered(versions, "DescribeAddonVersions for " + addon);
    }
}
