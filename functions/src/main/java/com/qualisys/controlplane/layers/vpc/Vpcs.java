package com.qualisys.controlplane.layers.vpc;

import static com.qualisys.controlplane.layers.vpc.VpcKinds.*;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Ignored;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AttributeBooleanValue;
import software.amazon.awssdk.services.ec2.model.DescribeVpcAttributeResponse;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.ec2.model.VpcAttributeName;

/**
 * The VPC. DescribeVpcs does not return the DNS settings: they cost one DescribeVpcAttribute
 * each, per VPC (EC2 has no batch form).
 */
final class Vpcs implements ManagedKind<Vpc> {
    /** What AWS gives a new, non-default VPC. */
    private static final boolean NEW_VPC_DNS_SUPPORT = true;
    private static final boolean NEW_VPC_DNS_HOSTNAMES = false;

    @Override
    public ResourceKind kind() {
        return VPC_KIND;
    }

    @Override
    public List<Vpc> list(LayerContext ctx) {
        return ctx.aws().ec2().describeVpcsPaginator(r -> r.filters(Ec2Tags.environmentFilter(ctx))).vpcs().stream().toList();
    }

    @Override
    public AttributeDecisions decisions() {
        return AttributeDecisions.of(kind())
                .read("DescribeVpcs", Vpc.class)
                .compare("CidrBlock", CIDR)
                .compare("InstanceTenancy", INSTANCE_TENANCY)
                .compare("Tags", TAGS)
                .ignore(Ignored.IDENTITY, "VpcId")
                .ignore(Ignored.READ_ONLY, "OwnerId", "IsDefault")
                .ignore(Ignored.STATUS, "State")
                .ignore("IPv6 blocks reach nothing by themselves: a subnet needs one too and a route must use it; the subnets'"
                        + " IPv6 blocks are decided there and every route of every table is compared", "Ipv6CidrBlockAssociationSet")
                .ignore("secondary IPv4 blocks reach nothing by themselves: subnets (compared by CIDR) and routes (compared) use"
                        + " address space", "CidrBlockAssociationSet")
                .ignore("VPC encryption controls only add checks on traffic encryption; absent by default and not in the spec",
                        "EncryptionControl")
                .ignore("VPC Block Public Access is an account-level setting, reported per VPC", "BlockPublicAccessStates")
                .ignore("the DHCP option set is shared by the account and not created by the control plane (gap: a swapped"
                        + " set could redirect DNS; see docs/attribute-coverage.md)", "DhcpOptionsId")
                .read("DescribeVpcAttribute (one per VPC attribute)", DescribeVpcAttributeResponse.class)
                .compare("EnableDnsSupport", DNS_SUPPORT)
                .compare("EnableDnsHostnames", DNS_HOSTNAMES)
                .ignore("Network Address Usage metrics are free CloudWatch metrics; no security or cost effect",
                        "EnableNetworkAddressUsageMetrics")
                .ignore(Ignored.IDENTITY, "VpcId")
                .build();
    }

    /** By CIDR and Name tag: a VPC's CIDR alone need not be unique in an account. */
    @Override
    public Optional<Vpc> findUntagged(DesiredResource want, LayerContext ctx) {
        String name = want.stringMap(TAGS).get("Name");
        if (name == null) return Optional.empty();
        return Ec2Tags.untagged(ctx.aws().ec2().describeVpcs(r -> r.filters(Ec2Tags.filter("cidr", want.string(CIDR)),
                Ec2Tags.filter("tag:Name", name))).vpcs(), Vpc::tags);
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        Ec2Tags.restoreIdentity(ctx, physicalId, logicalId);
    }

    @Override
    public String logicalId(Vpc live, LayerContext ctx) {
        return Ec2Tags.logicalId(live.tags(), ctx, kind());
    }

    @Override
    public String physicalId(Vpc live) {
        return live.vpcId();
    }

    @Override
    public Map<String, Object> attributes(Vpc live, LayerContext ctx) {
        Ec2Client ec2 = ctx.aws().ec2();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put(CIDR, live.cidrBlock());
        a.put(INSTANCE_TENANCY, live.instanceTenancyAsString());
        a.put(DNS_SUPPORT, ec2.describeVpcAttribute(r -> r.vpcId(live.vpcId()).attribute(VpcAttributeName.ENABLE_DNS_SUPPORT))
                .enableDnsSupport().value());
        a.put(DNS_HOSTNAMES, ec2.describeVpcAttribute(r -> r.vpcId(live.vpcId()).attribute(VpcAttributeName.ENABLE_DNS_HOSTNAMES))
                .enableDnsHostnames().value());
        a.put(TAGS, Ec2Tags.toMap(live.tags()));
        return a;
    }

    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        String id = ctx.aws().ec2().createVpc(r -> r.cidrBlock(want.string(CIDR))
                .tagSpecifications(Ec2Tags.atCreation(ResourceType.VPC, ctx, want))).vpc().vpcId();
        ctx.index().put(want.logicalId(), id);
        setDns(ctx, id, want, NEW_VPC_DNS_SUPPORT, NEW_VPC_DNS_HOSTNAMES);
    }

    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        setDns(ctx, live.physicalId(), want,
                Boolean.TRUE.equals(live.attributes().get(DNS_SUPPORT)), Boolean.TRUE.equals(live.attributes().get(DNS_HOSTNAMES)));
        Ec2Tags.repair(ctx, live.physicalId(), want, live);
    }

    /** DNS hostnames need DNS support: turn support on first and off last. */
    private static void setDns(LayerContext ctx, String vpcId, DesiredResource want, boolean support, boolean hostnames) {
        boolean wantSupport = Boolean.TRUE.equals(want.attribute(DNS_SUPPORT));
        boolean wantHostnames = Boolean.TRUE.equals(want.attribute(DNS_HOSTNAMES));
        Ec2Client ec2 = ctx.aws().ec2();
        if (wantSupport && !support) ec2.modifyVpcAttribute(r -> r.vpcId(vpcId).enableDnsSupport(on(true)));
        if (wantHostnames != hostnames) ec2.modifyVpcAttribute(r -> r.vpcId(vpcId).enableDnsHostnames(on(wantHostnames)));
        if (!wantSupport && support) ec2.modifyVpcAttribute(r -> r.vpcId(vpcId).enableDnsSupport(on(false)));
    }

    private static AttributeBooleanValue on(boolean value) {
        return AttributeBooleanValue.builder().value(value).build();
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        ctx.aws().ec2().deleteVpc(r -> r.vpcId(physicalId));
    }
}
