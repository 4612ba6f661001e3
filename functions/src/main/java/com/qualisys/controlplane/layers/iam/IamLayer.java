package com.qualisys.controlplane.layers.iam;

import com.qualisys.controlplane.engine.KindsLayer;
import com.qualisys.controlplane.iam.AccountAuthorization;
import com.qualisys.controlplane.iam.RoleKind;
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
public final class IamLayer extends KindsLayer {
    public IamLayer() {
        this(AccountAuthorization.rolesAndPolicies());
    }

    private IamLayer(AccountAuthorization account) {
        super("iam", IamDesired::of, List.of(new ManagedPolicies(account), new RoleKind("iam/role/", IamDesired::of, account)));
    }
}
