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
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.DomainType;
import software.amazon.awssdk.services.ec2.model.NatGatewayAddress;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/**
 * The NAT gateways' Elastic IPs. DescribeAddresses is not paginated: one call returns them all.
 * An address whose tags were removed is found again through the NAT gateway that holds it: the
 * spec's gateway for this address sits in a public subnet found before, and holds it for life.
 */
final class ElasticIps implements ManagedKind<Address> {

    @Override
    public ResourceKind kind() {
        return ELASTIC_IP;
    }

    @Override
    public List<Address> list(LayerContext ctx) {
        return ctx.aws().ec2().describeAddresses(r -> r.filters(Ec2Tags.environmentFilter(ctx))).addresses();
    }

    @Override
    public AttributeDecisions decisions() {
        return AttributeDecisions.of(kind())
                .read("DescribeAddresses", Address.class)
                .compare("Domain", DOMAIN)
                .compare("Tags", TAGS)
                .ignore(Ignored.IDENTITY, "AllocationId", "PublicIp")
                .ignore("what the address is associated with: a NAT gateway holds its primary address for life, and the"
                        + " gateway's addresses are compared (NatGateway.NatGatewayAddresses)",
                        "AssociationId", "NetworkInterfaceId", "NetworkInterfaceOwnerId", "PrivateIpAddress", "InstanceId", "SubnetId")
                .ignore(Ignored.FIXED_AT_CREATION, "PublicIpv4Pool", "NetworkBorderGroup")
                .ignore(Ignored.OUTPOSTS, "CustomerOwnedIp", "CustomerOwnedIpv4Pool", "CarrierIp")
                .ignore(Ignored.READ_ONLY, "ServiceManaged")
                .build();
    }

    @Override
    public Optional<Address> findUntagged(DesiredResource want, LayerContext ctx) {
        Optional<String> subnet = VpcDesiredState.of(ctx.spec()).stream()
                .filter(d -> d.kind().name().equals(NAT_GATEWAY.name()) && DesiredResource.ref(want.logicalId()).equals(d.attribute(ALLOCATION)))
                .findFirst().flatMap(nat -> Ec2Tags.known(ctx, nat.string(SUBNET)));
        if (subnet.isEmpty()) return Optional.empty();
        List<String> held = ctx.aws().ec2().describeNatGateways(r -> r.filter(Ec2Tags.filter("subnet-id", subnet.get()))).natGateways().stream()
                .filter(n -> NatGateways.LIVE.contains(n.state()))
                .flatMap(n -> n.natGatewayAddresses().stream())
                .filter(a -> a.allocationId() != null && !Boolean.FALSE.equals(a.isPrimary()))
                .map(NatGatewayAddress::allocationId).toList();
        if (held.isEmpty()) return Optional.empty();
        return Ec2Tags.untagged(ctx.aws().ec2().describeAddresses(r -> r.allocationIds(held)).addresses(), Address::tags);
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        Ec2Tags.restoreIdentity(ctx, physicalId, logicalId);
    }

    @Override
    public String logicalId(Address live, LayerContext ctx) {
        return Ec2Tags.logicalId(live.tags(), ctx, kind());
    }

    @Override
    public String physicalId(Address live) {
        return live.allocationId();
    }

    @Override
    public Map<String, Object> attributes(Address live, LayerContext ctx) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put(DOMAIN, live.domainAsString());
        a.put(TAGS, Ec2Tags.toMap(live.tags()));
        return a;
    }

    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        String id = ctx.aws().ec2().allocateAddress(r -> r.domain(DomainType.fromValue(want.string(DOMAIN)))
                .tagSpecifications(Ec2Tags.atCreation(ResourceType.ELASTIC_IP, ctx, want))).allocationId();
        ctx.index().put(want.logicalId(), id);
    }

    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        Ec2Tags.repair(ctx, live.physicalId(), want, live);
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        ctx.aws().ec2().releaseAddress(r -> r.allocationId(physicalId));
    }
}
