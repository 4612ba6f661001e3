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
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Subnet;

/**
 * The six subnets; VPC, CIDR and AZ are fixed at creation; whether instances launched in them get a
 * public IP, and the tags (EKS load-balancer tags), are repaired.
 */
final class Subnets implements ManagedKind<Subnet> {

    @Override
    public ResourceKind kind() {
        return SUBNET_KIND;
    }

    @Override
    public List<Subnet> list(LayerContext ctx) {
        return ctx.aws().ec2().describeSubnetsPaginator(r -> r.filters(Ec2Tags.environmentFilter(ctx))).subnets().stream().toList();
    }

    @Override
    public AttributeDecisions decisions() {
        return AttributeDecisions.of(kind())
                .read("DescribeSubnets", Subnet.class)
                .compare("VpcId", VPC)
                .compare("CidrBlock", CIDR)
                .compare("AvailabilityZone", AVAILABILITY_ZONE)
                .compare("MapPublicIpOnLaunch", MAP_PUBLIC_IP)
                .compare("Tags", TAGS)
                .ignore(Ignored.sameAs("AvailabilityZone"), "AvailabilityZoneId")
                .ignore(Ignored.IDENTITY, "SubnetId", "SubnetArn")
                .ignore(Ignored.READ_ONLY, "OwnerId", "AvailableIpAddressCount", "DefaultForAz", "Type")
                .ignore(Ignored.STATUS, "State")
                .ignore(Ignored.OUTPOSTS, "EnableLniAtDeviceIndex", "MapCustomerOwnedIpOnLaunch", "CustomerOwnedIpv4Pool", "OutpostArn")
                .ignore("IPv6-only settings: they do nothing without an IPv6 block on the subnet, and an IPv6 block carries"
                        + " no traffic without a route, and every route is compared",
                        "AssignIpv6AddressOnCreation", "Ipv6CidrBlockAssociationSet", "EnableDns64")
                .ignore(Ignored.FIXED_AT_CREATION, "Ipv6Native")
                .ignore("the format of instance host names; no security or cost effect", "PrivateDnsNameOptionsOnLaunch")
                .ignore("VPC Block Public Access is an account-level setting, reported per subnet", "BlockPublicAccessStates")
                .build();
    }

    /** A subnet's CIDR is unique in its VPC. */
    @Override
    public Optional<Subnet> findUntagged(DesiredResource want, LayerContext ctx) {
        Optional<String> vpc = ctx.index().known(VpcIds.VPC);
        if (vpc.isEmpty()) return Optional.empty();
        return Ec2Tags.untagged(ctx.aws().ec2().describeSubnets(r -> r.filters(Ec2Tags.filter("vpc-id", vpc.get()),
                Ec2Tags.filter("cidr-block", want.string(CIDR)))).subnets(), Subnet::tags);
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        Ec2Tags.restoreIdentity(ctx, physicalId, logicalId);
    }

    @Override
    public String logicalId(Subnet live, LayerContext ctx) {
        return Ec2Tags.logicalId(live.tags(), ctx, kind());
    }

    @Override
    public String physicalId(Subnet live) {
        return live.subnetId();
    }

    @Override
    public Map<String, Object> attributes(Subnet live, LayerContext ctx) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put(VPC, ctx.index().refOrRaw(live.vpcId()));
        a.put(CIDR, live.cidrBlock());
        a.put(AVAILABILITY_ZONE, live.availabilityZone());
        a.put(MAP_PUBLIC_IP, live.mapPublicIpOnLaunch());
        a.put(TAGS, Ec2Tags.toMap(live.tags()));
        return a;
    }

    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        String id = ctx.aws().ec2().createSubnet(r -> r.vpcId(ctx.resolve(want.attribute(VPC)))
                .cidrBlock(want.string(CIDR))
                .availabilityZone(want.string(AVAILABILITY_ZONE))
                .tagSpecifications(Ec2Tags.atCreation(ResourceType.SUBNET, ctx, want))).subnet().subnetId();
        ctx.index().put(want.logicalId(), id);
        // AWS creates a subnet that maps no public IP; only a spec that wants one needs the call.
        if (Boolean.TRUE.equals(want.attribute(MAP_PUBLIC_IP))) setMapPublicIp(ctx, id, true);
    }

    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        if (ManagedKind.differs(want, live, MAP_PUBLIC_IP)) {
            setMapPublicIp(ctx, live.physicalId(), Boolean.TRUE.equals(want.attribute(MAP_PUBLIC_IP)));
        }
        Ec2Tags.repair(ctx, live.physicalId(), want, live);
    }

    private static void setMapPublicIp(LayerContext ctx, String subnetId, boolean value) {
        ctx.aws().ec2().modifySubnetAttribute(r -> r.subnetId(subnetId).mapPublicIpOnLaunch(v -> v.value(value)));
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        ctx.aws().ec2().deleteSubnet(r -> r.subnetId(physicalId));
    }
}
