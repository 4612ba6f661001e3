package com.qualisys.controlplane.layers.iam;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.engine.Tags;
import com.qualisys.controlplane.iam.AccountAuthorization;
import com.qualisys.controlplane.iam.RoleKind;
import com.qualisys.controlplane.layers.support.PermissionsBoundary;
import com.qualisys.controlplane.spec.IamSpec;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.ManagedPolicyDetail;
import software.amazon.awssdk.services.iam.model.PolicyVersion;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * The customer-managed policies kind. Listed with the layer's roles in one read
 * ({@link AccountAuthorization}); a policy is the control plane's when it lives under
 * {@value IamDesired#POLICY_PATH} (IAM's lists return no policy tags) or has a name the spec wants.
 * A document change is a new default version (IAM keeps at most five, so the oldest non-default
 * one goes first); a policy's description cannot be changed after creation, so it is set only when
 * the policy is created.
 */
final class ManagedPolicies implements ManagedKind<ManagedPolicyDetail> {
    static final int MAX_VERSIONS = 5;
    private final AccountAuthorization account;

    ManagedPolicies(AccountAuthorization account) {
        this.account = account;
    }

    @Override
    public ResourceKind kind() {
        return IamDesired.POLICY;
    }

    @Override
    public AttributeDecisions decisions() {
        return IamDecisions.policy();
    }

    @Override
    public List<ManagedPolicyDetail> list(LayerContext ctx) {
        return account.policies(ctx);
    }

    @Override
    public String logicalId(ManagedPolicyDetail p, LayerContext ctx) {
        String id = IamDesired.policyId(policyName(p));
        boolean wanted = IamDesired.policy(ctx.spec(), id).isPresent();
        return IamDesired.POLICY_PATH.equals(p.path()) || wanted ? id : null;
    }

    @Override
    public String physicalId(ManagedPolicyDetail p) {
        return p.arn();
    }

    @Override
    public Map<String, Object> attributes(ManagedPolicyDetail p, LayerContext ctx) {
        Map<String, Object> desired = IamDesired.policy(ctx.spec(), logicalId(p, ctx))
                .map(spec -> PolicyDocument.canonical(spec.json())).orElse(null);
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("path", p.path());
        for (PolicyVersion v : p.policyVersionList()) {
            if (Boolean.TRUE.equals(v.isDefaultVersion())) {
                attrs.put("document", PolicyDocument.observed(v.document(), ctx.aws().accountId(), desired));
            }
        }
        return attrs;
    }

    /** The name, or the last segment of the ARN (arn:aws:iam::<account>:policy/<path><name>) when a list omits it. */
    static String policyName(ManagedPolicyDetail p) {
        return p.policyName() != null ? p.policyName() : p.arn().substring(p.arn().lastIndexOf('/') + 1);
    }

    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        IamClient iam = ctx.aws().iam();
        IamSpec.Policy policy = spec(want.logicalId(), ctx);
        List<Tag> tags = Tags.identity(ctx.environment(), want.logicalId(), null).entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        String arn = iam.createPolicy(r -> r.policyName(policy.name()).path(IamDesired.POLICY_PATH)
                .policyDocument(document(policy, ctx)).description(policy.description()).tags(tags)).policy().arn();
        ctx.index().put(want.logicalId(), arn);
        // When this create completes a replace, the roles that use the policy exist already and
        // lost it with the old policy: give it back now rather than on the next run.
        for (IamSpec.Role role : ctx.spec().iam().roles()) {
            if (!role.customerManagedPolicies().contains(policy.name())) continue;
            ctx.index().physicalId(IamDesired.roleId(role.name()))
                    .ifPresent(roleArn -> {
                        PermissionsBoundary.ensure(ctx, RoleKind.roleName(roleArn));
                        iam.attachRolePolicy(r -> r.roleName(RoleKind.roleName(roleArn)).policyArn(arn));
                    });
        }
    }

    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        IamClient iam = ctx.aws().iam();
        String arn = live.physicalId();
        List<PolicyVersion> versions = iam.listPolicyVersions(r -> r.policyArn(arn)).versions();
        if (versions.size() >= MAX_VERSIONS) {
            versions.stream().filter(v -> !Boolean.TRUE.equals(v.isDefaultVersion()))
                    .min(Comparator.comparing(PolicyVersion::createDate))
                    .ifPresent(oldest -> iam.deletePolicyVersion(r -> r.policyArn(arn).versionId(oldest.versionId())));
        }
        iam.createPolicyVersion(r -> r.policyArn(arn).policyDocument(document(spec(want.logicalId(), ctx), ctx)).setAsDefault(true));
    }

    @Override
    public void delete(String arn, ObservedResource live, LayerContext ctx) {
        IamClient iam = ctx.aws().iam();
        var entities = iam.listEntitiesForPolicyPaginator(r -> r.policyArn(arn));
        // Collect each listing before detaching, so the pages do not shift under the iteration.
        entities.policyRoles().stream().toList().forEach(role -> iam.detachRolePolicy(r -> r.roleName(role.roleName()).policyArn(arn)));
        entities.policyUsers().stream().toList().forEach(user -> iam.detachUserPolicy(r -> r.userName(user.userName()).policyArn(arn)));
        entities.policyGroups().stream().toList().forEach(group -> iam.detachGroupPolicy(r -> r.groupName(group.groupName()).policyArn(arn)));
        for (PolicyVersion v : iam.listPolicyVersions(r -> r.policyArn(arn)).versions()) {
            if (!Boolean.TRUE.equals(v.isDefaultVersion())) iam.deletePolicyVersion(r -> r.policyArn(arn).versionId(v.versionId()));
        }
        iam.deletePolicy(r -> r.policyArn(arn));
    }

    private static String document(IamSpec.Policy policy, LayerContext ctx) {
        return PolicyDocument.render(PolicyDocument.parse(policy.json()), ctx.aws().accountId());
    }

    private static IamSpec.Policy spec(String logicalId, LayerContext ctx) {
        return IamDesired.policy(ctx.spec(), logicalId)
                .orElseThrow(() -> new IllegalStateException("no policy in the spec for " + logicalId));
    }
}
