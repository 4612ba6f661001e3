package com.qualisys.controlplane.layers.iam;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKinds;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.iam.AccountAuthorization;
import com.qualisys.controlplane.iam.RoleKind;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.List;

/**
 * The seed's IAM roles and customer-managed policies, as two kinds: {@link ManagedPolicies} and
 * the shared {@link RoleKind}.
 *
 * <p>Observe costs two paginated calls for the whole layer ({@link AccountAuthorization}: one
 * GetAccountAuthorizationDetails read serves both kinds, plus ListRoles).
 *
 * <p>Identity: IAM role and policy names are unique in an account and CreateRole/CreatePolicy
 * refuse a taken name, so a run that crashed after a create finds the resource by name and never
 * makes a second one. Roles also carry the qualisys:* tags (a role this environment tagged but the
 * spec no longer names is deleted); policies are marked by their path {@value IamDesired#POLICY_PATH}.
 */
public final class IamLayer implements Layer {
    private final ManagedKinds kinds;

    public IamLayer() {
        AccountAuthorization account = AccountAuthorization.rolesAndPolicies();
        kinds = new ManagedKinds(name(), List.of(
                new ManagedPolicies(account),
                new RoleKind("iam/role/", IamDesired::of, account)));
    }

    @Override
    public String name() {
        return "iam";
    }

    @Override
    public List<DesiredResource> desired(EnvironmentSpec spec) {
        return IamDesired.of(spec);
    }

    @Override
    public List<AttributeDecisions> attributeDecisions() {
        return kinds.decisions();
    }

    @Override
    public List<ObservedResource> observe(LayerContext ctx) {
        return kinds.observe(ctx, desired(ctx.spec()));
    }

    @Override
    public void apply(Change change, DesiredResource desired, ObservedResource observed, LayerContext ctx) {
        kinds.apply(change, desired, observed, ctx);
    }
}
