package com.qualisys.controlplane.layers.vpc;

import static com.qualisys.controlplane.layers.vpc.VpcKinds.*;

import com.qualisys.controlplane.engine.AttributeDecisions;
import com.qualisys.controlplane.engine.ChangePendingException;
import com.qualisys.controlplane.engine.DesiredResource;
import com.qualisys.controlplane.engine.Ignored;
import com.qualisys.controlplane.engine.LayerContext;
import com.qualisys.controlplane.engine.ManagedKind;
import com.qualisys.controlplane.engine.ObservedResource;
import com.qualisys.controlplane.engine.ResourceKind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.ec2.model.ConnectivityType;
import software.amazon.awssdk.services.ec2.model.NatGateway;
import software.amazon.awssdk.services.ec2.model.NatGatewayState;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/**
 * The NAT gateways, one per AZ in that AZ's public subnet. AWS lists a deleted or failed gateway
 * for about an hour: only pending and available ones exist for the plan.
 */
final class NatGateways implements ManagedKind<NatGateway> {
    static final Set<NatGatewayState> LIVE = Set.of(NatGatewayState.PENDING, NatGatewayState.AVAILABLE);

    @Override
    public ResourceKind kind() {
        return NAT_GATEWAY;
    }

    @Override
    public List<NatGateway> list(LayerContext ctx) {
        return ctx.aws().ec2().describeNatGatewaysPaginator(r -> r.filter(Ec2Tags.environmentFilter(ctx)))
                .natGateways().stream().filter(n -> LIVE.contains(n.state())).toList();
    }

    @Override
    public AttributeDecisions decisions() {
        return AttributeDecisions.of(kind())
                .read("DescribeNatGateways", NatGateway.class)
                .compare("SubnetId", SUBNET)
                .compare("NatGatewayAddresses", ALLOCATION)
                .compare("ConnectivityType", CONNECTIVITY)
                .compare("Tags", TAGS)
                .ignore(Ignored.IDENTITY, "NatGatewayId")
                .ignore(Ignored.READ_ONLY, "CreateTime", "DeleteTime", "AttachedAppliances")
                .ignore(Ignored.STATUS, "State", "FailureCode", "FailureMessage")
                .ignore(Ignored.sameAs("SubnetId") + " (a subnet is in one VPC)", "VpcId")
                .ignore("reserved for AWS-managed bandwidth; not settable by customers", "ProvisionedBandwidth")
                .ignore("regional NAT gateway settings; the spec's gateways are zonal and the mode is " + Ignored.FIXED_AT_CREATION,
                        "AvailabilityMode", "AutoScalingIps", "AutoProvisionZones", "RouteTableId")
                .build();
    }

    /** The spec puts one NAT gateway in a public subnet: the live one there is it. */
    @Override
    public Optional<NatGateway> findUntagged(DesiredResource want, LayerContext ctx) {
        String subnetRef = want.string(SUBNET);
        Optional<String> subnet = DesiredResource.isRef(subnetRef)
                ? ctx.index().known(subnetRef.substring(DesiredResource.REF.length())) : Optional.empty();
        if (subnet.isEmpty()) return Optional.empty();
        return Ec2Tags.untagged(ctx.aws().ec2().describeNatGateways(r -> r.filter(Ec2Tags.filter("subnet-id", subnet.get())))
                .natGateways().stream().filter(n -> LIVE.contains(n.state())).toList(), NatGateway::tags);
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        Ec2Tags.restoreIdentity(ctx, physicalId, logicalId);
    }

    @Override
    public String logicalId(NatGateway live, LayerContext ctx) {
        return Ec2Tags.logicalId(live.tags(), ctx, kind());
    }

    @Override
    public String physicalId(NatGateway live) {
        return live.natGatewayId();
    }

    @Override
    public Map<String, Object> attributes(NatGateway live, LayerContext ctx) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put(SUBNET, ctx.index().refOrRaw(live.subnetId()));
        a.put(ALLOCATION, live.natGatewayAddresses().stream()
                .filter(address -> !Boolean.FALSE.equals(address.isPrimary()))
                .map(address -> ctx.index().refOrRaw(address.allocationId())).findFirst().orElse(null));
        a.put(CONNECTIVITY, live.connectivityTypeAsString());
        a.put(TAGS, Ec2Tags.toMap(live.tags()));
        return a;
    }

    /**
     * Creates with a client token derived from what the gateway is, so that a retry after a lost
     * response, or a run that has not yet seen the first gateway in describe (EC2 is eventually
     * consistent), gets the same gateway back instead of a second one. A token names one gateway
     * for good: if AWS answers with a gateway already deleted (the one an earlier run made with this
     * token), a fresh token creates its successor.
     */
    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        String subnetId = ctx.resolve(want.attribute(SUBNET));
        String allocationId = ctx.resolve(want.attribute(ALLOCATION));
        String token = clientToken(ctx.environment(), want.logicalId(), subnetId, allocationId);
        freeFromDeletedGateway(ctx, allocationId);
        NatGateway nat = create(ctx, want, subnetId, allocationId, token);
        if (!LIVE.contains(nat.state())) nat = create(ctx, want, subnetId, allocationId, UUID.randomUUID().toString());
        ctx.index().put(want.logicalId(), nat.natGatewayId());
    }

    /**
     * The Elastic IP of a gateway being replaced stays with the old gateway until it is deleted: AWS
     * frees it then (minutes after DeleteNatGateway), so while the old one is still deleting the new one
     * waits for the next apply. Moto marks the old gateway deleted at once but never frees the address
     * (docs/emulator-gaps.md): an address still held by a deleted gateway is let go here, as AWS would.
     */
    private static void freeFromDeletedGateway(LayerContext ctx, String allocationId) {
        var address = ctx.aws().ec2().describeAddresses(r -> r.allocationIds(allocationId)).addresses().stream().findFirst();
        if (address.isEmpty() || address.get().associationId() == null) return;
        List<NatGateway> holders = ctx.aws().ec2().describeNatGatewaysPaginator(r -> r.filter(Ec2Tags.environmentFilter(ctx)))
                .natGateways().stream()
                .filter(n -> n.natGatewayAddresses().stream().anyMatch(a -> allocationId.equals(a.allocationId())))
                .toList();
        if (holders.isEmpty() || holders.stream().anyMatch(n -> LIVE.contains(n.state()))) return;
        NatGateway deleting = holders.stream().filter(n -> n.state() == NatGatewayState.DELETING).findFirst().orElse(null);
        if (deleting != null) {
            throw new ChangePendingException("Elastic IP " + allocationId + " is still held by NAT gateway "
                    + deleting.natGatewayId() + ", which is deleting");
        }
        ctx.aws().ec2().disassociateAddress(r -> r.associationId(address.get().associationId()));
    }

    private static NatGateway create(LayerContext ctx, DesiredResource want, String subnetId, String allocationId, String token) {
        return ctx.aws().ec2().createNatGateway(r -> r.subnetId(subnetId).allocationId(allocationId)
                .connectivityType(ConnectivityType.fromValue(want.string(CONNECTIVITY)))
                .clientToken(token)
                .tagSpecifications(Ec2Tags.atCreation(ResourceType.NATGATEWAY, ctx, want))).natGateway();
    }

    /** At most 64 ASCII characters, as EC2 requires. */
    static String clientToken(String... parts) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(String.join("|", parts).getBytes(StandardCharsets.UTF_8));
            return "qualisys-" + HexFormat.of().formatHex(hash).substring(0, 48);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        Ec2Tags.repair(ctx, live.physicalId(), want, live);
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        ctx.aws().ec2().deleteNatGateway(r -> r.natGatewayId(physicalId));
    }

    /** The gateways still pending, as "logical-id (nat-…): pending". */
    static List<String> pending(LayerContext ctx) {
        return ctx.aws().ec2().describeNatGatewaysPaginator(r -> r.filter(Ec2Tags.environmentFilter(ctx)))
                .natGateways().stream()
                .filter(n -> n.state() == NatGatewayState.PENDING)
                .map(n -> {
                    String id = Ec2Tags.logicalId(n.tags(), ctx, NAT_GATEWAY);
                    return id == null ? null : id + " (" + n.natGatewayId() + "): pending";
                })
                .filter(java.util.Objects::nonNull).toList();
    }
}
