package com.qualisys.controlplane.layers.vpc;

import static com.qualisys.controlplane.layers.vpc.VpcKinds.*;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Ignored;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import com.qualisys.controlplane.layers.support.Identity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ec2.model.Address;
import software.amazon.awssdk.services.ec2.model.DomainType;
import software.amazon.awssdk.services.ec2.model.NatGateway;
import software.amazon.awssdk.services.ec2.model.NatGatewayState;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/**
 * The NAT gateways' Elastic IPs. DescribeAddresses is not paginated: one call returns them all.
 * An address whose tags were removed is found again through the NAT gateway that holds it (the
 * spec's gateway for this address sits in a public subnet found before, and holds it for life), or
 * held it until it was deleted, while AWS still lists that gateway.
 */
final class ElasticIps implements ManagedKind<Address> {
    /** A gateway deleted (or being deleted): AWS still lists it, with its addresses and tags, for a while. */
    private static final Set<NatGatewayState> GONE = Set.of(NatGatewayState.DELETING, NatGatewayState.DELETED);

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
                .ignore(Ignored.IDENTITY + "; an address that lost its qualisys:* tags is found again through the NAT gateway that"
                        + " holds it, or held it while AWS still lists that gateway deleted (about an hour); after that no attribute"
                        + " ties an unassociated address to the spec (gap: apply allocates another and the old one stays allocated"
                        + " until someone releases it)", "AllocationId", "PublicIp")
                .ignore("what the address is associated with: a NAT gateway holds its primary address for life, and the"
                        + " gateway's addresses are compared (NatGateway.NatGatewayAddresses)",
                        "AssociationId", "NetworkInterfaceId", "NetworkInterfaceOwnerId", "PrivateIpAddress", "InstanceId", "SubnetId")
                .ignore(Ignored.FIXED_AT_CREATION, "PublicIpv4Pool", "NetworkBorderGroup")
                .ignore(Ignored.OUTPOSTS, "CustomerOwnedIp", "CustomerOwnedIpv4Pool", "CarrierIp")
                .ignore(Ignored.READ_ONLY, "ServiceManaged")
                .build();
    }

    /**
     * The address the spec's NAT gateway for it holds (a gateway in the spec's public subnet, found before,
     * holds its primary address for life) or held: a gateway deleted out of band stays listed, deleted,
     * with its addresses and its tags, for a while (about an hour in AWS), and one that carries this
     * environment's identity for that NAT gateway names the address that was ours (freed, or still on that
     * gateway's interface while it is deleting). After that nothing ties a bare, unassociated address to
     * the spec (the gap is written with the AllocationId decision, docs/attribute-coverage.md): apply then
     * allocates a new one.
     */
    @Override
    public Optional<Address> findUntagged(DesiredResource want, LayerContext ctx) {
        Optional<DesiredResource> nat = VpcDesiredState.of(ctx.spec()).stream()
                .filter(d -> d.kind().name().equals(NAT_GATEWAY.name()) && DesiredResource.ref(want.logicalId()).equals(d.attribute(ALLOCATION)))
                .findFirst();
        Optional<String> subnet = nat.flatMap(n -> Ec2Tags.known(ctx, n.string(SUBNET)));
        if (subnet.isEmpty()) return Optional.empty();
        Set<String> holding = new LinkedHashSet<>();
        // Held by a gateway that is gone: the address, with the gateway's own interface (AWS frees the
        // address once the gateway is deleted; while it is deleting, the address is still on that interface).
        Map<String, String> held = new LinkedHashMap<>();
        for (NatGateway gateway : ctx.aws().ec2().describeNatGateways(r -> r.filter(Ec2Tags.filter("subnet-id", subnet.get()))).natGateways()) {
            boolean live = NatGateways.LIVE.contains(gateway.state());
            boolean oursGone = GONE.contains(gateway.state()) && Identity.isOurs(Ec2Tags.toMap(gateway.tags()), ctx, nat.get().logicalId());
            if (!live && !oursGone) continue;
            gateway.natGatewayAddresses().stream()
                    .filter(a -> a.allocationId() != null && !Boolean.FALSE.equals(a.isPrimary()))
                    .forEach(a -> {
                        if (live) holding.add(a.allocationId());
                        else held.put(a.allocationId(), String.valueOf(a.networkInterfaceId()));
                    });
        }
        held.keySet().removeAll(holding);
        if (holding.isEmpty() && held.isEmpty()) return Optional.empty();
        List<String> ids = new ArrayList<>(holding);
        ids.addAll(held.keySet());
        List<Address> candidates = ctx.aws().ec2().describeAddresses(r -> r.allocationIds(ids)).addresses().stream()
                .filter(a -> holding.contains(a.allocationId()) || a.associationId() == null
                        || held.get(a.allocationId()).equals(a.networkInterfaceId()))
                .toList();
        return Ec2Tags.untagged(candidates, Address::tags);
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
