package com.qualisys.controlplane.layers.rds;

import com.qualisys.controlplane.engine.KindsLayer;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.Readiness;
import com.qualisys.controlplane.iam.RoleKind;
import com.qualisys.controlplane.layers.support.EncryptionKeys;
import com.qualisys.controlplane.layers.support.ForeignRefs;
import java.util.List;
import java.util.Map;

/**
 * The seed's PostgreSQL database: KMS key, enhanced-monitoring role, the qualisys-postgres15
 * parameter group, the master and connection secrets and the qualisys-db instance.
 *
 * <p>A list of kinds; the instance comes before the secrets, whose host is compared with its endpoint.
 * Observe costs one call per kind where RDS allows it (the instance and parameter group by their
 * fixed names, the secrets with one tag-filtered ListSecrets), plus the per-resource reads.
 */
public final class RdsLayer extends KindsLayer {
    public RdsLayer() {
        super(RdsResources.LAYER, RdsResources::desired, List.of(
                new EncryptionKeys(RdsResources.LAYER, spec -> Map.of(RdsResources.KEY, spec.rds().kmsAlias())),
                new RoleKind(RdsResources.LAYER + "/role/", RdsResources::desired),
                new ParameterGroups(), new DbInstances(), new Secrets()));
    }

    /** The ids of the other layers' resources this layer refers to, known before its attributes turn ids into refs. */
    @Override
    protected void beforeReading(LayerContext ctx) {
        // Our own ids are found here; an absent one must not make the index observe this layer again.
        ctx.index().markObserved(RdsResources.LAYER);
        ForeignRefs.ensure(ctx, RdsResources.foreignRefs(), Map.of(RdsResources.SUBNET_GROUP, ctx.spec().vpc().dbSubnetGroup()));
    }

    @Override
    public void preflight(LayerContext ctx) {
        RdsPreflight.check(ctx);
    }

    /** The instance available and the connection secret written (it needs the instance's endpoint). */
    @Override
    public Readiness readiness(LayerContext ctx) {
        return kindsReadiness(ctx);
    }
}
