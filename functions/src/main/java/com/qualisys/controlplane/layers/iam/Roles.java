package com.qualisys.controlplane.layers.iam;

import com.qualisys.controlplane.engine.Change;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.layers.ChangedAttributes;
import com.qualisys.controlplane.layers.support.PermissionsBoundary;
import com.qualisys.controlplane.spec.IamSpec;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Tag;

/** Creates, repairs and deletes IAM roles: one change at a time, touching only what differs. */
final class Roles {
    private final LayerContext ctx;
    private final IamClient iam;

    Roles(LayerContext ctx) {
        this.ctx = ctx;
        this.iam = ctx.aws().iam();
    }

    void apply(Change change, DesiredResource desired, ObservedResource observed) {
        switch (change.action()) {
            case CREATE -> create(desired);
            case UPDATE -> update(change, desired, observed);
            case DELETE -> delete(change.physicalId(), observed);
            case REPLACE -> throw new IllegalStateException("roles are never replaced: " + change.logicalId());
        }
    }

    private void create(DesiredResource desired) {
        IamSpec.Role role = spec(desired.logicalId());
        String arn = iam.createRole(r -> r.roleName(role.name())
                .permissionsBoundary(PermissionsBoundary.arn(ctx))
                .assumeRolePolicyDocument(trustDocument(role))
                .maxSessionDuration(((Number) desired.attribute("maxSessionSeconds")).intValue())
                .description(desired.string("description"))
                .tags(tags(desired))).role().arn();
        ctx.index().put(desired.logicalId(), arn);
        // A crash between here and the last attachment leaves a role the next observe finds by
        // name; its missing attachments are then an UPDATE.
        for (String policy : desired.strings("managedPolicies")) {
            iam.attachRolePolicy(r -> r.roleName(role.name()).policyArn(ctx.resolve(policy)));
        }
    }

    private void update(Change change, DesiredResource desired, ObservedResource observed) {
        String name = roleName(change.physicalId());
        Set<String> differing = ChangedAttributes.of(change);
        if (differing.contains("assumeRolePolicy")) {
            iam.updateAssumeRolePolicy(r -> r.roleName(name).policyDocument(trustDocument(spec(desired.logicalId()))));
        }
        if (differing.contains("maxSessionSeconds") || differing.contains("description")) {
            iam.updateRole(r -> r.roleName(name)
                    .maxSessionDuration(((Number) desired.attribute("maxSessionSeconds")).intValue())
                    .description(desired.string("description")));
        }
        // The boundary goes back before any policy changes (the appliers may attach only to a bounded role).
        if (differing.contains("permissionsBoundary") || differing.contains("managedPolicies")) PermissionsBoundary.ensure(ctx, name);
        if (differing.contains("managedPolicies")) {
            Set<String> want = resolved(desired.strings("managedPolicies"));
            Set<String> have = resolved(strings(observed, "managedPolicies"));
            for (String arn : want) if (!have.contains(arn)) iam.attachRolePolicy(r -> r.roleName(name).policyArn(arn));
            for (String arn : have) if (!want.contains(arn)) iam.detachRolePolicy(r -> r.roleName(name).policyArn(arn));
        }
        if (differing.contains("inlinePolicies")) {
            List<String> allowed = desired.strings("inlinePolicies");
            for (String inline : strings(observed, "inlinePolicies")) {
                if (!allowed.contains(inline)) iam.deleteRolePolicy(r -> r.roleName(name).policyName(inline));
            }
        }
        if (differing.contains("tags")) iam.tagRole(r -> r.roleName(name).tags(tags(desired)));
    }

    private void delete(String arn, ObservedResource observed) {
        String name = roleName(arn);
        for (String policy : resolved(strings(observed, "managedPolicies"))) {
            iam.detachRolePolicy(r -> r.roleName(name).policyArn(policy));
        }
        for (String inline : strings(observed, "inlinePolicies")) iam.deleteRolePolicy(r -> r.roleName(name).policyName(inline));
        iam.listInstanceProfilesForRolePaginator(r -> r.roleName(name)).instanceProfiles().forEach(p ->
                iam.removeRoleFromInstanceProfile(r -> r.roleName(name).instanceProfileName(p.instanceProfileName())));
        iam.deleteRole(r -> r.roleName(name));
    }

    private String trustDocument(IamSpec.Role role) {
        return PolicyDocument.render(TrustPolicy.of(role), ctx.aws().accountId());
    }

    private IamSpec.Role spec(String logicalId) {
        return IamDesired.role(ctx.spec(), logicalId)
                .orElseThrow(() -> new IllegalStateException("no role in the spec for " + logicalId));
    }

    private Set<String> resolved(List<String> policies) {
        Set<String> out = new LinkedHashSet<>();
        policies.forEach(p -> out.add(ctx.resolve(p)));
        return out;
    }

    private static List<Tag> tags(DesiredResource desired) {
        return desired.stringMap("tags").entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(ObservedResource observed, String attribute) {
        Object v = observed == null ? null : observed.attributes().get(attribute);
        return v == null ? List.of() : (List<String>) v;
    }

    static String roleName(String arn) {
        return arn.substring(arn.lastIndexOf('/') + 1);
    }
}
