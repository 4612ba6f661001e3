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
import software.amazon.awssdk.services.ec2.model.InternetGateway;
import software.amazon.awssdk.services.ec2.model.ResourceType;

/** The internet gateway; its attachment (untagged in EC2) is its attribute attachedVpc. */
final class InternetGateways implements ManagedKind<InternetGateway> {

    @Override
    public ResourceKind kind() {
        return INTERNET_GATEWAY;
    }

    @Override
    public List<InternetGateway> list(LayerContext ctx) {
        return ctx.aws().ec2().describeInternetGatewaysPaginator(r -> r.filters(Ec2Tags.environmentFilter(ctx)))
                .internetGateways().stream().toList();
    }

    @Override
    public AttributeDecisions decisions() {
        return AttributeDecisions.of(kind())
                .read("DescribeInternetGateways", InternetGateway.class)
                .compare("Attachments", ATTACHED_VPC)
                .compare("Tags", TAGS)
                .ignore(Ignored.IDENTITY, "InternetGatewayId")
                .ignore(Ignored.READ_ONLY, "OwnerId")
                .build();
    }

    /** A VPC has at most one internet gateway attached. */
    @Override
    public Optional<InternetGateway> findUntagged(DesiredResource want, LayerContext ctx) {
        Optional<String> vpc = ctx.index().known(VpcIds.VPC);
        if (vpc.isEmpty()) return Optional.empty();
        return Ec2Tags.untagged(ctx.aws().ec2().describeInternetGateways(r -> r.filters(Ec2Tags.filter("attachment.vpc-id", vpc.get())))
                .internetGateways(), InternetGateway::tags);
    }

    @Override
    public void restoreIdentity(String physicalId, String logicalId, LayerContext ctx) {
        Ec2Tags.restoreIdentity(ctx, physicalId, logicalId);
    }

    @Override
    public String logicalId(InternetGateway live, LayerContext ctx) {
        return Ec2Tags.logicalId(live.tags(), ctx, kind());
    }

    @Override
    public String physicalId(InternetGateway live) {
        return live.internetGatewayId();
    }

    @Override
    public Map<String, Object> attributes(InternetGateway live, LayerContext ctx) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put(ATTACHED_VPC, live.attachments().stream().map(at -> ctx.index().refOrRaw(at.vpcId())).findFirst().orElse(null));
        a.put(TAGS, Ec2Tags.toMap(live.tags()));
        return a;
    }

    @Override
    public void create(DesiredResource want, LayerContext ctx) {
        String id = ctx.aws().ec2().createInternetGateway(r -> r.tagSpecifications(
                Ec2Tags.atCreation(ResourceType.INTERNET_GATEWAY, ctx, want))).internetGateway().internetGatewayId();
        ctx.index().put(want.logicalId(), id);
        attach(ctx, id, want);
    }

    @Override
    public void update(DesiredResource want, ObservedResource live, LayerContext ctx) {
        if (ManagedKind.differs(want, live, ATTACHED_VPC)) {
            Object attached = live.attributes().get(ATTACHED_VPC);
            if (attached != null) detach(ctx, live.physicalId(), ctx.resolve(attached));
            attach(ctx, live.physicalId(), want);
        }
        Ec2Tags.repair(ctx, live.physicalId(), want, live);
    }

    private static void attach(LayerContext ctx, String gatewayId, DesiredResource want) {
        String vpcId = ctx.resolve(want.attribute(ATTACHED_VPC));
        ctx.aws().ec2().attachInternetGateway(r -> r.internetGatewayId(gatewayId).vpcId(vpcId));
    }

    private static void detach(LayerContext ctx, String gatewayId, String vpcId) {
        ctx.aws().ec2().detachInternetGateway(r -> r.internetGatewayId(gatewayId).vpcId(vpcId));
    }

    @Override
    public void delete(String physicalId, ObservedResource live, LayerContext ctx) {
        Object attached = live == null ? null : live.attributes().get(ATTACHED_VPC);
        if (attached != null) detach(ctx, physicalId, ctx.resolve(attached));
        ctx.aws().ec2().deleteInternetGateway(r -> r.internetGatewayId(physicalId));
    }
}
