package com.qualisys.controlplane.layers.support;

import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ResourceIndex;
import com.qualisys.controlplane.engine.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.TagDescription;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.rds.model.DBSubnetGroup;
import software.amazon.awssdk.services.rds.model.DbSubnetGroupNotFoundException;

/**
 * Makes sure the resource index knows the resources of other layers that this layer refers to
 * (subnets, security groups, the DB subnet group, the EKS cluster role). The index asks the
 * owning layer first; when that layer is not registered in this run (or not built yet), the
 * resources are looked up here by their qualisys:* tags, so observe can still translate their
 * physical ids into refs and apply can resolve them.
 *
 * Physical ids follow what the consuming APIs take: EC2 ids for VPCs, subnets and security
 * groups, the name of a DB subnet group, the ARN of an IAM role.
 */
public final class ForeignRefs {
    private ForeignRefs() {}

    public static void ensure(LayerContext ctx, List<String> logicalIds, Map<String, String> dbSubnetGroupNames) {
        ResourceIndex index = ctx.index();
        List<String> missing = logicalIds.stream().filter(id -> index.physicalId(id).isEmpty()).toList();
        if (missing.isEmpty()) return;
        List<String> ec2 = new ArrayList<>();
        for (String id : missing) {
            String kind = id.split("/")[1];
            switch (kind) {
                case "vpc", "subnet", "security-group" -> ec2.add(id);
                case "db-subnet-group" -> dbSubnetGroup(ctx, id, dbSubnetGroupNames.get(id));
                case "role" -> role(ctx, id);
                default -> { }
            }
        }
        if (!ec2.isEmpty()) ec2(ctx, ec2);
    }

    /** One DescribeTags call finds every EC2 resource claiming one of the logical ids. */
    private static void ec2(LayerContext ctx, List<String> logicalIds) {
        Map<String, String> logicalByResource = new HashMap<>();
        for (TagDescription t : ctx.aws().ec2().describeTagsPaginator(r -> r.filters(
                Filter.builder().name("key").values(Tags.LOGICAL_ID).build(),
                Filter.builder().name("value").values(logicalIds).build())).tags()) {
            logicalByResource.put(t.resourceId(), t.value());
        }
        if (logicalByResource.isEmpty()) return;
        Set<String> ours = new java.util.HashSet<>();
        for (TagDescription t : ctx.aws().ec2().describeTagsPaginator(r -> r.filters(
                Filter.builder().name("resource-id").values(logicalByResource.keySet()).build(),
                Filter.builder().name("key").values(Tags.ENVIRONMENT).build())).tags()) {
            if (ctx.environment().equals(t.value())) ours.add(t.resourceId());
        }
        logicalByResource.forEach((resource, logical) -> {
            if (ours.contains(resource)) ctx.index().put(logical, resource);
        });
    }

    private static void dbSubnetGroup(LayerContext ctx, String logicalId, String name) {
        if (name == null) return;
        DBSubnetGroup group;
        try {
            group = ctx.aws().rds().describeDBSubnetGroups(r -> r.dbSubnetGroupName(name)).dbSubnetGroups().get(0);
        } catch (DbSubnetGroupNotFoundException absent) {
            return;
        }
        Map<String, String> tags = new HashMap<>();
        ctx.aws().rds().listTagsForResource(r -> r.resourceName(group.dbSubnetGroupArn())).tagList()
                .forEach(t -> tags.put(t.key(), t.value()));
        if (Identity.isOurs(tags, ctx, logicalId)) ctx.index().put(logicalId, group.dbSubnetGroupName());
    }

    private static void role(LayerContext ctx, String logicalId) {
        Role role;
        try {
            role = ctx.aws().iam().getRole(r -> r.roleName(Identity.name(logicalId))).role();
        } catch (NoSuchEntityException absent) {
            return;
        }
        Map<String, String> tags = new HashMap<>();
        role.tags().forEach(t -> tags.put(t.key(), t.value()));
        if (Identity.isOurs(tags, ctx, logicalId)) ctx.index().put(logicalId, role.arn());
    }

    /**
     * The ref for a live role ARN: the IAM layer may register its roles by ARN or by name, so
     * both are tried.
     */
    public static String roleRef(LayerContext ctx, String roleArn) {
        if (roleArn == null) return null;
        String ref = ctx.index().refOrRaw(roleArn);
        if (!ref.equals(roleArn)) return ref;
        String name = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        String byName = ctx.index().refOrRaw(name);
        return byName.equals(name) ? roleArn : byName;
    }

    /** A role ref resolved to an ARN, whichever id its owning layer registered. */
    public static String roleArn(LayerContext ctx, Object ref) {
        String id = ctx.resolve(ref);
        if (id == null || id.startsWith("arn:")) return id;
        return ctx.aws().iam().getRole(r -> r.roleName(id)).role().arn();
    }
}
