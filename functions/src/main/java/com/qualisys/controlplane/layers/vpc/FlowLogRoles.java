package com.qualisys.controlplane.layers.vpc;

import static com.qualisys.controlplane.layers.vpc.VpcKinds.*;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Ignored;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.iam.PolicyDocument;
import com.qualisys.controlplane.layers.support.PermissionsBoundary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.GetRolePolicyResponse;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * The IAM role the flow-logs service assumes to deliver to the log group, with its inline
 * delivery policy. Identified by its fixed name (one GetRole; listing roles returns no tags), plus
 * one GetRolePolicy for the inline policy. Physical id: the role ARN (what CreateFlowLogs takes).
 */
final class FlowLogRoles implements ManagedKind<Role> {

    @Override
    public ResourceKind kind() {
        return IAM_ROLE;
    }

    @Override
    public List<Role> list(LayerContext ctx) {
        String name = ctx.spec().vpc().flowLogs().deliveryRole();
        try {
            return List.of(ctx.aws().iam().getRole(r -> r.roleName(name)).role());
        } catch (NoSuchEntityException absent) {
            return List.of();
        }
    }

    @Override
    public AttributeDecisions decisions() {
        return AttributeDecisions.of(kind())
                .read("GetRole", Role.class)
                .compare("RoleName", NAME)
                .compare("AssumeRolePolicyDocument", ASSUME_ROLE_POLICY)
                .ignore(Ignored.IDENTITY, "RoleId", "Arn")
                .ignore(Ignored.READ_ONLY, "CreateDate", "RoleLastUsed")
                .ignore(Ignored.FIXED_AT_CREATION + " (the path)", "Path")
                .ignore("free text; no effect on access", "Description")
                .ignore("the role is assumed by the flow-log service for each delivery; the session length gives no one"
                        + " else access (gap: not repaired)", "MaxSessionDuration")
                .ignore("a permissions boundary only narrows what the role may do", "PermissionsBoundary")
                .ignore("the role is found by its fixed name; no policy of the spec conditions on its tags", "Tags")
                .read("GetRolePolicy", GetRolePolicyResponse.class)
                .compare("PolicyDocument", DELIVERY_POLICY)
                .ignore(Ignored.IDENTITY, "RoleName", "PolicyName")
                .build();
    }

    @Override
    public String logicalId(Role live, LayerContext ctx) {
        return VpcIds.FLOW_LOG_ROLE;
    }

    @Override
    public String physicalId(Role live) {
        return live.arn();
    }

    @Override
    public Map<String, Object> attributes(Role live, LayerContext ctx) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put(NAME, live.roleName());
        a.put(ASSUME_ROLE_POLICY, parse(live.assumeRolePolicyDocument()));
        try {
            a.put(DELIVERY_POLICY, parse(ctx.aws().iam().getRolePolicy(r -> r.roleName(live.roleName())
                    .policyName(VpcDesiredState.FLOW_LOG_POLICY_NAME)).policyDocument()));
        } catch (NoSuchEntityException absent) {
            a.put(DELIVERY_POLICY, null);
        }
        return a;
    }

    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        String name = want.string(NAME);
        List<Tag> tags = ctx.tags(want.logicalId(), null).entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        String arn = ctx.aws().iam().createRole(r -> r.roleName(name)
                .permissionsBoundary(PermissionsBoundary.arn(ctx))
                .description("Delivers the VPC flow logs to CloudWatch Logs")
                .assumeRolePolicyDocument(json(want.attribute(ASSUME_ROLE_POLICY)))
                .tags(tags)).role().arn();
        ctx.index().put(want.logicalId(), arn);
        putDeliveryPolicy(ctx.aws().iam(), name, want);
    }

    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        String name = (String) live.attributes().get(NAME);
        if (ManagedKind.differs(want, live, ASSUME_ROLE_POLICY)) {
            ctx.aws().iam().updateAssumeRolePolicy(r -> r.roleName(name).policyDocument(json(want.attribute(ASSUME_ROLE_POLICY))));
        }
        if (ManagedKind.differs(want, live, DELIVERY_POLICY)) {
            PermissionsBoundary.ensure(ctx, name);
            putDeliveryPolicy(ctx.aws().iam(), name, want);
        }
    }

    private static void putDeliveryPolicy(IamClient iam, String roleName, DesiredResource want) {
        iam.putRolePolicy(r -> r.roleName(roleName).policyName(VpcDesiredState.FLOW_LOG_POLICY_NAME)
                .policyDocument(json(want.attribute(DELIVERY_POLICY))));
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        String name = physicalId.substring(physicalId.lastIndexOf('/') + 1);
        IamClient iam = ctx.aws().iam();
        iam.listRolePoliciesPaginator(r -> r.roleName(name)).policyNames()
                .forEach(policy -> iam.deleteRolePolicy(r -> r.roleName(name).policyName(policy)));
        iam.deleteRole(r -> r.roleName(name));
    }

    private static String json(Object document) {
        return PolicyDocument.toJson(document);
    }

    /** IAM returns policy documents URL-encoded; parsed by the one policy-document model. */
    static Map<String, Object> parse(String document) {
        return document == null ? null : PolicyDocument.parse(document);
    }
}
