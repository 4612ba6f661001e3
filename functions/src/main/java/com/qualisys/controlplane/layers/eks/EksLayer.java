package com.qualisys.controlplane.layers.eks;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.Readiness;
import com.qualisys.controlplane.layers.support.EncryptionKeys;
import com.qualisys.controlplane.layers.support.ReadinessCheck;
import com.qualisys.controlplane.layers.support.ReadinessCheck.Statuses;
import com.qualisys.controlplane.iam.RoleKind;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The seed's Kubernetes cluster: secrets KMS key, the qualisys-eks cluster, its OIDC provider,
 * add-ons, the node role, launch templates (IMDSv2), the general and playwright-pool node
 * groups, and the IRSA roles of cluster-autoscaler and the ALB controller.
 */
public final class EksLayer implements Layer {
    private static final Map<String, Statuses> STATUSES = Map.of(
            EksResources.CLUSTER.name(), new Statuses(Set.of("ACTIVE"), Set.of("FAILED")),
            EksResources.NODE_GROUP.name(), new Statuses(Set.of("ACTIVE"), Set.of("CREATE_FAILED", "DEGRADED")),
            // An add-on may stay DEGRADED until nodes join; it exists and EKS manages it from here.
            EksResources.ADDON.name(), new Statuses(Set.of("ACTIVE", "DEGRADED"), Set.of("CREATE_FAILED")));

    /** The node role and the IRSA roles: the one IAM role kind. */
    static final RoleKind ROLES = new RoleKind(EksResources.LAYER + "/role/", EksResources::desired);

    @Override
    public String name() {
        return EksResources.LAYER;
    }

    @Override
    public List<DesiredResource> desired(EnvironmentSpec spec) {
        return EksResources.desired(spec);
    }

    @Override
    public List<AttributeDecisions> attributeDecisions() {
        return EksDecisions.all();
    }

    @Override
    public List<ObservedResource> observe(LayerContext ctx) {
        return new EksObserver(ctx).observe();
    }

    @Override
    public void apply(Change change, DesiredResource desired, ObservedResource observed, LayerContext ctx) {
        String kind = change.kind();
        switch (change.action()) {
            case CREATE -> create(kind, desired, ctx);
            case UPDATE -> update(kind, change, desired, observed, ctx);
            case DELETE -> delete(kind, observed, ctx);
            case REPLACE -> throw new IllegalStateException("the Reconciler applies REPLACE as DELETE then CREATE");
        }
    }

    private static void create(String kind, DesiredResource d, LayerContext ctx) {
        if (kind.equals(EncryptionKeys.KIND.name())) EncryptionKeys.create(ctx, d);
        else if (kind.equals(RoleKind.KIND.name())) ROLES.create(d, ctx);
        else if (kind.equals(EksResources.CLUSTER.name())) ClusterChanges.create(ctx, d);
        else if (kind.equals(EksResources.OIDC_PROVIDER.name())) OidcProviderChanges.create(ctx, d);
        else if (kind.equals(EksResources.ADDON.name())) AddonChanges.create(ctx, d);
        else if (kind.equals(EksResources.LAUNCH_TEMPLATE.name())) LaunchTemplateChanges.create(ctx, d);
        else if (kind.equals(EksResources.NODE_GROUP.name())) NodeGroupChanges.create(ctx, d);
        else throw new IllegalArgumentException("unknown kind " + kind);
    }

    private static void update(String kind, Change change, DesiredResource d, ObservedResource live, LayerContext ctx) {
        if (kind.equals(EncryptionKeys.KIND.name())) EncryptionKeys.update(ctx, d, live, change.differences());
        else if (kind.equals(RoleKind.KIND.name())) ROLES.update(d, live, ctx);
        else if (kind.equals(EksResources.CLUSTER.name())) ClusterChanges.update(ctx, d, live, change.differences());
        else if (kind.equals(EksResources.OIDC_PROVIDER.name())) OidcProviderChanges.update(ctx, d, live);
        else if (kind.equals(EksResources.LAUNCH_TEMPLATE.name())) LaunchTemplateChanges.update(ctx, d, live);
        else if (kind.equals(EksResources.NODE_GROUP.name())) NodeGroupChanges.update(ctx, d, live, change.differences());
        else throw new IllegalArgumentException("kind " + kind + " has no in-place updates");
    }

    private static void delete(String kind, ObservedResource live, LayerContext ctx) {
        if (kind.equals(EncryptionKeys.KIND.name())) EncryptionKeys.delete(ctx, live);
        else if (kind.equals(RoleKind.KIND.name())) ROLES.delete(live.physicalId(), live, ctx);
        else if (kind.equals(EksResources.CLUSTER.name())) ClusterChanges.delete(ctx, live);
        else if (kind.equals(EksResources.OIDC_PROVIDER.name())) OidcProviderChanges.delete(ctx, live);
        else if (kind.equals(EksResources.ADDON.name())) AddonChanges.delete(ctx, live);
        else if (kind.equals(EksResources.LAUNCH_TEMPLATE.name())) LaunchTemplateChanges.delete(ctx, live);
        else if (kind.equals(EksResources.NODE_GROUP.name())) NodeGroupChanges.delete(ctx, live);
        else throw new IllegalArgumentException("unknown kind " + kind);
    }

    @Override
    public void preflight(LayerContext ctx) {
        EksPreflight.check(ctx);
    }

    /** Cluster ACTIVE, node groups ACTIVE, add-ons installed, and nothing left for a later apply. */
    @Override
    public Readiness readiness(LayerContext ctx) {
        return ReadinessCheck.of(this, ctx, STATUSES);
    }
}
