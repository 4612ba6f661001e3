package com.qualisys.controlplane.layers.eks;

import com.qualisys.controlplane.engine.KindsLayer;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.Readiness;
import com.qualisys.controlplane.iam.RoleKind;
import com.qualisys.controlplane.layers.support.EncryptionKeys;
import com.qualisys.controlplane.layers.support.ForeignRefs;
import java.util.List;
import java.util.Map;

/**
 * The seed's Kubernetes cluster: secrets KMS key, the qualisys-eks cluster, its OIDC provider,
 * add-ons, the node role, launch templates (IMDSv2), the general and playwright-pool node
 * groups, and the IRSA roles of cluster-autoscaler and the ALB controller.
 *
 * <p>A list of kinds in the order their attributes need each other: a launch template's default
 * version before the node groups that run it, the cluster's OIDC issuer before its provider.
 */
public final class EksLayer extends KindsLayer {
    public EksLayer() {
        super(EksResources.LAYER, EksResources::desired, List.of(
                new EncryptionKeys(EksResources.LAYER, spec -> Map.of(EksResources.secretsKey(), spec.eks().secretsKmsAlias())),
                new LaunchTemplates(), new Clusters(), new OidcProviders(),
                new RoleKind(EksResources.LAYER + "/role/", EksResources::desired),
                new NodeGroups(), new Addons()));
    }

    /** The ids of the other layers' resources this layer refers to, known before its attributes turn ids into refs. */
    @Override
    protected void beforeReading(LayerContext ctx) {
        // Our own ids are found here; an absent one must not make the index observe this layer again.
        ctx.index().markObserved(EksResources.LAYER);
        ForeignRefs.ensure(ctx, EksResources.foreignRefs(ctx.spec()), Map.of());
    }

    @Override
    public void preflight(LayerContext ctx) {
        EksPreflight.check(ctx);
    }

    /** Cluster ACTIVE, node groups ACTIVE, add-ons installed, and nothing left for a later apply. */
    @Override
    public Readiness readiness(LayerContext ctx) {
        return kindsReadiness(ctx);
    }
}
