package com.qualisys.controlplane.layers.iam;

import com.qualisys.controlplane.layers.support.PermissionsBoundary;
import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.Tags;
import com.qualisys.controlplane.spec.IamSpec;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.PolicyVersion;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * Creates, repairs and deletes customer-managed policies. A document change is a new default
 * version (IAM keeps at most five, so the oldest non-default one goes first); a policy's
 * description cannot be changed after creation, so it is set only when the policy is created.
 */
final class ManagedPolicies {
    static final int MAX_VERSIONS = 5;
    private final LayerContext ctx;
    private final IamClient iam;

    ManagedPolicies(LayerContext ctx) {
        this.ctx = ctx;
        this.iam = ctx.aws().iam();
    }

    void apply(Change change, ObservedResource observed) {
        switch (change.action()) {
            case CREATE -> create(change.logicalId());
            case UPDATE -> newDefaultVersion(change.logicalId(), change.physicalId());
            case DELETE -> delete(change.physicalId());
            case REPLACE -> throw new IllegalStateException("the reconciler splits a replace into delete and create: " + change.logicalId());
        }
    }

    private void create(String logicalId) {
        IamSpec.Policy policy = spec(logicalId);
        List<Tag> tags = Tags.identity(ctx.environment(), logicalId, null).entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        String arn = iam.createPolicy(r -> r.policyName(policy.name()).path(IamDesired.POLICY_PATH)
                .policyDocument(document(policy)).description(policy.description()).tags(tags)).policy().arn();
        ctx.index().put(logicalId, arn);
        // When this create completes a replace, the roles that use the policy exist already and
        // lost it with the old policy: give it back now rather than on the next run.
        for (IamSpec.Role role : ctx.spec().iam().roles()) {
            if (!role.customerManagedPolicies().contains(policy.name())) continue;
            ctx.index().physicalId(IamDesired.roleId(role.name()))
                    .ifPresent(roleArn -> {
                        PermissionsBoundary.ensure(ctx, Roles.roleName(roleArn));
                        iam.attachRolePolicy(r -> r.roleName(Roles.roleName(roleArn)).policyArn(arn));
                    });
        }
    }

    private void newDefaultVersion(String logicalId, String arn) {
        List<PolicyVersion> versions = iam.listPolicyVersions(r -> r.policyArn(arn)).versions();
        if (versions.size() >= MAX_VERSIONS) {
            versions.stream().filter(v -> !Boolean.TRUE.equals(v.isDefaultVersion()))
                    .min(Comparator.comparing(PolicyVersion::createDate))
                    .ifPresent(oldest -> iam.deletePolicyVersion(r -> r.policyArn(arn).versionId(oldest.versionId())));
        }
        iam.createPolicyVersion(r -> r.policyArn(arn).policyDocument(document(spec(logicalId))).setAsDefault(true));
    }

    private void delete(String arn) {
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

    private String document(IamSpec.Policy policy) {
        return PolicyDocument.render(PolicyDocument.parse(policy.json()), ctx.aws().accountId());
    }

    private IamSpec.Policy spec(String logicalId) {
        return IamDesired.policy(ctx.spec(), logicalId)
                .orElseThrow(() -> new IllegalStateException("no policy in the spec for " + logicalId));
    }
}
