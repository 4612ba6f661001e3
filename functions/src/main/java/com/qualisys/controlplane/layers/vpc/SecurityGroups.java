package com.qualisys.controlplane.layers.vpc;

import static com.qualisys.controlplane.layers.vpc.VpcKinds.*;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Ignored;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.vpc.SecurityGroupRules.Rule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;

/**
 * Security groups with their rules as attributes. AWS gives every new VPC group an allow-all
 * egress rule: a group whose spec has no such rule (RDS, ElastiCache, ALB) has it revoked.
 * Repairs authorize the missing rules before revoking the extra ones, so that a rule being
 * replaced never leaves a gap.
 */
final class SecurityGroups implements ManagedKind<SecurityGroup> {
    static final String AWS_DEFAULT_EGRESS = "all:" + VpcDesiredState.ANYWHERE;

    @Override
    public ResourceKind kind() {
        return SECURITY_GROUP;
    }

    @Override
    public List<SecurityGroup> list(LayerContext ctx) {
        return ctx.aws().ec2().describeSecurityGroupsPaginator(r -> r.filters(Ec2Tags.environmentFilter(ctx)))
                .securityGroups().stream().toList();
    }

    @Override
    public AttributeDecisions decisions() {
        return AttributeDecisions.of(kind())
                .read("DescribeSecurityGroups", SecurityGroup.class)
                .compare("VpcId", VPC)
                .compare("GroupName", NAME)
                .compare("Description", DESCRIPTION)
                .compare("IpPermissions", INGRESS)
                .compare("IpPermissionsEgress", EGRESS)
                .compare("Tags", TAGS)
                .ignore(Ignored.IDENTITY, "GroupId", "SecurityGroupArn")
                .ignore(Ignored.READ_ONLY, "OwnerId")
                .build();
    }

    /** A security group's name is unique in its VPC. */
    @Override
    public Optional<SecurityGroup> findUntagged(DesiredResource want, LayerContext ctx) {
        Optional<String> vpc = ctx.index().known(VpcIds.VPC);
        if (vpc.isEmpty()) return Optional.empty();
        return Ec2Tags.untagged(ctx.aws().ec2().describeSecurityGroups(r -> r.filters(Ec2Tags.filter("vpc-id", vpc.get()),
                Ec2Tags.filter("group-name", want.string(NAME)))).securityGroups(), SecurityGroup::tags);
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        Ec2Tags.restoreIdentity(ctx, physicalId, logicalId);
    }

    @Override
    public String logicalId(SecurityGroup live, LayerContext ctx) {
        return Ec2Tags.logicalId(live.tags(), ctx, kind());
    }

    @Override
    public String physicalId(SecurityGroup live) {
        return live.groupId();
    }

    @Override
    public Map<String, Object> attributes(SecurityGroup live, LayerContext ctx) {
        UnaryOperator<String> peerOf = groupId -> {
            String key = VpcIds.nameOf(kind().name(), ctx.index().logicalId(groupId).orElse(null));
            return key == null ? groupId : SecurityGroupRules.GROUP_PREFIX + key;
        };
        Map<String, Object> a = new LinkedHashMap<>();
        a.put(VPC, ctx.index().refOrRaw(live.vpcId()));
        a.put(NAME, live.groupName());
        a.put(DESCRIPTION, live.description());
        a.put(INGRESS, SecurityGroupRules.observe(live.ipPermissions(), live.groupId(), peerOf));
        a.put(EGRESS, SecurityGroupRules.observe(live.ipPermissionsEgress(), live.groupId(), peerOf));
        a.put(TAGS, Ec2Tags.toMap(live.tags()));
        return a;
    }

    /** The group may already exist when another group referred to it earlier in this run. */
    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        String id = ctx.index().physicalId(want.logicalId()).orElseGet(() -> createGroup(want, ctx));
        repairRules(ctx, id, want, List.of(), List.of(AWS_DEFAULT_EGRESS));
    }

    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        repairRules(ctx, live.physicalId(), want, ManagedKind.strings(live, INGRESS), ManagedKind.strings(live, EGRESS));
        Ec2Tags.repair(ctx, live.physicalId(), want, live);
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        ctx.aws().ec2().deleteSecurityGroup(r -> r.groupId(physicalId));
    }

    private static String createGroup(DesiredResource want, LayerContext ctx) {
        String id = ctx.aws().ec2().createSecurityGroup(r -> r.groupName(want.string(NAME))
                .description(want.string(DESCRIPTION))
                .vpcId(ctx.resolve(want.attribute(VPC)))
                .tagSpecifications(Ec2Tags.atCreation(ResourceType.SECURITY_GROUP, ctx, want))).groupId();
        ctx.index().put(want.logicalId(), id);
        return id;
    }

    private static void repairRules(LayerContext ctx, String groupId, DesiredResource want, List<String> ingress, List<String> egress) {
        Ec2Client ec2 = ctx.aws().ec2();
        List<IpPermission> addIngress = permissions(ctx, groupId, ManagedKind.minus(want.strings(INGRESS), ingress));
        List<IpPermission> addEgress = permissions(ctx, groupId, ManagedKind.minus(want.strings(EGRESS), egress));
        List<IpPermission> dropIngress = permissions(ctx, groupId, ManagedKind.minus(ingress, want.strings(INGRESS)));
        List<IpPermission> dropEgress = permissions(ctx, groupId, ManagedKind.minus(egress, want.strings(EGRESS)));
        // Another writer (a security response) may have added or removed the same rule meanwhile: already done is done.
        Ec2Errors.rulesIdempotently(addIngress, p -> ec2.authorizeSecurityGroupIngress(r -> r.groupId(groupId).ipPermissions(p)), Ec2Errors.RULE_DUPLICATE);
        Ec2Errors.rulesIdempotently(addEgress, p -> ec2.authorizeSecurityGroupEgress(r -> r.groupId(groupId).ipPermissions(p)), Ec2Errors.RULE_DUPLICATE);
        Ec2Errors.rulesIdempotently(dropIngress, p -> ec2.revokeSecurityGroupIngress(r -> r.groupId(groupId).ipPermissions(p)), Ec2Errors.RULE_NOT_FOUND);
        Ec2Errors.rulesIdempotently(dropEgress, p -> ec2.revokeSecurityGroupEgress(r -> r.groupId(groupId).ipPermissions(p)), Ec2Errors.RULE_NOT_FOUND);
    }

    private static List<IpPermission> permissions(LayerContext ctx, String groupId, List<String> rules) {
        return rules.stream().map(Rule::parse).map(rule -> rule.toPermission(peerGroupId(ctx, groupId, rule))).toList();
    }

    /** The group id a rule's peer stands for; a group of the spec that does not exist yet is created. */
    private static String peerGroupId(LayerContext ctx, String ownGroupId, Rule rule) {
        if (!rule.peerIsGroup()) return null;
        if (rule.peerIsSelf()) return ownGroupId;
        String key = rule.peerGroupKey();
        if (key == null) return rule.peer();
        String logicalId = VpcIds.securityGroup(key);
        return ctx.index().physicalId(logicalId)
                .orElseGet(() -> createGroup(VpcDesiredState.securityGroup(ctx.spec(), key), ctx));
    }
}
