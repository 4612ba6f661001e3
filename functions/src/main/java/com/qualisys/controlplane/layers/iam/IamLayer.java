package com.qualisys.controlplane.layers.iam;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Layer;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.Tags;
import com.qualisys.controlplane.layers.support.PermissionsBoundary;
import com.qualisys.controlplane.spec.EnvironmentSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EntityType;
import software.amazon.awssdk.services.iam.model.GetAccountAuthorizationDetailsResponse;
import software.amazon.awssdk.services.iam.model.ManagedPolicyDetail;
import software.amazon.awssdk.services.iam.model.PolicyVersion;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.RoleDetail;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * The seed's IAM roles and customer-managed policies.
 *
 * <p>Observe costs two paginated calls for the whole layer: GetAccountAuthorizationDetails (roles
 * with trust documents, attachments, inline policies and tags; local policies with their
 * documents) and ListRoles (the only list with MaxSessionDuration and Description).
 *
 * <p>Identity: IAM role and policy names are unique in an account and CreateRole/CreatePolicy
 * refuse a taken name, so a run that crashed after a create finds the resource by name and never
 * makes a second one. Roles also carry the qualisys:* tags (a role this environment tagged but the
 * spec no longer names is deleted); policies are marked by their path {@value IamDesired#POLICY_PATH}.
 */
public final class IamLayer implements Layer {

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
        return IamDecisions.all();
    }

    @Override
    public List<ObservedResource> observe(LayerContext ctx) {
        IamClient iam = ctx.aws().iam();
        String account = ctx.aws().accountId();
        List<RoleDetail> roleDetails = new ArrayList<>();
        List<ManagedPolicyDetail> policyDetails = new ArrayList<>();
        for (GetAccountAuthorizationDetailsResponse page : iam.getAccountAuthorizationDetailsPaginator(
                r -> r.filter(EntityType.ROLE, EntityType.LOCAL_MANAGED_POLICY))) {
            roleDetails.addAll(page.roleDetailList());
            policyDetails.addAll(page.policies());
        }
        Map<String, Role> listed = new HashMap<>();
        iam.listRolesPaginator().roles().forEach(r -> listed.put(r.roleName(), r));

        Map<String, DesiredResource> wanted = new HashMap<>();
        IamDesired.of(ctx.spec()).forEach(d -> wanted.put(d.logicalId(), d));
        List<ObservedResource> out = new ArrayList<>();
        // Policies first: role attachments are translated to refs through the index.
        for (ManagedPolicyDetail p : policyDetails) {
            String id = IamDesired.policyId(policyName(p));
            if (!IamDesired.POLICY_PATH.equals(p.path()) && !wanted.containsKey(id)) continue;
            ctx.index().put(id, p.arn());
            out.add(new ObservedResource(id, IamDesired.POLICY.name(), p.arn(), policyAttributes(p, account, wanted.get(id))));
        }
        for (RoleDetail r : roleDetails) {
            String id = IamDesired.roleId(r.roleName());
            if (!wanted.containsKey(id) && !taggedByThisEnvironment(r.tags(), ctx.environment())) continue;
            ctx.index().put(id, r.arn());
            out.add(new ObservedResource(id, IamDesired.ROLE.name(), r.arn(),
                    roleAttributes(r, listed.get(r.roleName()), ctx, account, wanted.get(id))));
        }
        return out;
    }

    @Override
    public void apply(Change change, DesiredResource desired, ObservedResource observed, LayerContext ctx) {
        if (change.kind().equals(IamDesired.ROLE.name())) {
            new Roles(ctx).apply(change, desired, observed);
        } else if (change.kind().equals(IamDesired.POLICY.name())) {
            new ManagedPolicies(ctx).apply(change, observed);
        } else {
            throw new IllegalArgumentException("iam layer does not own kind " + change.kind() + " (" + change.logicalId() + ")");
        }
    }

    /** The name, or the last segment of the ARN (arn:aws:iam::<account>:policy/<path><name>) when a list omits it. */
    static String policyName(ManagedPolicyDetail p) {
        return p.policyName() != null ? p.policyName() : p.arn().substring(p.arn().lastIndexOf('/') + 1);
    }

    static Map<String, Object> policyAttributes(ManagedPolicyDetail p, String account, DesiredResource desired) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("path", p.path());
        for (PolicyVersion v : p.policyVersionList()) {
            if (Boolean.TRUE.equals(v.isDefaultVersion())) {
                attrs.put("document", PolicyDocument.observed(v.document(), account, documentOf(desired, "document")));
            }
        }
        return attrs;
    }

    static Map<String, Object> roleAttributes(RoleDetail r, Role listed, LayerContext ctx, String account, DesiredResource desired) {
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("assumeRolePolicy", PolicyDocument.observed(r.assumeRolePolicyDocument(), account, documentOf(desired, "assumeRolePolicy")));
        if (listed != null) {
            attrs.put("maxSessionSeconds", listed.maxSessionDuration());
            attrs.put("description", listed.description());
        }
        attrs.put("managedPolicies", r.attachedManagedPolicies().stream()
                .map(a -> ctx.index().refOrRaw(a.policyArn())).distinct().sorted().toList());
        attrs.put("inlinePolicies", r.rolePolicyList().stream().map(p -> p.policyName()).sorted().toList());
        attrs.put("permissionsBoundary", r.permissionsBoundary() == null ? null
                : PermissionsBoundary.pathAndName(r.permissionsBoundary().permissionsBoundaryArn()));
        Map<String, String> tags = new LinkedHashMap<>();
        r.tags().forEach(t -> tags.put(t.key(), t.value()));
        attrs.put("tags", tags);
        return attrs;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> documentOf(DesiredResource desired, String attribute) {
        return desired == null ? null : (Map<String, Object>) desired.attribute(attribute);
    }

    private static boolean taggedByThisEnvironment(List<Tag> tags, String environment) {
        Map<String, String> m = new HashMap<>();
        tags.forEach(t -> m.put(t.key(), t.value()));
        return environment.equals(m.get(Tags.ENVIRONMENT))
                && Tags.MANAGED_BY_VALUE.equals(m.get(Tags.MANAGED_BY))
                && m.getOrDefault(Tags.LOGICAL_ID, "").startsWith("iam/role/");
    }
}
