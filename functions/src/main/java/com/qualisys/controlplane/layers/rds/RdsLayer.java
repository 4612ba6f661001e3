package com.qualisys.controlplane.layers.rds;

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
 * The seed's PostgreSQL database: KMS key, enhanced-monitoring role, the qualisys-postgres15
 * parameter group, the master and connection secrets and the qualisys-db instance.
 */
public final class RdsLayer implements Layer {
    private static final Map<String, Statuses> STATUSES = Map.of(RdsResources.DB_INSTANCE.name(), new Statuses(
            Set.of("available"),
            Set.of("failed", "incompatible-parameters", "incompatible-network", "incompatible-option-group",
                    "incompatible-restore", "inaccessible-encryption-credentials", "restore-error", "storage-full")));

    @Override
    public String name() {
        return RdsResources.LAYER;
    }

    @Override
    public List<DesiredResource> desired(EnvironmentSpec spec) {
        return RdsResources.desired(spec);
    }

    /** The enhanced-monitoring role: the one IAM role kind. */
    static final RoleKind ROLES = new RoleKind(RdsResources.LAYER + "/role/", RdsResources::desired);

    @Override
    public List<AttributeDecisions> attributeDecisions() {
        return RdsDecisions.all();
    }

    @Override
    public List<ObservedResource> observe(LayerContext ctx) {
        return new RdsObserver(ctx).observe();
    }

    @Override
    public void apply(Change change, DesiredResource desired, ObservedResource observed, LayerContext ctx) {
        String kind = change.kind();
        switch (change.action()) {
            case CREATE -> {
                if (kind.equals(EncryptionKeys.KIND.name())) EncryptionKeys.create(ctx, desired);
                else if (kind.equals(RoleKind.KIND.name())) ROLES.create(desired, ctx);
                else if (kind.equals(RdsResources.PARAMETER_GROUP.name())) ParameterGroupChanges.create(ctx, desired);
                else if (kind.equals(RdsResources.SECRET_KIND.name())) SecretChanges.create(ctx, desired);
                else if (kind.equals(RdsResources.DB_INSTANCE.name())) InstanceChanges.create(ctx, desired);
                else throw new IllegalArgumentException("unknown kind " + kind);
            }
            case UPDATE -> {
                if (kind.equals(EncryptionKeys.KIND.name())) EncryptionKeys.update(ctx, desired, observed, change.differences());
                else if (kind.equals(RoleKind.KIND.name())) ROLES.update(desired, observed, ctx);
                else if (kind.equals(RdsResources.PARAMETER_GROUP.name())) ParameterGroupChanges.update(ctx, desired, observed);
                else if (kind.equals(RdsResources.SECRET_KIND.name())) SecretChanges.update(ctx, desired, observed);
                else if (kind.equals(RdsResources.DB_INSTANCE.name())) InstanceChanges.update(ctx, desired, observed, change.differences());
                else throw new IllegalArgumentException("unknown kind " + kind);
            }
            case DELETE -> {
                if (kind.equals(EncryptionKeys.KIND.name())) EncryptionKeys.delete(ctx, observed);
                else if (kind.equals(RoleKind.KIND.name())) ROLES.delete(observed.physicalId(), observed, ctx);
                else if (kind.equals(RdsResources.PARAMETER_GROUP.name())) ParameterGroupChanges.delete(ctx, observed);
                else if (kind.equals(RdsResources.SECRET_KIND.name())) SecretChanges.delete(ctx, observed);
                else if (kind.equals(RdsResources.DB_INSTANCE.name())) InstanceChanges.delete(ctx, observed);
                else throw new IllegalArgumentException("unknown kind " + kind);
            }
            case REPLACE -> throw new IllegalStateException("the Reconciler applies REPLACE as DELETE then CREATE");
        }
    }

    @Override
    public void preflight(LayerContext ctx) {
        RdsPreflight.check(ctx);
    }

    /** The instance available and the connection secret written (it needs the instance's endpoint). */
    @Override
    public Readiness readiness(LayerContext ctx) {
        return ReadinessCheck.of(this, ctx, STATUSES);
    }
}
