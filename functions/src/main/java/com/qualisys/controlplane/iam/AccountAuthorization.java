package com.qualisys.controlplane.iam;

import com.qualisys.controlplane.engine.LayerContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EntityType;
import software.amazon.awssdk.services.iam.model.GetAccountAuthorizationDetailsResponse;
import software.amazon.awssdk.services.iam.model.ManagedPolicyDetail;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.RoleDetail;

/**
 * The account's roles (and, for a layer that owns customer-managed policies, its local policies)
 * in two paginated calls: GetAccountAuthorizationDetails (trust documents, attachments, inline
 * policies with their documents, boundaries, tags; policies with their versions) and ListRoles (the
 * only list with MaxSessionDuration and Description). IAM has no tag filter on its lists, so this
 * is the one list of the role kind, whatever number of roles a layer owns.
 *
 * <p>With policies, one read serves the role kind and the policy kind of one observe: whichever
 * lists first reads both, and the other takes what was read for it (once, so a later observe reads
 * afresh).
 */
public final class AccountAuthorization {
    private final boolean withPolicies;
    /** What one kind's read left for the other kind of the same observe. */
    private Pending pending;

    /** A live role: GetAccountAuthorizationDetails' detail and ListRoles' entry (null when the lists disagree). */
    public record LiveRole(RoleDetail detail, Role listed) {}

    private record Snapshot(LayerContext ctx, List<LiveRole> roles, List<ManagedPolicyDetail> policies) {}

    private record Pending(Snapshot snapshot, boolean forRoles) {}

    private AccountAuthorization(boolean withPolicies) {
        this.withPolicies = withPolicies;
    }

    /** For a layer that owns roles only. */
    public static AccountAuthorization roles() {
        return new AccountAuthorization(false);
    }

    /** For a layer that owns roles and customer-managed policies: shared by its two kinds. */
    public static AccountAuthorization rolesAndPolicies() {
        return new AccountAuthorization(true);
    }

    public synchronized List<LiveRole> roles(LayerContext ctx) {
        return take(ctx, true).roles();
    }

    public synchronized List<ManagedPolicyDetail> policies(LayerContext ctx) {
        if (!withPolicies) throw new IllegalStateException("this read was made for roles only");
        return take(ctx, false).policies();
    }

    /** What the other kind's read left for this one in the same observe, or a fresh read whose other half is left for it. */
    private Snapshot take(LayerContext ctx, boolean forRoles) {
        if (pending != null && pending.snapshot().ctx() == ctx && pending.forRoles() == forRoles) {
            Snapshot left = pending.snapshot();
            pending = null;
            return left;
        }
        Snapshot fresh = read(ctx);
        pending = withPolicies ? new Pending(fresh, !forRoles) : null;
        return fresh;
    }

    private Snapshot read(LayerContext ctx) {
        IamClient iam = ctx.aws().iam();
        List<RoleDetail> details = new ArrayList<>();
        List<ManagedPolicyDetail> policies = new ArrayList<>();
        EntityType[] filter = withPolicies ? new EntityType[] {EntityType.ROLE, EntityType.LOCAL_MANAGED_POLICY} : new EntityType[] {EntityType.ROLE};
        for (GetAccountAuthorizationDetailsResponse page : iam.getAccountAuthorizationDetailsPaginator(r -> r.filter(filter))) {
            details.addAll(page.roleDetailList());
            policies.addAll(page.policies());
        }
        Map<String, Role> listed = new HashMap<>();
        iam.listRolesPaginator().roles().forEach(r -> listed.put(r.roleName(), r));
        List<LiveRole> roles = details.stream().map(d -> new LiveRole(d, listed.get(d.roleName()))).toList();
        return new Snapshot(ctx, roles, policies);
    }
}
