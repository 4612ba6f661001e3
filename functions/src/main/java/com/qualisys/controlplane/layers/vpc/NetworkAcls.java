package com.qualisys.controlplane.layers.vpc;

import static com.qualisys.controlplane.layers.vpc.VpcKinds.*;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Ignored;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.vpc.NaclEntries.Entry;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.NetworkAcl;
import software.amazon.awssdk.services.ec2.model.NetworkAclAssociation;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/**
 * Network ACLs with their entries and subnet associations as attributes. A subnet always belongs
 * to exactly one NACL: taking one in means replacing its current association, and letting one go
 * means handing it back to the VPC's default NACL.
 */
final class NetworkAcls implements ManagedKind<NetworkAcl> {

    @Override
    public ResourceKind kind() {
        return NETWORK_ACL;
    }

    @Override
    public List<NetworkAcl> list(LayerContext ctx) {
        return ctx.aws().ec2().describeNetworkAclsPaginator(r -> r.filters(Ec2Tags.environmentFilter(ctx)))
                .networkAcls().stream().toList();
    }

    @Override
    public AttributeDecisions decisions() {
        return AttributeDecisions.of(kind())
                .read("DescribeNetworkAcls", NetworkAcl.class)
                .compare("VpcId", VPC)
                .compare("Entries", INBOUND + ", " + OUTBOUND)
                .compare("Associations", SUBNETS)
                .compare("Tags", TAGS)
                .ignore(Ignored.IDENTITY, "NetworkAclId")
                .ignore(Ignored.READ_ONLY, "OwnerId", "IsDefault")
                .build();
    }

    /** Found by its VPC and an association with one of its subnets, never the VPC's default ACL. */
    @Override
    public Optional<NetworkAcl> findUntagged(DesiredResource want, LayerContext ctx) {
        Optional<String> vpc = Ec2Tags.known(ctx, want.string(VPC));
        Optional<String> subnet = want.strings(SUBNETS).stream().map(s -> Ec2Tags.known(ctx, s)).flatMap(Optional::stream).findFirst();
        if (vpc.isEmpty() || subnet.isEmpty()) return Optional.empty();
        return Ec2Tags.untagged(ctx.aws().ec2().describeNetworkAcls(r -> r.filters(Ec2Tags.filter("vpc-id", vpc.get()),
                Ec2Tags.filter("association.subnet-id", subnet.get()), Ec2Tags.filter("default", "false"))).networkAcls(),
                NetworkAcl::tags);
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        Ec2Tags.restoreIdentity(ctx, physicalId, logicalId);
    }

    @Override
    public String logicalId(NetworkAcl live, LayerContext ctx) {
        return Ec2Tags.logicalId(live.tags(), ctx, kind());
    }

    @Override
    public String physicalId(NetworkAcl live) {
        return live.networkAclId();
    }

    @Override
    public Map<String, Object> attributes(NetworkAcl live, LayerContext ctx) {
        Map<String, String> associations = new TreeMap<>();
        for (NetworkAclAssociation a : live.associations()) {
            associations.put(ctx.index().refOrRaw(a.subnetId()), a.networkAclAssociationId());
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put(VPC, ctx.index().refOrRaw(live.vpcId()));
        a.put(INBOUND, NaclEntries.observe(live.entries(), false));
        a.put(OUTBOUND, NaclEntries.observe(live.entries(), true));
        a.put(SUBNETS, List.copyOf(associations.keySet()));
        a.put(ASSOCIATION_IDS, associations);
        a.put(TAGS, Ec2Tags.toMap(live.tags()));
        return a;
    }

    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        String id = ctx.aws().ec2().createNetworkAcl(r -> r.vpcId(ctx.resolve(want.attribute(VPC)))
                .tagSpecifications(Ec2Tags.atCreation(ResourceType.NETWORK_ACL, ctx, want))).networkAcl().networkAclId();
        ctx.index().put(want.logicalId(), id);
        repairEntries(ctx, id, want.strings(INBOUND), List.of(), false);
        repairEntries(ctx, id, want.strings(OUTBOUND), List.of(), true);
        takeIn(ctx, id, want.strings(SUBNETS));
    }

    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        String id = live.physicalId();
        if (ManagedKind.differs(want, live, INBOUND)) repairEntries(ctx, id, want.strings(INBOUND), ManagedKind.strings(live, INBOUND), false);
        if (ManagedKind.differs(want, live, OUTBOUND)) repairEntries(ctx, id, want.strings(OUTBOUND), ManagedKind.strings(live, OUTBOUND), true);
        if (ManagedKind.differs(want, live, SUBNETS)) {
            List<String> liveSubnets = ManagedKind.strings(live, SUBNETS);
            takeIn(ctx, id, ManagedKind.minus(want.strings(SUBNETS), liveSubnets));
            Map<String, String> associationIds = ManagedKind.stringMap(live, ASSOCIATION_IDS);
            List<String> extra = ManagedKind.minus(liveSubnets, want.strings(SUBNETS)).stream().map(associationIds::get).toList();
            handBack(ctx, ctx.resolve(live.attributes().get(VPC)), extra);
        }
        Ec2Tags.repair(ctx, id, want, live);
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        if (live != null) handBack(ctx, ctx.resolve(live.attributes().get(VPC)), ManagedKind.stringMap(live, ASSOCIATION_IDS).values());
        ctx.aws().ec2().deleteNetworkAcl(r -> r.networkAclId(physicalId));
    }

    /** Per rule number: create the missing, replace the different, delete the extra. */
    private static void repairEntries(LayerContext ctx, String aclId, List<String> wanted, List<String> current, boolean egress) {
        Map<Integer, Entry> want = byRule(wanted);
        Map<Integer, Entry> have = byRule(current);
        Ec2Client ec2 = ctx.aws().ec2();
        want.forEach((rule, e) -> {
            Entry live = have.get(rule);
            if (e.equals(live)) return;
            if (live == null) {
                ec2.createNetworkAclEntry(r -> r.networkAclId(aclId).egress(egress).ruleNumber(rule).ruleAction(e.ruleAction())
                        .protocol(e.protocolNumber()).portRange(e.portRange()).icmpTypeCode(e.icmpTypeCode())
                        .cidrBlock(e.ipv6() ? null : e.cidr()).ipv6CidrBlock(e.ipv6() ? e.cidr() : null));
            } else {
                ec2.replaceNetworkAclEntry(r -> r.networkAclId(aclId).egress(egress).ruleNumber(rule).ruleAction(e.ruleAction())
                        .protocol(e.protocolNumber()).portRange(e.portRange()).icmpTypeCode(e.icmpTypeCode())
                        .cidrBlock(e.ipv6() ? null : e.cidr()).ipv6CidrBlock(e.ipv6() ? e.cidr() : null));
            }
        });
        have.keySet().stream().filter(rule -> !want.containsKey(rule))
                .forEach(rule -> ec2.deleteNetworkAclEntry(r -> r.networkAclId(aclId).egress(egress).ruleNumber(rule)));
    }

    private static Map<Integer, Entry> byRule(List<String> entries) {
        Map<Integer, Entry> map = new LinkedHashMap<>();
        entries.stream().map(Entry::parse).forEach(e -> map.put(e.rule(), e));
        return map;
    }

    /** Moves subnets into this NACL: one describe finds their current associations. */
    private static void takeIn(LayerContext ctx, String aclId, List<String> subnetRefs) {
        if (subnetRefs.isEmpty()) return;
        Ec2Client ec2 = ctx.aws().ec2();
        List<String> subnetIds = subnetRefs.stream().map(ctx::resolve).toList();
        Map<String, String> current = new LinkedHashMap<>();
        ec2.describeNetworkAclsPaginator(r -> r.filters(Filter.builder().name("association.subnet-id").values(subnetIds).build()))
                .networkAcls().forEach(acl -> acl.associations().stream()
                        .filter(a -> subnetIds.contains(a.subnetId()))
                        .forEach(a -> current.put(a.subnetId(), a.networkAclAssociationId())));
        for (String subnetId : subnetIds) {
            String associationId = current.get(subnetId);
            if (associationId == null) throw new IllegalStateException("subnet " + subnetId + " has no network ACL association");
            ec2.replaceNetworkAclAssociation(r -> r.associationId(associationId).networkAclId(aclId));
        }
    }

    /** Gives subnets back to the VPC's default NACL. */
    private static void handBack(LayerContext ctx, String vpcId, Collection<String> associationIds) {
        if (associationIds.isEmpty()) return;
        Ec2Client ec2 = ctx.aws().ec2();
        String defaultAcl = ec2.describeNetworkAcls(r -> r.filters(
                        Filter.builder().name("vpc-id").values(vpcId).build(),
                        Filter.builder().name("default").values("true").build()))
                .networkAcls().stream().findFirst().map(NetworkAcl::networkAclId)
                .orElseThrow(() -> new IllegalStateException("VPC " + vpcId + " has no default network ACL"));
        associationIds.forEach(associationId -> Ec2Errors.ignoreAssociationGone(
                () -> ec2.replaceNetworkAclAssociation(r -> r.associationId(associationId).networkAclId(defaultAcl))));
    }
}
